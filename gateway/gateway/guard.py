"""Who is calling and what they may do: the bearer token, the live account, the role book and the areas.

Every route asks the guard; nothing trusts a claim the client could have written itself except the
signed token, and area checks are made against the record's own area. A signed token is honoured
only while its account exists and is active (checked through a short-lived cache, see `AccountCheck`).
"""
import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from nameko.extensions import DependencyProvider

from gateway import accounts
from gateway.access.accounts_cache import AccountCheck
from gateway.access.roles import RoleBook
from gateway.access.scope import Scope
from gateway.access.tokens import InvalidToken, TokenIssuer
from gateway.problems import HttpProblem
from inklusi_platform.database import Database
from inklusi_platform.errors import NotFound

MAX_BODY_IDS = 50  # each id is one lookup; no form names more people than this at once
INVALID_TOKEN_HEADERS = {"WWW-Authenticate": 'Bearer realm="inklusi", error="invalid_token"'}


@dataclass(frozen=True)
class Caller:
    kind: str  # user | client
    subject: str
    org_id: str
    roles: tuple[str, ...]
    permissions: frozenset[str]
    scope: Scope
    name: str = ""

    @property
    def user_id(self) -> str | None:
        return self.subject if self.kind == "user" else None

    @property
    def client_id(self) -> str | None:
        return self.subject if self.kind == "client" else None

    @property
    def principal(self) -> str:
        return f"{self.kind}:{self.subject}"

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    def actor(self) -> dict:
        """How services record who did something."""
        return {"user_id": self.principal, "org_id": self.org_id, "name": self.name}


@dataclass(frozen=True)
class Reachable:
    """A kind of record an id can name: how to fetch it, where its own area is, how "not found" reads."""

    service: str
    method: str
    area: str
    not_found: str  # the one answer for "no such record" and "not in your area"
    unknown_in_body: str  # the field error when a body names one


# Every kind of id a path or a body may carry. A route declares body fields with `body_ids`.
REACHABLE = {
    "person": Reachable("registry", "get_person", "desa_code", "Data orang ini tidak ditemukan.",
                        "Orang ini tidak terdaftar: {id}."),
    "pokja": Reachable("registry", "get_pokja", "area_code", "Pokja ini tidak ditemukan.",
                       "Pokja ini tidak terdaftar: {id}."),
    "paguyuban": Reachable("registry", "get_paguyuban", "kecamatan_code", "Paguyuban ini tidak ditemukan.",
                           "Paguyuban ini tidak terdaftar: {id}."),
    "duplicate_flag": Reachable("registry", "get_duplicate_flag", "kecamatan_code",
                                "Tanda kemungkinan data ganda ini tidak ditemukan.",
                                "Tanda data ganda ini tidak terdaftar: {id}."),
}


def jwt_secret(config: dict) -> str:
    """The configured secret, or one made once and kept in DATA_DIR so local tokens survive restarts.

    The file is written 0600 under a temporary name and linked into place, so no other user can read
    it at any moment and two gateways starting together end up with the same key.
    """
    if config.get("JWT_SECRET"):
        return config["JWT_SECRET"]
    path = Path(config.get("DATA_DIR", "./data")) / "gateway-jwt-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".jwt-")  # mkstemp creates 0600
        try:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
            try:
                os.link(temporary, path)  # fails if another process got there first: keep theirs
            except FileExistsError:
                pass
        finally:
            os.unlink(temporary)
    return path.read_text().strip()


