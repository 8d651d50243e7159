"""The delivery log as people read it: list and filter notifications, and retry a failed one."""
from datetime import UTC, datetime

import sqlalchemy as sa

from inklusi_platform.errors import Conflict, NotFound
from inklusi_platform.pagination import clamp_limit, decode_cursor, page
from notify.models import Delivery, Notification

FILTERS = ("person_id", "event_type", "status", "channel")
RETRYABLE = ("failed", "skipped")


def _iso(value):
    return value.isoformat() if value else None


def notification_dict(n: Notification, deliveries: list[Delivery]) -> dict:
    return {
        "id": n.id, "person_id": n.person_id, "recipient_kind": n.recipient_kind, "template": n.kind,
        "event_id": n.source_event_id, "event_type": n.event_type, "area_code": n.area_code,
        "status": n.status, "reason": n.cancelled_reason, "urgent": n.urgent,
        "correlation_id": n.correlation_id, "created_at": _iso(n.created_at), "updated_at": _iso(n.updated_at),
        "next_attempt_at": _iso(n.next_attempt_at),
        "deliveries": [{
            "channel": d.channel, "status": d.status, "attempts": d.attempts,
            "template_version": d.template_version, "variant": d.variant, "segments": d.segments,
            "provider_message_id": d.provider_message_id, "reason": d.reason,
            "started_at": _iso(d.started_at), "finished_at": _iso(d.finished_at),
        } for d in deliveries],
    }


def _deliveries_of(uow, ids: list[int]) -> dict[int, list[Delivery]]:
    found = {i: [] for i in ids}
    if ids:
        for d in uow.session.scalars(sa.select(Delivery).where(Delivery.notification_id.in_(ids))
                                     .order_by(Delivery.id)):
            found[d.notification_id].append(d)
    return found


def _in_areas(areas):
    return sa.or_(*(sa.or_(Notification.area_code == code, Notification.area_code.like(code + ".%"))
                    for code in areas))


def list_notifications(uow, areas, filters=None, limit=None, cursor=None) -> dict:
    """A page of notifications whose area lies in the caller's (None: everywhere; []: nowhere), newest first."""
    filters = filters or {}
    limit = clamp_limit(limit)
    after = decode_cursor(cursor, id=int)
    if areas is not None and not areas:
        return {"items": [], "next_cursor": None}
    query = sa.select(Notification)
    if areas is not None:
        query = query.where(_in_areas(areas))
    for name, column in (("person_id", Notification.person_id), ("event_type", Notification.event_type),
                         ("status", Notification.status)):
        if filters.get(name):
            query = query.where(column == filters[name])
    if filters.get("channel"):
        query = query.where(Notification.id.in_(
            sa.select(Delivery.notification_id).where(Delivery.channel == filters["channel"])))
    if after is not None:
        query = query.where(Notification.id < after["id"])
    rows = list(uow.session.scalars(query.order_by(Notification.id.desc()).limit(limit + 1)))
    result = page(rows, limit, lambda n: {"id": n.id})
    deliveries = _deliveries_of(uow, [n.id for n in result["items"]])
    result["items"] = [notification_dict(n, deliveries[n.id]) for n in result["items"]]
    return result


def load(uow, notification_id) -> Notification:
    n = uow.session.get(Notification, notification_id) if isinstance(notification_id, int) else None
    if n is None:
        raise NotFound("Notifikasi tidak ditemukan.")
    return n


def get_notification(uow, notification_id: int) -> dict:
    n = load(uow, notification_id)
    return notification_dict(n, _deliveries_of(uow, [n.id])[n.id])


def retry(uow, notification_id: int) -> dict:
    """Queue a failed or skipped notification again. Channels it already failed on are not tried twice
    (one message per event, recipient and channel); the retry covers the channels not yet used and,
    for a skipped one, a recipient who can now be reached."""
    n = load(uow, notification_id)
    if n.status not in RETRYABLE:
        raise Conflict(f"Notifikasi berstatus {n.status} tidak bisa dikirim ulang; hanya yang gagal atau dilewati.")
    n.status, n.next_attempt_at, n.cancelled_reason, n.updated_at = "queued", None, None, datetime.now(UTC)
    uow.session.flush()
    return get_notification(uow, n.id)


def notifications_of(uow, person_id: str) -> list[dict]:
    return list_notifications(uow, None, {"person_id": person_id}, 200)["items"][::-1]
