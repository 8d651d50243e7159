"""Tables owned by the gateway: who may call, what they did, and the answers to retried requests."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(sa.String(60), primary_key=True)  # a slug: lingkar-sosial, dinsos-batu
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(30))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    org_id: Mapped[str] = mapped_column(sa.ForeignKey("organisations.id"))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    roles: Mapped[list] = mapped_column(sa.JSON)
    areas: Mapped[list] = mapped_column(sa.JSON)  # kabupaten/kota or kecamatan codes
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    first_failure_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    password_changed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class Client(Base):
    """A partner system that authenticates with a client id and secret."""

    __tablename__ = "clients"

    id: Mapped[str] = mapped_column(sa.String(80), primary_key=True)  # the client id
    name: Mapped[str] = mapped_column(sa.String(200))
    org_id: Mapped[str] = mapped_column(sa.ForeignKey("organisations.id"))
    secret_hash: Mapped[str] = mapped_column(sa.String(255))
    roles: Mapped[list] = mapped_column(sa.JSON)
    areas: Mapped[list] = mapped_column(sa.JSON)
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    first_failure_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class RefreshToken(Base):
    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # only the hash is kept
    subject_kind: Mapped[str] = mapped_column(sa.String(10))  # user | client
    subject_id: Mapped[str] = mapped_column(sa.String(80), index=True)
    # Every token rotated from one login shares it: reuse of a rotated token revokes the whole family.
    family_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    issued_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class LoginThrottle(Base):
    """Failed logins under a name no account has, counted like an account's so both lock alike."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(sa.String(300), primary_key=True)  # user:<name> | client:<id>
    failed_logins: Mapped[int] = mapped_column(default=0)
    first_failure_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), index=True)
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    active = False  # never an account: a login under this name always fails


class AuditEntry(Base):
    """Append-only: a database trigger refuses UPDATE and DELETE, and the API offers neither."""

    __tablename__ = "audit_entries"
    __table_args__ = (sa.Index("ix_audit_resource", "resource", "resource_id"),)

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
    user_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    client_id: Mapped[str | None] = mapped_column(sa.String(80))
    org_id: Mapped[str | None] = mapped_column(sa.String(60))
    action: Mapped[str] = mapped_column(sa.String(20))  # read | create | update | delete | export | login
    resource: Mapped[str] = mapped_column(sa.String(40))
    resource_id: Mapped[str | None] = mapped_column(sa.String(80))
    correlation_id: Mapped[str | None] = mapped_column(sa.String(128))
    outcome: Mapped[str] = mapped_column(sa.String(20))  # success | denied | not_found | failed
    detail: Mapped[str | None] = mapped_column(sa.String(300))


class IdempotentResponse(Base):
    """The first answer to a POST with an Idempotency-Key, replayed when the request is retried."""

    __tablename__ = "idempotent_responses"

    principal: Mapped[str] = mapped_column(sa.String(90), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[int]
    body: Mapped[str] = mapped_column(sa.Text)
    headers: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class FeedKey(Base):
    """A calendar subscription URL's secret (issue 11): calendar apps cannot send a bearer token.

    Bound to one account and one feed scope; only the SHA-256 of the secret is kept.
    """

    __tablename__ = "feed_keys"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    subject_kind: Mapped[str] = mapped_column(sa.String(10))  # user | client
    subject_id: Mapped[str] = mapped_column(sa.String(80), index=True)
    scope: Mapped[str] = mapped_column(sa.String(200))  # area-<code>, pokja-<id> or person-<id>
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
