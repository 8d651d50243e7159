"""ETags and If-Match: a stale update gets 412 instead of overwriting someone else's work."""
import hashlib
import json
import re
from datetime import date, datetime, time
from decimal import Decimal
from uuid import UUID

# entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE (RFC 9110 8.8.3)
_TAG = re.compile(r'\s*(?:W/)?"([^"]*)"\s*(?:,|$)')


def _plain(value):
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    raise TypeError(f"cannot tag a {type(value).__name__}")


def etag_for(resource: dict) -> str:
    """A strong ETag: quoted SHA-256 of a canonical JSON form (key order and spacing do not matter)."""
    canonical = json.dumps(resource, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)
    return '"' + hashlib.sha256(canonical.encode("utf-8")).hexdigest() + '"'


def _opaque_tags(header_value: str) -> list[str] | None:
    """The opaque parts of a list of entity tags, or None when the header does not parse."""
    tags, position = [], 0
    while position < len(header_value):
        match = _TAG.match(header_value, position)
        if not match:
            return None
        tags.append(match.group(1))
        position = match.end()
    return tags


def if_match_ok(header_value: str | None, current_etag: str) -> bool:
    """Whether an update carrying this If-Match may change the resource whose ETag is `current_etag`.

    A W/ prefix is accepted. RFC 9110 asks If-Match for strong comparison, but proxies that compress
    (nginx gzip) turn strong tags weak, and then no update from behind them could ever succeed. Our
    tags name a state of the record (id and version), not a byte sequence, so a weak copy of the
    current tag still proves the client saw the current state.
    """
    if not header_value or not header_value.strip():
        return False
    if header_value.strip() == "*":
        return True
    tags = _opaque_tags(header_value)
    current = _opaque_tags(current_etag)
    if not tags or not current or len(current) != 1:
        return False
    return current[0] in tags
