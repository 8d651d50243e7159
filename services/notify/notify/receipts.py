"""Providers' delivery receipts (WhatsApp's status webhook, the SMS gateway's delivery report): a sent
message becomes `delivered`, or `failed` with the provider's reason, matched by the provider's message id.

A message the provider could not deliver after accepting it is owed again on the next channel in the
person's order (the failed channel is never used twice for it).
"""
from datetime import UTC, datetime

import sqlalchemy as sa

from notify.channels import sms, whatsapp
from notify.models import Delivery, Notification

PARSERS = {"whatsapp": whatsapp.receipts, "sms": sms.receipts}


def record(uow, channel: str, body) -> dict:
    """Apply the receipts in one provider's callback body; answers how many matched a delivery."""
    now = datetime.now(UTC)
    matched = 0
    for receipt in PARSERS[channel](body):
        delivery = uow.session.scalars(sa.select(Delivery).where(
            Delivery.channel == channel, Delivery.provider_message_id == receipt["id"])).first()
        if delivery is None or delivery.status not in ("sent", "delivered"):
            continue  # unknown, or already failed: a late receipt changes nothing
        matched += 1
        notification = uow.session.get(Notification, delivery.notification_id)
        if receipt["status"] == "delivered":
            delivery.status = "delivered"
            if notification.status == "sent":
                notification.status, notification.updated_at = "delivered", now
        elif receipt["status"] == "failed" and delivery.status == "sent":
            delivery.status, delivery.reason = "failed", (receipt.get("reason") or "gagal terkirim")[:300]
            if notification.status in ("sent", "delivered"):
                notification.status, notification.next_attempt_at, notification.updated_at = "queued", None, now
        delivery.finished_at = now
    uow.session.flush()
    return {"matched": matched}
