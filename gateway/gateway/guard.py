"""Who is calling and what they may do: the bearer token, the role book and the caller's areas.

Every route asks the guard; nothing trusts a claim the client could have written itself except the
signed token, and area checks are made against the record's own area.
"""
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from nameko.extensions import DependencyProvider

from gateway.access.roles import RoleBook
from gateway.access.scope import Scope
from gateway.access.tokens import InvalidToken, TokenIssuer
from gateway.problems import HttpProblem


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


def jwt_secret(config: dict) -> str:
    """The configured secret, or one made once and kept in DATA_DIR so local tokens survive restarts."""
    if config.get("JWT_SECRET"):
        return config["JWT_SECRET"]
    path = Path(config.get("DATA_DIR", "./data")) / "gateway-jwt-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        os.chmod(path, 0o600)
    return path.read_text().strip()


class Guard(DependencyProvider):
    def setup(self):
        config = self.container.config
        self.role_book = RoleBook.load(config.get("ROLES_FILE") or None)
        self.tokens = TokenIssuer(jwt_secret(config),
                                  access_ttl=timedelta(minutes=config.get("ACCESS_TOKEN_MINUTES", 15)))

    def get_dependency(self, worker_ctx) -> "Guard":
        return self

    def caller(self, request, permission: str | None = None) -> Caller:
        """The authenticated caller (401 otherwise), holding `permission` when given (403 otherwise)."""
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise HttpProblem(401, "Kirim token akses: Authorization: Bearer <token>.",
                              headers={"WWW-Authenticate": 'Bearer realm="inklusi"'})
        try:
            claims = self.tokens.decode_access(token.strip())
        except InvalidToken as exc:
            raise HttpProblem(401, str(exc), headers={
                "WWW-Authenticate": 'Bearer realm="inklusi", error="invalid_token"'}) from None
        roles = tuple(claims.roles)
        try:
            permissions = self.role_book.permissions_of(roles)
            scoped = self.role_book.is_area_scoped(roles)
        except (KeyError, ValueError):
            raise HttpProblem(401, "Peran pada token tidak dikenal lagi; masuk kembali.") from None
        caller = Caller(kind=claims.kind, subject=claims.subject, org_id=claims.org_id, roles=roles,
                        permissions=permissions, scope=Scope(frozenset(claims.areas) if scoped else None),
                        name=getattr(claims, "name", "") or "")
        request.environ["inklusi.caller"] = caller.principal  # for the access log line
        if permission is not None:
            self.require(caller, permission)
        return caller

    @staticmethod
    def require(caller: Caller, permission: str) -> None:
        if not caller.can(permission):
            raise HttpProblem(403, f"Peran Anda tidak mengizinkan tindakan ini ({permission}).")
