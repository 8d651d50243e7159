"""Strong ETags and If-Match: a stale update gets 412 instead of overwriting someone's work."""
import hashlib
import json


def etag_for(resource: dict) -> str:
    digest = hashlib.sha256(json.dumps(resource, sort_keys=True, default=str).encode()).hexdigest()
    return f'"{digest[:32]}"'


def if_match_ok(header_value: str | None, current_etag: str) -> bool:
    if not header_value:
        return False
    if header_value.strip() == "*":
        return True
    for candidate in header_value.split(","):
        candidate = candidate.strip()
        if candidate.startswith("W/"):
            continue  # If-Match compares strongly (RFC 9110 13.1.1)
        if candidate == current_etag:
            return True
    return False
