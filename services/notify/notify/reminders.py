"""The organisers' reminder: a few days before a session, accommodations its participants need and that
are not yet arranged (training answers which, naming no person). At most one reminder per session and
organiser per day (WIB), across restarts and replicas: the day's reminder has a fixed id, and a
notification is unique per (id, template, recipient)."""
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from inklusi_platform.contracts.training import ACCOMMODATIONS
from notify.models import Notification
from notify.preferences import WIB

TEMPLATE = "accommodations_missing"
EVENT_TYPE = "notify.accommodations_missing"
_IDS = uuid.UUID("6f1c2a52-7d0e-4c55-9a43-0b8f5d1e2c77")


def reminder_id(session_id: str, day: date) -> str:
    return str(uuid.uuid5(_IDS, f"{TEMPLATE}:{session_id}:{day.isoformat()}"))


def record(sessions, missing: list[dict], now: datetime) -> int:
    """Owe each organiser of each listed session today's reminder, unless it is owed already."""
    day = now.astimezone(WIB).date()
    made = 0
    try:
        with sessions() as session, session.begin():
            for item in missing:
                event_id = reminder_id(item["session_id"], day)
                owed = set(session.scalars(sa.select(Notification.recipient_id).where(
                    Notification.source_event_id == event_id, Notification.kind == TEMPLATE)))
                params = {"training_id": item["training_id"], "session_id": item["session_id"],
                          "starts_at": item["starts_at"],
                          "missing": [ACCOMMODATIONS.get(kind, kind) for kind in item["missing"]]}
                for organiser in dict.fromkeys(item["organiser_ids"]):
                    if organiser in owed:
                        continue
                    session.add(Notification(
                        person_id="", kind=TEMPLATE, status="queued", source_event_id=event_id,
                        event_type=EVENT_TYPE, recipient_kind="staff", recipient_id=organiser, urgent=False,
                        area_code=item["area_code"], params=params, created_at=now))
                    made += 1
    except IntegrityError:  # another replica owed the same reminders a moment ago
        return 0
    return made
