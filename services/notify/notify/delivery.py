"""Sending what is owed, outside any event handler's transaction: a timer takes queued notifications.

Guarantees:
- at most one message per (event, recipient, channel): a delivery row (unique per notification and
  channel) is committed as `sending` before the provider is called, and a channel that has a row is
  never used again for that notification; a send cut short by a crash is marked failed, not repeated;
- provider failures that may pass (timeouts, 5xx, 429 with Retry-After) are retried with exponential
  backoff and jitter; after the configured attempts the delivery is failed with its reason and the next
  channel in the person's order is tried;
- contact details are asked of the registry for each send and live only in this function's locals;
- recipients an event does not name (a case's members and officer, a pokja's ketua) are asked of the
  service that knows them when the message is first taken, and a guardian's copy is added then too, only
  when the person's preferences ask for it (recipients.py).
"""
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from inklusi_platform.errors import DomainError, NotFound
from notify import preferences, recipients, segments, staff, templates
from notify.channels import Channel, ProviderError
from notify.models import Delivery, Notification
from notify.settings import Settings
from notify.subscriptions import for_event_type

log = logging.getLogger(__name__)

INTERRUPTED = "terputus saat mengirim; tidak dikirim ulang lewat saluran ini agar tidak ganda"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Sender:
    sessions: Callable  # a sessionmaker: each state change is its own short transaction
    contacts: Callable[[str], dict]  # person id -> the registry's contact_details
    channels: dict[str, Channel]
    settings: Settings
    # (looked-up kind, case or pokja id) -> [(recipient kind, id)], asked of funding or the registry
    look_up: Callable[[str, str], list] = lambda kind, ref: []
    now: Callable[[], datetime] = _now
    sleep: Callable[[float], None] = time.sleep  # green under eventlet
    jitter: Callable[[], float] = field(default=lambda: random.uniform(0.5, 1.0))


# Rounds one call may run: sending can owe more (a guardian's copy, the recipients a case names), which
# then go out in the same call rather than a timer tick later.
ROUNDS = 3


def send_due(sender: Sender) -> int:
    """Take up interrupted sends, then send what is due. Returns how many were taken."""
    recover_interrupted(sender)
    total = 0
    for _ in range(ROUNDS):
        taken = claim(sender)
        for notification_id in taken:
            send_one(sender, notification_id)
        total += len(taken)
        if not taken:
            break
    return total


def claim(sender: Sender) -> list[int]:
    """Move due notifications from queued to sending; a conditional update, so two processes never share one."""
    now = sender.now()
    with sender.sessions() as session, session.begin():
        due = session.scalars(
            sa.select(Notification.id)
            .where(Notification.status == "queued",
                   sa.or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now))
            .order_by(Notification.id).limit(sender.settings.batch_size)
        ).all()
        taken = []
        for notification_id in due:
            moved = session.execute(
                sa.update(Notification).where(Notification.id == notification_id, Notification.status == "queued")
                .values(status="sending", claimed_at=now, updated_at=now))
            if moved.rowcount:
                taken.append(notification_id)
    return taken


def recover_interrupted(sender: Sender) -> int:
    """A send whose process died: its open deliveries are failed (we cannot know what the provider got)
    and the notification goes back to the queue, to try the channels not yet used."""
    now = sender.now()
    stale = now - timedelta(seconds=sender.settings.lease_seconds)
    with sender.sessions() as session, session.begin():
        ids = session.scalars(sa.select(Notification.id).where(
            Notification.status == "sending", Notification.claimed_at < stale)).all()
        if not ids:
            return 0
        session.execute(sa.update(Delivery).where(Delivery.notification_id.in_(ids), Delivery.status == "sending")
                        .values(status="failed", reason=INTERRUPTED, finished_at=now))
        session.execute(sa.update(Notification).where(Notification.id.in_(ids))
                        .values(status="queued", claimed_at=None, updated_at=now))
    log.warning("interrupted sends taken up again", extra={"count": len(ids)})
    return len(ids)


