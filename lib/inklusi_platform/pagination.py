"""Keyset pagination with an opaque cursor, the same for every list in every service."""
import base64
import json

from inklusi_platform.errors import ValidationFailed

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def clamp_limit(limit) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    try:
        value = int(limit)
    except (TypeError, ValueError):
        raise ValidationFailed("limit harus bilangan bulat", {"limit": ["Harus bilangan bulat."]}) from None
    if value < 1:
        raise ValidationFailed("limit minimal 1", {"limit": ["Minimal 1."]})
    return min(value, MAX_LIMIT)


def encode_cursor(key: dict) -> str:
    raw = json.dumps(key, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, **types) -> dict | None:
    """The key a cursor holds; with `types` (name=str, id=str) each of those keys must be there, of that type."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError):
        raise ValidationFailed("cursor tidak dikenali", {"cursor": ["Cursor tidak valid."]}) from None
    if not isinstance(value, dict) or not all(isinstance(value.get(k), t) for k, t in types.items()):
        raise ValidationFailed("cursor tidak dikenali", {"cursor": ["Cursor tidak valid."]})
    return value


def page(items: list, limit: int, key_of) -> dict:
    """`items` was fetched with limit + 1 rows; returns {items, next_cursor}."""
    has_more = len(items) > limit
    items = items[:limit]
    return {"items": items, "next_cursor": encode_cursor(key_of(items[-1])) if has_more and items else None}
