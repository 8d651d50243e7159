"""Persons, their consents, guardians, communication preferences and change history."""
from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, validates

from inklusi_platform.contracts.registry import (  # noqa: F401  (re-exported for the registry's modules)
    CHANNELS,
    CONSENT_FORMS,
    CONSENT_SOURCES,
    FORMATS,
    GIVERS,
    PERSON_STATUSES,
    PURPOSES,
    SEXES,
)
from inklusi_platform.sealing import Sealed, keyring
from registry.models.base import Base

HISTORY_ACTIONS = ("created", "updated", "moved", "deceased", "merged", "consent_recorded", "consent_withdrawn")
FLAG_STATUSES = ("open", "dismissed", "merged")

# Ids are generated here rather than by the database so that events and history can name a record
# before it is flushed.
ID = sa.String(36)
USER_ID = sa.String(64)
AREA = sa.String(13)  # the longest code: a desa, 35.07.25.2001


def new_id() -> str:
    return str(uuid.uuid4())


def nik_index(nik: str | None) -> str | None:
    """The NIK's blind index: how the register finds and de-duplicates NIKs without storing them in clear."""
    return keyring().blind_index(nik, "persons.nik")


def _one_of(table: str, column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    quoted = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({quoted})", name=f"ck_{table}_{column}")


class Person(Base):
    """One person with a disability. The NIK is the natural key; `version` is the ETag.

    NIK, KK, phones, email and diagnosis are sealed (AES-GCM, see inklusi_platform.sealing): the
    model reads and writes them in clear, the database holds ciphertext. They cannot be compared in
    SQL; the NIK is found through `nik_index`, kept in step whenever `nik` is set.
    """

    __tablename__ = "persons"
    __table_args__ = (
        _one_of("persons", "sex", SEXES),
        _one_of("persons", "status", PERSON_STATUSES),
        _one_of("persons", "format", FORMATS),
        sa.Index("ix_persons_kecamatan_code", "kecamatan_code"),
        sa.Index("ix_persons_desa_code", "desa_code"),
        sa.Index("ix_persons_birth_date", "birth_date"),
        # Likely duplicates share both (duplicates.py); an import batch looks up a thousand pairs at once.
        sa.Index("ix_persons_birth_date_kecamatan", "birth_date", "kecamatan_code"),
        sa.Index("ix_persons_status", "status"),
        # Lists are ordered and paged by (name, id), mostly inside one kecamatan or desa.
        sa.Index("ix_persons_name_id", "name", "id"),
        sa.Index("ix_persons_kecamatan_name_id", "kecamatan_code", "name", "id"),
        sa.Index("ix_persons_desa_name_id", "desa_code", "name", "id"),
        sa.Index("uq_persons_nik_index", "nik_index", unique=True),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    # Every UPDATE checks and raises the version, so two writers racing past the ETag check still
    # cannot both win: the loser's UPDATE matches no row (StaleDataError).
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)

    nik: Mapped[str] = mapped_column(Sealed("persons.nik"))
    nik_index: Mapped[str] = mapped_column(sa.String(64))
    kk: Mapped[str | None] = mapped_column(Sealed("persons.kk"))
    name: Mapped[str] = mapped_column(sa.String(200))
    birth_date: Mapped[date] = mapped_column(sa.Date)
    sex: Mapped[str] = mapped_column(sa.String(1))

    # Residence. The kecamatan is derived from the desa and stored for area filters and events.
    desa_code: Mapped[str] = mapped_column(AREA)
    kecamatan_code: Mapped[str] = mapped_column(AREA)
    # Where the NIK was first issued, which is often not where the person lives now.
    nik_region_code: Mapped[str] = mapped_column(AREA)

    phone: Mapped[str | None] = mapped_column(Sealed("persons.phone"))  # E.164
    email: Mapped[str | None] = mapped_column(Sealed("persons.email"))

    categories: Mapped[list] = mapped_column(sa.JSON, default=list)  # includes the derived 'ganda'
    functional_limitations: Mapped[list] = mapped_column(sa.JSON, default=list)
    assistive_devices: Mapped[list] = mapped_column(sa.JSON, default=list)
    diagnosis: Mapped[str | None] = mapped_column(Sealed("persons.diagnosis"))

    guardian_name: Mapped[str | None] = mapped_column(sa.String(200))
    guardian_relation: Mapped[str | None] = mapped_column(sa.String(60))
    guardian_phone: Mapped[str | None] = mapped_column(Sealed("persons.guardian_phone"))

    channels: Mapped[list] = mapped_column(sa.JSON, default=list)  # in order of preference
    language: Mapped[str] = mapped_column(sa.String(10), default="id")
    format: Mapped[str] = mapped_column(sa.String(20), default="plain_text")
    copy_guardian: Mapped[bool] = mapped_column(sa.Boolean, default=False)

    business_sector: Mapped[str | None] = mapped_column(sa.String(120))
    business_status: Mapped[str | None] = mapped_column(sa.String(60))
    business_started_on: Mapped[date | None] = mapped_column(sa.Date)

    status: Mapped[str] = mapped_column(sa.String(20), default="active")
    merged_into: Mapped[str | None] = mapped_column(ID, sa.ForeignKey("persons.id"))

    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(USER_ID)

    __mapper_args__ = {"version_id_col": version}

    @validates("nik")
    def _index_nik(self, _key, nik):
        self.nik_index = nik_index(nik)
        return nik


class Consent(Base):
    """Consent for one purpose. A withdrawal is recorded on the row; consents are never deleted."""

    __tablename__ = "consents"
    __table_args__ = (
        _one_of("consents", "purpose", PURPOSES),
        _one_of("consents", "given_by", GIVERS),
        _one_of("consents", "form", CONSENT_FORMS),
        sa.Index("ix_consents_person_id", "person_id"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("persons.id"))
    purpose: Mapped[str] = mapped_column(sa.String(30))
    given_by: Mapped[str] = mapped_column(sa.String(10))
    form: Mapped[str] = mapped_column(sa.String(20))
    given_on: Mapped[date] = mapped_column(sa.Date)
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(USER_ID)
    recorded_by_org: Mapped[str | None] = mapped_column(USER_ID)
    withdrawn_on: Mapped[date | None] = mapped_column(sa.Date)
    withdrawn_by: Mapped[str | None] = mapped_column(USER_ID)
    withdrawn_by_org: Mapped[str | None] = mapped_column(USER_ID)
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.String(300))
    source: Mapped[str] = mapped_column(sa.String(30), default="recorded", server_default="recorded")


class PersonChange(Base):
    """One entry of a person's history: who changed what, and when. Appended, never edited."""

    __tablename__ = "person_changes"
    __table_args__ = (
        _one_of("person_changes", "action", HISTORY_ACTIONS),
        sa.Index("ix_person_changes_person_id_id", "person_id", "id"),
    )

    # An integer so that entries written in the same instant keep their order.
    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
                                    autoincrement=True)
    person_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("persons.id"))
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    actor_user_id: Mapped[str | None] = mapped_column(USER_ID)
    actor_org_id: Mapped[str | None] = mapped_column(USER_ID)
    action: Mapped[str] = mapped_column(sa.String(30))
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # {field: [old, new]}


class DuplicateFlag(Base):
    """Two records that probably describe one person, waiting for someone to merge or dismiss them."""

    __tablename__ = "duplicate_flags"
    __table_args__ = (
        _one_of("duplicate_flags", "status", FLAG_STATUSES),
        sa.UniqueConstraint("person_id", "candidate_id", name="uq_duplicate_flags_pair"),
        sa.Index("ix_duplicate_flags_status_created", "status", "created_at", "id"),
        sa.Index("ix_duplicate_flags_candidate_id", "candidate_id"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("persons.id"))  # the newer record
    candidate_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("persons.id"))  # the one it resembles
    score: Mapped[float] = mapped_column(sa.Float)
    status: Mapped[str] = mapped_column(sa.String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    resolved_by: Mapped[str | None] = mapped_column(USER_ID)