def send_one(sender: Sender, notification_id: int) -> str:
    """Send one claimed notification through the first channel that works; returns its final status."""
    with sender.sessions() as session:
        n = session.get(Notification, notification_id)
        owed = {"kind": n.kind, "recipient_kind": n.recipient_kind, "recipient_id": n.recipient_id,
                "urgent": n.urgent, "params": dict(n.params or {}), "event_type": n.event_type}
        used = dict(session.execute(sa.select(Delivery.channel, Delivery.status)
                                    .where(Delivery.notification_id == notification_id)).all())
    if owed["recipient_kind"] in recipients.LOOKED_UP:
        return _look_up(sender, notification_id, owed)
    try:
        if owed["recipient_kind"] == "staff":
            contact = staff.contact(owed["recipient_id"], sender.settings)
        else:
            contact = sender.contacts(owed["recipient_id"])
    except preferences.Refused as refused:
        return _finish(sender, notification_id, "skipped", str(refused))
    except NotFound:
        return _finish(sender, notification_id, "skipped", "orang tidak ditemukan di registry")
    except Exception as exc:  # the registry is away: try again later, nothing was sent
        log.warning("contact details not available; will try again",
                    extra={"notification_id": notification_id, "error": type(exc).__name__})
        return _requeue(sender, notification_id, sender.now() + timedelta(seconds=sender.settings.retry_max))
    try:
        order = preferences.channel_order(contact, owed["recipient_kind"])
    except preferences.Refused as refused:
        return _finish(sender, notification_id, "skipped", str(refused))
    subscription = for_event_type(owed["event_type"])
    if (owed["recipient_kind"] == "person" and subscription and "guardian" in subscription.recipients
            and recipients.wants_guardian_copy(contact, order)):
        _add_recipients(sender, notification_id, [recipients.Recipient("guardian", owed["recipient_id"],
                                                                       owed["recipient_id"])])
    variant = "plain" if owed["recipient_kind"] == "staff" else preferences.variant(contact)
    quiet = preferences.parse_quiet_hours(sender.settings.quiet_hours)
    for channel, address in order:
        if used.get(channel) in ("sent", "delivered"):
            return _finish(sender, notification_id, "sent", None)
        if channel in used or channel not in sender.channels:
            continue  # failed here before (or interrupted): never twice on one channel
        wait = preferences.quiet_until(channel, owed["urgent"], sender.now(), quiet)
        if wait is not None:
            return _requeue(sender, notification_id, wait)
        if _deliver(sender, notification_id, owed, channel, address, variant):
            return _finish(sender, notification_id, "sent", None)
    return _finish(sender, notification_id, "failed", "semua saluran gagal")


def _deliver(sender: Sender, notification_id: int, owed: dict, channel: str, address: str, variant: str) -> bool:
    try:
        message = templates.render(owed["kind"], channel, variant, owed["params"])
    except DomainError as exc:
        message, render_error = None, f"templat tidak bisa diisi: {exc}"
    delivery_id = _start(sender, notification_id, channel, message)
    if delivery_id is None:
        return False  # another process holds this channel for this notification
    if message is None:
        _record(sender, delivery_id, "failed", 0, None, render_error)
        return False
    status, attempts, provider_id, reason = attempt(sender, sender.channels[channel], address, message)
    _record(sender, delivery_id, status, attempts, provider_id, reason)
    log.info("delivery finished", extra={"notification_id": notification_id, "channel": channel,
                                         "status": status, "attempts": attempts, "reason": reason})
    return status == "sent"


def attempt(sender: Sender, channel: Channel, address: str, message) -> tuple[str, int, str | None, str | None]:
    """(status, attempts, provider message id, reason): retries what may pass, with backoff and jitter."""
    settings = sender.settings
    for number in range(1, settings.max_attempts + 1):
        try:
            return "sent", number, channel.send(address, message), None
        except ProviderError as exc:
            if not exc.retryable or number == settings.max_attempts:
                return "failed", number, None, exc.reason
            backoff = exc.retry_after if exc.retry_after is not None else settings.retry_base * 2 ** (number - 1)
            sender.sleep(min(settings.retry_max, backoff) * sender.jitter())
    raise AssertionError("unreachable: max_attempts is at least 1")


