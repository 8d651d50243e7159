"""The Idempotency-Key header: its form, and a fingerprint that tells a retry from a different request."""
import hashlib
import re

_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


def validate_key(key: str) -> str:
    if not _KEY.match(key or ""):
        raise ValueError("Idempotency-Key harus 1–200 karakter ASCII yang terlihat, tanpa spasi.")
    return key


def request_fingerprint(method: str, path: str, body: bytes, principal_id: str) -> str:
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), principal_id.encode(), body or b""):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()
