"""Organisations, users and partner clients; logins with lockout; refresh tokens that can be revoked."""
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from gateway.access.lockout import LockoutPolicy, LockoutState
from gateway.access.passwords import check_password_policy, hash_password, verify_password
from gateway.access.tokens import TokenIssuer, hash_refresh_token, new_refresh_token
from gateway.models import Client, LoginThrottle, Organisation, RefreshToken, User
from inklusi_platform.errors import Conflict, Forbidden, NotFound, ValidationFailed
from inklusi_platform.regions import regions

ORGANISATION_KINDS = ("ngo", "ppd", "dinsos", "partner_ngo", "forum", "partner_system")

# The organisations named in the programme; `accounts seed-organisations` adds them.
KNOWN_ORGANISATIONS = (
    ("lingkar-sosial", "Lingkar Sosial Indonesia", "ngo"),
    ("ppd-kemensos", "Pendamping PPD Kemensos Jawa Timur", "ppd"),
    ("dinsos-kab-malang", "Dinas Sosial Kabupaten Malang", "dinsos"),
    ("dinsos-kota-malang", "Dinas Sosial Kota Malang", "dinsos"),
    ("dinsos-kota-batu", "Dinas Sosial Kota Batu", "dinsos"),
    ("nlr", "NLR (until No Leprosy Remains)", "partner_ngo"),
    ("fomi", "Forum Malang Inklusi", "forum"),
)


class LoginRefused(Exception):
    """Wrong credentials, a disabled account, or a lock; `locked_until` is set for a lock."""

    def __init__(self, message: str, locked_until: datetime | None = None):
        super().__init__(message)
        self.locked_until = locked_until


@dataclass(frozen=True)
class Principal:
    kind: str
    subject: str
    org_id: str
    roles: list
    areas: list
    name: str


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything here is stored in UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def check_areas(areas: list[str]) -> list[str]:
    unknown = [code for code in areas if regions().get(code) is None or regions().get(code).level not in (
        "kabupaten_kota", "kecamatan")]
    if unknown:
        raise ValidationFailed("Wilayah tidak dikenal", {"areas": [f"Bukan kode kabupaten/kota atau kecamatan: "
                                                                  f"{', '.join(unknown)}"]})
    return sorted(set(areas))


def create_organisation(session, org_id: str, name: str, kind: str) -> Organisation:
    if kind not in ORGANISATION_KINDS:
        raise ValidationFailed("Jenis organisasi tidak dikenal", {"kind": [f"Pilih salah satu: {ORGANISATION_KINDS}"]})
    if session.get(Organisation, org_id) is not None:
        raise Conflict(f"Organisasi {org_id} sudah ada")
    organisation = Organisation(id=org_id, name=name, kind=kind, created_at=_now())
    session.add(organisation)
    return organisation


def seed_organisations(session) -> int:
    added = 0
    for org_id, name, kind in KNOWN_ORGANISATIONS:
        if session.get(Organisation, org_id) is None:
            session.add(Organisation(id=org_id, name=name, kind=kind, created_at=_now()))
            added += 1
    return added


def create_user(session, role_book, *, username: str, full_name: str, org_id: str, roles: list[str],
                areas: list[str], password: str) -> User:
    if session.get(Organisation, org_id) is None:
        raise NotFound(f"Organisasi {org_id} tidak ada")
    role_book.permissions_of(roles)  # raises on an unknown role
    problems = check_password_policy(password)
    if problems:
        raise ValidationFailed("Kata sandi terlalu lemah", {"password": problems})
    if session.scalar(sa.select(User.id).where(User.username == username)):
        raise Conflict(f"Nama pengguna {username} sudah dipakai")
    areas = check_areas(areas)
    if role_book.is_area_scoped(roles) and not areas:
        raise ValidationFailed("Wilayah kerja wajib", {"areas": ["Peran ini dibatasi wilayah: isi minimal satu."]})
    now = _now()
    user = User(id=str(uuid.uuid4()), username=username, full_name=full_name, org_id=org_id, roles=list(roles),
                areas=areas, password_hash=hash_password(password), active=True, failed_logins=0,
                created_at=now, password_changed_at=now)
    session.add(user)
    return user


def create_client(session, role_book, *, client_id: str, name: str, org_id: str, roles: list[str],
                  areas: list[str]) -> str:
    """Returns the secret, shown once: only its hash is kept."""
    if session.get(Organisation, org_id) is None:
        raise NotFound(f"Organisasi {org_id} tidak ada")
    role_book.permissions_of(roles)
    if session.get(Client, client_id) is not None:
        raise Conflict(f"Klien {client_id} sudah ada")
    secret = secrets.token_urlsafe(32)
    session.add(Client(id=client_id, name=name, org_id=org_id, secret_hash=hash_password(secret),
                       roles=list(roles), areas=check_areas(areas), active=True, failed_logins=0,
                       created_at=_now()))
    return secret


def reset_password(session, username: str, password: str) -> None:
    user = session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"Pengguna {username} tidak ada")
    problems = check_password_policy(password)
    if problems:
        raise ValidationFailed("Kata sandi terlalu lemah", {"password": problems})
    user.password_hash = hash_password(password)
    user.password_changed_at = _now()
    user.failed_logins, user.first_failure_at, user.locked_until = 0, None, None
    revoke_all(session, user.id)


def deactivate_user(session, username: str) -> None:
    """The account can no longer log in, refresh, or use an access token it still holds."""
    user = session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"Pengguna {username} tidak ada")
    user.active = False
    revoke_all(session, user.id)


def _state(account) -> LockoutState:
    return LockoutState(failures=account.failed_logins or 0, first_failure_at=_aware(account.first_failure_at),
                        locked_until=_aware(account.locked_until))