def _start(sender: Sender, notification_id: int, channel: str, message) -> int | None:
    delivery = Delivery(notification_id=notification_id, channel=channel, status="sending", attempts=0,
                        template_version=message.version if message else 0,
                        variant=message.variant if message else "plain",
                        segments=_segments(channel, message), started_at=sender.now())
    try:
        with sender.sessions() as session, session.begin():
            session.add(delivery)
            session.flush()
            return delivery.id
    except IntegrityError:
        return None


def _segments(channel: str, message) -> int | None:
    if channel != "sms" or message is None:
        return None
    return len(segments.segment(message.text).parts)


def _record(sender, delivery_id, status, attempts, provider_id, reason) -> None:
    with sender.sessions() as session, session.begin():
        session.execute(sa.update(Delivery).where(Delivery.id == delivery_id).values(
            status=status, attempts=attempts, provider_message_id=provider_id,
            reason=(reason or None) and reason[:300], finished_at=sender.now()))


def _finish(sender: Sender, notification_id: int, status: str, reason: str | None) -> str:
    with sender.sessions() as session, session.begin():
        session.execute(sa.update(Notification).where(Notification.id == notification_id).values(
            status=status, cancelled_reason=reason, claimed_at=None, updated_at=sender.now()))
    return status


def _requeue(sender: Sender, notification_id: int, when: datetime) -> str:
    with sender.sessions() as session, session.begin():
        session.execute(sa.update(Notification).where(Notification.id == notification_id).values(
            status="queued", next_attempt_at=when, claimed_at=None, updated_at=sender.now()))
    return "queued"


def _look_up(sender: Sender, notification_id: int, owed: dict) -> str:
    """Replace a row standing for recipients the event did not name by one row per recipient found."""
    try:
        found = recipients.looked_up(owed["recipient_kind"],
                                     sender.look_up(owed["recipient_kind"], owed["recipient_id"]))
    except NotFound:
        return _finish(sender, notification_id, "skipped", "kasus atau pokja tidak ditemukan")
    except Exception as exc:  # funding or the registry is away: ask again later
        log.warning("recipients not available; will try again",
                    extra={"notification_id": notification_id, "error": type(exc).__name__})
        return _requeue(sender, notification_id, sender.now() + timedelta(seconds=sender.settings.retry_max))
    if not found:
        return _finish(sender, notification_id, "skipped", "tidak ada penerima")
    if not _add_recipients(sender, notification_id, found, replace=True):
        return _requeue(sender, notification_id, sender.now())
    return "expanded"


def _add_recipients(sender: Sender, notification_id: int, found: list, replace: bool = False) -> bool:
    """Rows for `found`, owed for the same event as this one; with `replace`, this row goes in the same
    transaction (so a crash leaves either it or its replacements). A recipient already owed is not added
    twice. False when another process added the same rows first."""
    try:
        with sender.sessions() as session, session.begin():
            row = session.get(Notification, notification_id)
            subscription = for_event_type(row.event_type)
            owed = set(session.execute(
                sa.select(Notification.kind, Notification.recipient_kind, Notification.recipient_id)
                .where(Notification.source_event_id == row.source_event_id)).all())
            for recipient in found:
                kind = row.kind
                if recipient.kind == "staff" and subscription and subscription.staff_template:
                    kind = subscription.staff_template
                if (kind, recipient.kind, recipient.id) in owed:
                    continue
                owed.add((kind, recipient.kind, recipient.id))
                session.add(Notification(
                    person_id=recipient.person_id, kind=kind, status="queued", source_event_id=row.source_event_id,
                    event_type=row.event_type, correlation_id=row.correlation_id, recipient_kind=recipient.kind,
                    recipient_id=recipient.id, urgent=row.urgent, area_code=row.area_code, params=row.params,
                    created_at=sender.now()))
            if replace:
                session.delete(row)
        return True
    except IntegrityError:
        return False
