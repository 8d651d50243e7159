"""Short-lived signed access tokens (JWT, HS256) and opaque refresh tokens stored only as hashes."""
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import jwt


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class Claims:
    subject: str
    kind: str
    org_id: str
    roles: tuple[str, ...]
    areas: tuple[str, ...]
    expires_at: datetime
    token_id: str


class TokenIssuer:
    def __init__(self, secret: str, issuer: str = "inklusi", access_ttl: timedelta = timedelta(minutes=15)):
        if len(secret) < 32:
            raise ValueError("JWT secret must be at least 32 characters (RFC 7518 3.2)")
        self.secret = secret
        self.issuer = issuer
        self.access_ttl = access_ttl

    def issue_access(self, subject: str, kind: str, org_id: str, roles, areas, now: datetime | None = None):
        now = now or datetime.now(timezone.utc)
        expires_at = now + self.access_ttl
        payload = {"sub": subject, "knd": kind, "org": org_id, "roles": list(roles), "areas": list(areas),
                   "iss": self.issuer, "iat": int(now.timestamp()), "exp": int(expires_at.timestamp()),
                   "jti": uuid.uuid4().hex}
        return jwt.encode(payload, self.secret, algorithm="HS256"), expires_at

    def decode_access(self, token: str, now: datetime | None = None) -> Claims:
        options = {"require": ["sub", "exp", "iat", "iss"]}
        try:
            if now is None:
                payload = jwt.decode(token, self.secret, algorithms=["HS256"], issuer=self.issuer, options=options)
            else:  # tests fix the clock
                payload = jwt.decode(token, self.secret, algorithms=["HS256"], issuer=self.issuer,
                                     options={**options, "verify_exp": False})
                if payload["exp"] <= now.timestamp():
                    raise jwt.ExpiredSignatureError()
        except jwt.ExpiredSignatureError:
            raise InvalidToken("Token akses sudah kedaluwarsa; perbarui dengan refresh token.") from None
        except jwt.InvalidTokenError:
            raise InvalidToken("Token akses tidak sah.") from None
        return Claims(subject=payload["sub"], kind=payload.get("knd", "user"), org_id=payload.get("org", ""),
                      roles=tuple(payload.get("roles", ())), areas=tuple(payload.get("areas", ())),
                      expires_at=datetime.fromtimestamp(payload["exp"], timezone.utc),
                      token_id=payload.get("jti", ""))


def hash_refresh_token(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def new_refresh_token() -> tuple[str, str]:
    plain = secrets.token_urlsafe(32)
    return plain, hash_refresh_token(plain)