class Guard(DependencyProvider):
    def setup(self):
        config = self.container.config
        self.role_book = RoleBook.load(config.get("ROLES_FILE") or None)
        self.tokens = TokenIssuer(jwt_secret(config),
                                  access_ttl=timedelta(minutes=config.get("ACCESS_TOKEN_MINUTES", 15)))
        database = next(d for d in self.container.dependencies if isinstance(d, Database))
        self.accounts = AccountCheck(lambda: database.sessions(),
                                     ttl_seconds=float(config.get("ACCOUNT_CHECK_SECONDS", 1.0)),
                                     stale_seconds=60.0 * config.get("ACCESS_TOKEN_MINUTES", 15))

    def get_dependency(self, worker_ctx) -> "Guard":
        return self

    def caller(self, request, permission: str | None = None) -> Caller:
        """The authenticated caller (401 otherwise), holding `permission` when given (403 otherwise)."""
        caller = getattr(request, "inklusi_caller", None)
        if caller is None:
            caller = self._authenticate(request)
            request.inklusi_caller = caller
        if permission is not None:
            self.require(caller, permission)
        return caller

    def _authenticate(self, request) -> Caller:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise HttpProblem(401, "Kirim token akses: Authorization: Bearer <token>.",
                              headers={"WWW-Authenticate": 'Bearer realm="inklusi"'})
        try:
            claims = self.tokens.decode_access(token.strip())
        except InvalidToken as exc:
            raise HttpProblem(401, str(exc), headers=INVALID_TOKEN_HEADERS) from None
        if not self.accounts.is_active(claims.kind, claims.subject):
            # A signature proves who was issued the token, not that the account is still there.
            raise HttpProblem(401, "Token akses tidak sah; masuk kembali.", headers=INVALID_TOKEN_HEADERS)
        try:
            caller = self._caller_of(claims.kind, claims.subject, claims.org_id, claims.roles, claims.areas,
                                     getattr(claims, "name", "") or "")
        except (KeyError, ValueError):
            raise HttpProblem(401, "Peran pada token tidak dikenal lagi; masuk kembali.") from None
        request.environ["inklusi.caller"] = caller.principal  # for the access log line
        return caller

    def account_caller(self, session, kind: str, subject: str) -> Caller | None:
        """The caller an account is now (its current roles and areas), or None if it is gone or inactive.

        For credentials that carry no claims of their own, such as a calendar feed key.
        """
        try:
            principal = accounts.principal_of(session, kind, subject)
            return self._caller_of(kind, subject, principal.org_id, principal.roles, principal.areas, "")
        except (accounts.LoginRefused, KeyError, ValueError):
            return None

    def _caller_of(self, kind, subject, org_id, roles, areas, name) -> Caller:
        """KeyError or ValueError for a role the role book no longer knows."""
        roles = tuple(roles)
        scoped = self.role_book.is_area_scoped(roles)
        return Caller(kind=kind, subject=subject, org_id=org_id, roles=roles,
                      permissions=self.role_book.permissions_of(roles),
                      scope=Scope(frozenset(areas) if scoped else None), name=name)

    @staticmethod
    def require(caller: Caller, permission: str) -> None:
        if not caller.can(permission):
            raise HttpProblem(403, f"Peran Anda tidak mengizinkan tindakan ini ({permission}).")

    @staticmethod
    def fetch_in_scope(service, caller: Caller, kind: str, record_id: str, audit_as: str | None = None) -> dict:
        """The record an id in the path names, if the caller's area holds it; otherwise one 404.

        "No such record" and "not in your area" give the very same answer, so existence does not leak;
        with `audit_as` the refusal is recorded (the audit log, read by admins only, tells them apart).
        """
        record, outcome = locate(service, caller, kind, record_id)
        if record is None:
            if audit_as:
                service.audit(caller, "read", audit_as, record_id, outcome=outcome,
                              detail="di luar wilayah" if outcome == "denied" else None)
            raise HttpProblem(404, REACHABLE[kind].not_found)
        return record

    @staticmethod
    def check_body_ids(service, caller: Caller, data, body_ids: dict) -> None:
        """Ids a body names are checked like ids in a path: unknown and out of area read alike (422).

        Values that are not strings are left for the route's own schema to refuse.
        """
        if not isinstance(data, dict):
            return
        problems = {}
        for field, kind in body_ids.items():
            if kind is None:
                continue
            value = data.get(field)
            ids = [value] if isinstance(value, str) else value if isinstance(value, list) else []
            if len(ids) > MAX_BODY_IDS:
                problems[field] = [f"Paling banyak {MAX_BODY_IDS} id sekaligus."]
                continue
            missing = [record_id for record_id in dict.fromkeys(i for i in ids if isinstance(i, str))
                       if locate(service, caller, kind, record_id)[0] is None]
            if missing:
                problems[field] = [REACHABLE[kind].unknown_in_body.format(id=record_id) for record_id in missing]
        if problems:
            raise HttpProblem(422, "Beberapa isian tidak valid.", errors=problems)


def locate(service, caller: Caller, kind: str, record_id: str) -> tuple[dict | None, str]:
    """(the record or None, and why: success, not_found or denied)."""
    how = REACHABLE[kind]
    try:
        record = getattr(getattr(service, how.service), how.method)(record_id)
    except NotFound:
        return None, "not_found"
    if not caller.scope.allows(record.get(how.area)):
        return None, "denied"
    return record, "success"
