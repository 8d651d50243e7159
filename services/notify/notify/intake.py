"""What notify owes people when registry facts arrive; plain functions over a unit of work."""
from datetime import UTC, datetime

import sqlalchemy as sa

from notify.models import Notification

WELCOME = "welcome"
# Withdrawing either of these means we may no longer write to the person.
CONTACT_PURPOSES = ("komunikasi", "pendataan")


def welcome_registered_person(uow, event) -> Notification:
    """A newly registered person is owed a welcome message (sent later, through their preferred channel)."""
    notification = Notification(
        person_id=event.payload["person_id"],
        kind=WELCOME,
        status="pending",
        source_event_id=event.event_id,
        correlation_id=event.correlation_id,
        created_at=datetime.now(UTC),
    )
    uow.session.add(notification)
    uow.session.flush()
    return notification


def consent_withdrawn(uow, payload: dict) -> int:
    """Consent to be contacted withdrawn: nothing pending may still go out to this person."""
    if payload["purpose"] not in CONTACT_PURPOSES:
        return 0
    return cancel_pending_for(uow, payload["person_id"], f"consent_withdrawn:{payload['purpose']}")


def cancel_pending_for(uow, person_id: str, reason: str) -> int:
    result = uow.session.execute(
        sa.update(Notification)
        .where(Notification.person_id == person_id, Notification.status == "pending")
        .values(status="cancelled", cancelled_reason=reason)
    )
    return result.rowcount


def notifications_of(uow, person_id: str) -> list[dict]:
    rows = uow.session.scalars(
        sa.select(Notification).where(Notification.person_id == person_id).order_by(Notification.id)
    ).all()
    return [
        {"id": n.id, "kind": n.kind, "status": n.status, "correlation_id": n.correlation_id,
         "source_event_id": n.source_event_id}
        for n in rows
    ]


def persons_merged(uow, payload: dict) -> int:
    """The registry folded one record into another: what was owed to the old id is owed to the kept one."""
    result = uow.session.execute(
        sa.update(Notification)
        .where(Notification.person_id == payload["merged_person_id"])
        .values(person_id=payload["kept_person_id"])
    )
    return result.rowcount
