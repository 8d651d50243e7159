"""Times as people give and read them (WIB, Asia/Jakarta) and as the service stores them (UTC)."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")


def now() -> datetime:
    return datetime.now(UTC)


def from_wib(value: datetime) -> datetime:
    """A time given without an offset is WIB; one with an offset means what it says. Returned in UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=WIB)
    return value.astimezone(UTC)


def utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were written in UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def wib_iso(value: datetime | None) -> str | None:
    return None if value is None else utc(value).astimezone(WIB).isoformat()


def utc_iso(value: datetime | None) -> str | None:
    return None if value is None else utc(value).isoformat()


def overlaps(start_a: datetime, end_a: datetime, start_b: datetime, end_b: datetime) -> bool:
    """Half-open intervals: a session ending at 12:00 does not clash with one starting at 12:00."""
    return utc(start_a) < utc(end_b) and utc(start_b) < utc(end_a)
