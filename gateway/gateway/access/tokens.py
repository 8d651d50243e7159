"""Short-lived signed access tokens (JWT, HS256) and opaque refresh tokens stored only as hashes."""
import hashlib
import secrets
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

ALGORITHM = "HS256"
KINDS = ("user", "client")
MIN_SECRET_LENGTH = 32  # RFC 7518 3.2: an HS256 key at least as long as the hash output
REQUIRED = ("sub", "kind", "org_id", "roles", "areas", "iss", "iat", "exp", "jti")
VERIFIED_CACHE_ENTRIES = 10_000

EXPIRED = "expired"
BAD_SIGNATURE = "bad_signature"
WRONG_ISSUER = "wrong_issuer"
NOT_YET_VALID = "not_yet_valid"
MALFORMED = "malformed"

_MESSAGES = {EXPIRED: "Token akses sudah kedaluwarsa; perbarui dengan refresh token."}
# Only expiry gets its own words: it tells a client to refresh. The rest would only help a forger.
_REFUSED = "Token akses tidak sah; masuk kembali."


class InvalidToken(Exception):
    """`reason` is for logs and audit; the message is for the caller."""

    def __init__(self, reason: str):
        super().__init__(_MESSAGES.get(reason, _REFUSED))
        self.reason = reason


@dataclass(frozen=True)
class Claims:
    subject: str
    kind: str
    org_id: str
    roles: tuple[str, ...]
    areas: tuple[str, ...]
    issued_at: datetime
    expires_at: datetime
    token_id: str


def _utc(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC)


def _from_epoch(value) -> datetime:
    return datetime.fromtimestamp(int(value), UTC)


class TokenIssuer:
    def __init__(self, secret: str, issuer: str = "inklusi", access_ttl: timedelta = timedelta(minutes=15),
                 leeway: timedelta = timedelta(seconds=30)):
        if not isinstance(secret, str) or len(secret) < MIN_SECRET_LENGTH:
            raise ValueError(f"JWT secret must be at least {MIN_SECRET_LENGTH} characters")
        self._secret = secret
        self.issuer = issuer
        self.access_ttl = access_ttl
        # Several gateway replicas check each other's tokens; their clocks differ by a little.
        self.leeway = leeway
        # Token text -> its claims, once the signature and issuer checked out: a client sends the same
        # token on every request for 15 minutes, and decoding it cost a tenth of a read. Times are
        # still checked on every call; only tokens that verified are kept, so a forgery is never cached.
        self._verified: OrderedDict[str, Claims] = OrderedDict()

    def issue_access(self, subject: str, kind: str, org_id: str, roles, areas,
                     now: datetime | None = None) -> tuple[str, datetime]:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        # Whole seconds, so the expiry returned is exactly the one inside the token.
        issued_at = _utc(now).replace(microsecond=0)
        expires_at = issued_at + self.access_ttl
        payload = {"sub": subject, "kind": kind, "org_id": org_id, "roles": list(roles), "areas": list(areas),
                   "iss": self.issuer, "iat": int(issued_at.timestamp()), "exp": int(expires_at.timestamp()),
                   "jti": uuid.uuid4().hex}
        return jwt.encode(payload, self._secret, algorithm=ALGORITHM), expires_at

    def decode_access(self, token: str, now: datetime | None = None) -> Claims:
        # PyJWT checks signature, algorithm and issuer; times are checked here against `now`.
        claims = self._verified.get(token)
        if claims is None:
            claims = self._verify(token)
            self._verified[token] = claims
            while len(self._verified) > VERIFIED_CACHE_ENTRIES:
                self._verified.popitem(last=False)
        moment = _utc(now)
        if moment >= claims.expires_at + self.leeway:
            raise InvalidToken(EXPIRED)
        if claims.issued_at > moment + self.leeway:
            raise InvalidToken(NOT_YET_VALID)
        return claims

    def _verify(self, token: str) -> Claims:
        options = {"require": list(REQUIRED), "verify_exp": False, "verify_iat": False, "verify_nbf": False}
        try:
            payload = jwt.decode(token, self._secret, algorithms=[ALGORITHM], issuer=self.issuer, options=options)
        except jwt.InvalidSignatureError:
            raise InvalidToken(BAD_SIGNATURE) from None
        except jwt.InvalidIssuerError:
            raise InvalidToken(WRONG_ISSUER) from None
        except jwt.InvalidTokenError:
            raise InvalidToken(MALFORMED) from None
        return _claims(payload)


def _claims(payload: dict) -> Claims:
    def strings(value) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise InvalidToken(MALFORMED)
        return tuple(value)

    if payload["kind"] not in KINDS or not isinstance(payload["sub"], str) or not payload["sub"]:
        raise InvalidToken(MALFORMED)
    try:
        issued_at, expires_at = _from_epoch(payload["iat"]), _from_epoch(payload["exp"])
    except (TypeError, ValueError, OverflowError):
        raise InvalidToken(MALFORMED) from None
    return Claims(subject=payload["sub"], kind=payload["kind"], org_id=str(payload["org_id"]),
                  roles=strings(payload["roles"]), areas=strings(payload["areas"]), issued_at=issued_at,
                  expires_at=expires_at, token_id=str(payload["jti"]))


def hash_refresh_token(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def new_refresh_token() -> tuple[str, str]:
    """(the token for the client, its SHA-256 for the database); the plain token is never stored.

    256 random bits need no slow hash: nobody can guess one, so a fast digest suffices for lookup.
    """
    plain = secrets.token_urlsafe(32)
    return plain, hash_refresh_token(plain)
