"""The suite's clock: UTC instants for records, Malang dates for what people mean (ages, due dates)."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Asia/Jakarta")


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return datetime.now(LOCAL_ZONE).date()


def iso_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    # SQLite hands back naive datetimes; they were written in UTC.
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def aware_from_iso(text: str) -> datetime:
    return aware(datetime.fromisoformat(text))