def _store(account, state: LockoutState) -> None:
    account.failed_logins = state.failures
    account.first_failure_at = state.first_failure_at
    account.locked_until = state.locked_until


LOCKED = "Akun terkunci sementara karena terlalu banyak percobaan gagal."


def _check_secret(account, secret_hash: str, given: str, policy: LockoutPolicy, now: datetime) -> None:
    state = _state(account)
    if policy.is_locked(state, now):
        raise LoginRefused(LOCKED, policy.locked_until(state))
    # The hash is checked even for a disabled account or an unknown name: the time taken names no one.
    valid = verify_password(secret_hash, given) and account.active
    if not valid:
        state = policy.register_failure(state, now)
        _store(account, state)
        if policy.is_locked(state, now):
            raise LoginRefused(LOCKED, policy.locked_until(state))
        raise LoginRefused("Nama pengguna atau kata sandi salah.")
    _store(account, policy.register_success(state))


def _throttle(session, key: str, policy: LockoutPolicy, now: datetime) -> LoginThrottle:
    """The failure count of a name no account has; old streaks are swept so the table stays small."""
    session.execute(sa.delete(LoginThrottle).where(
        LoginThrottle.first_failure_at < now - policy.window - policy.lock_for))
    throttle = session.get(LoginThrottle, key)
    if throttle is None:
        throttle = LoginThrottle(key=key, failed_logins=0)
        try:
            with session.begin_nested():
                session.add(throttle)
        except IntegrityError:  # a concurrent attempt under the same name made it first
            throttle = session.get(LoginThrottle, key)
    return throttle


def authenticate_user(session, username: str, password: str, policy: LockoutPolicy) -> Principal:
    user = session.scalar(sa.select(User).where(User.username == username))
    now = _now()
    if user is None:
        # An unknown name locks exactly like a real one, so a 423 does not reveal who has an account.
        # (A throttle is never active, so this always refuses.)
        _check_secret(_throttle(session, f"user:{username}", policy, now), _dummy_hash(), password, policy, now)
    _check_secret(user, user.password_hash, password, policy, now)
    return Principal("user", user.id, user.org_id, list(user.roles), list(user.areas), user.full_name)


def authenticate_client(session, client_id: str, secret: str, policy: LockoutPolicy) -> Principal:
    client = session.get(Client, client_id)
    now = _now()
    if client is None:
        _check_secret(_throttle(session, f"client:{client_id}", policy, now), _dummy_hash(), secret, policy, now)
    _check_secret(client, client.secret_hash, secret, policy, now)
    return Principal("client", client.id, client.org_id, list(client.roles), list(client.areas), client.name)


def principal_of(session, kind: str, subject: str) -> Principal:
    """The current roles and areas of a token's subject (refresh uses today's, not yesterday's)."""
    account = session.get(User if kind == "user" else Client, subject)
    if account is None or not account.active:
        raise LoginRefused("Akun tidak aktif.")
    name = account.full_name if kind == "user" else account.name
    return Principal(kind, account.id, account.org_id, list(account.roles), list(account.areas), name)


def issue_tokens(session, issuer: TokenIssuer, principal: Principal, refresh_days: int,
                 family_id: str | None = None) -> dict:
    token, expires_at = issuer.issue_access(principal.subject, principal.kind, principal.org_id, principal.roles,
                                            principal.areas)
    plain, digest = new_refresh_token()
    now = _now()
    session.add(RefreshToken(token_hash=digest, subject_kind=principal.kind, subject_id=principal.subject,
                             family_id=family_id or str(uuid.uuid4()), issued_at=now,
                             expires_at=now + timedelta(days=refresh_days)))
    return {"access_token": token, "token_type": "Bearer",
            "expires_in": int((_aware(expires_at) - now).total_seconds()), "refresh_token": plain}


def refresh(session, issuer: TokenIssuer, plain: str, refresh_days: int) -> dict:
    """Rotate: the old refresh token is revoked and a new pair issued, in the same family.

    A revoked token presented again means two parties hold the family (one of them stole it): the
    whole family is revoked, so the thief's newer token dies too. The caller commits that even though
    the request is refused.
    """
    stored = session.scalar(sa.select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(plain)))
    now = _now()
    if stored is not None and stored.revoked_at is not None and stored.family_id:
        session.execute(sa.update(RefreshToken).where(
            RefreshToken.family_id == stored.family_id, RefreshToken.revoked_at.is_(None)).values(revoked_at=now))
    if stored is None or stored.revoked_at is not None or _aware(stored.expires_at) <= now:
        raise LoginRefused("Refresh token tidak berlaku; masuk kembali.")
    stored.revoked_at = now
    return issue_tokens(session, issuer, principal_of(session, stored.subject_kind, stored.subject_id),
                        refresh_days, family_id=stored.family_id)


def revoke(session, plain: str, owner: tuple[str, str] | None = None) -> bool:
    """Revoke a refresh token. With `owner` (kind, subject) only that subject's own token (403 for
    another's); None is an administrator's revoke. An unknown token changes nothing (False)."""
    stored = session.scalar(sa.select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(plain)))
    if stored is None:
        return False
    if owner is not None and (stored.subject_kind, stored.subject_id) != owner:
        raise Forbidden("Anda hanya dapat mencabut refresh token milik Anda sendiri.")
    if stored.revoked_at is not None:
        return False
    stored.revoked_at = _now()
    return True


def revoke_all(session, subject_id: str) -> int:
    result = session.execute(sa.update(RefreshToken).where(
        RefreshToken.subject_id == subject_id, RefreshToken.revoked_at.is_(None)).values(revoked_at=_now()))
    return result.rowcount


_dummy = []


def _dummy_hash() -> str:
    if not _dummy:
        _dummy.append(hash_password(secrets.token_urlsafe(16)))
    return _dummy[0]
