"""What notify owes people when facts arrive: plain functions over a unit of work.

The event handler only records what is owed (status `queued`); delivery.py sends it later, outside
the handler's transaction, so a slow provider never holds a consumer.
"""
from datetime import UTC, datetime

import sqlalchemy as sa

from notify import recipients
from notify.models import Notification
from notify.subscriptions import Subscription

# Withdrawing either of these means we may no longer write to the person.
CONTACT_PURPOSES = ("komunikasi", "pendataan")
# Payload fields a template may show; anything else in a payload stays out of the table.
PARAMS = ("training_id", "session_id", "enrolment_id", "starts_at", "ends_at", "previous_starts_at", "reason",
          "position", "topic", "attended_sessions", "total_sessions", "case_id", "case_type", "amount", "period",
          "due_on", "pokja_id", "role")


def record_owed(uow, event, subscription: Subscription) -> list[Notification]:
    """One queued notification per recipient of the event; a redelivered event adds nothing."""
    params = {key: event.payload[key] for key in PARAMS if key in event.payload}
    # The consumer already skips a redelivered event; this also covers an event replayed from the DLQ.
    owed = set(uow.session.execute(
        sa.select(Notification.kind, Notification.recipient_kind, Notification.recipient_id)
        .where(Notification.source_event_id == event.event_id)).all())
    made = []
    for recipient in recipients.recipients(subscription.recipients, event.payload):
        if (subscription.template, recipient.kind, recipient.id) in owed:
            continue
        notification = Notification(
            person_id=recipient.person_id, kind=subscription.template, status="queued",
            source_event_id=event.event_id, event_type=event.type, correlation_id=event.correlation_id,
            recipient_kind=recipient.kind, recipient_id=recipient.id, urgent=subscription.urgent,
            area_code=recipients.area_of(event.payload), params=params, created_at=datetime.now(UTC),
        )
        uow.session.add(notification)
        made.append(notification)
    uow.session.flush()
    return made


def consent_withdrawn(uow, payload: dict) -> int:
    """Consent to be contacted withdrawn: nothing queued may still go out to this person."""
    if payload["purpose"] not in CONTACT_PURPOSES:
        return 0
    return cancel_queued_for(uow, payload["person_id"], f"consent_withdrawn:{payload['purpose']}")


def cancel_queued_for(uow, person_id: str, reason: str) -> int:
    result = uow.session.execute(
        sa.update(Notification)
        .where(Notification.person_id == person_id, Notification.status == "queued")
        .values(status="cancelled", cancelled_reason=reason, updated_at=datetime.now(UTC))
    )
    return result.rowcount


def persons_merged(uow, payload: dict) -> int:
    """The registry folded one record into another: what was owed to the old id is owed to the kept one."""
    kept, merged = payload["kept_person_id"], payload["merged_person_id"]
    uow.session.execute(sa.update(Notification).where(Notification.recipient_id == merged)
                        .values(recipient_id=kept))
    result = uow.session.execute(sa.update(Notification).where(Notification.person_id == merged)
                                 .values(person_id=kept))
    return result.rowcount
