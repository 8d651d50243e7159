"""The Idempotency-Key header: its form, and a fingerprint that tells a retry from a different request."""
import hashlib
import json
import re

MAX_KEY_LENGTH = 200
_KEY = re.compile(rf"[\x21-\x7e]{{1,{MAX_KEY_LENGTH}}}")


class InvalidIdempotencyKey(ValueError):
    pass


def validate_key(key: str | None) -> str:
    """The key unchanged when it is 1–200 visible ASCII characters; InvalidIdempotencyKey otherwise."""
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise InvalidIdempotencyKey(
            f"Idempotency-Key harus 1–{MAX_KEY_LENGTH} karakter ASCII yang terlihat, tanpa spasi.")
    return key


def _canonical_body(body: bytes | str | None) -> bytes:
    if body is None:
        body = b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    # A retry may be re-serialised (key order, spacing) by the client library: same JSON, same request.
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return b"raw:" + body
    return b"json:" + json.dumps(parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def request_fingerprint(method: str, path: str, body_bytes: bytes | str | None, principal_id: str) -> str:
    """SHA-256 over method, path, caller and body; a reused key with another fingerprint is answered 422."""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), principal_id.encode(), _canonical_body(body_bytes)):
        # Length prefixes keep ("ab", "c") and ("a", "bc") apart.
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()
