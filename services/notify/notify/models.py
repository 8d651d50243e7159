"""Tables owned by the notify service: what is owed to whom, and the log of each delivery attempt.

One notification per (event, template, recipient); one delivery per (notification, channel). Together they
give at most one message per (event, recipient, channel), even when an event is redelivered or the service
restarts mid-send. Contact details are fetched from the registry at send time and never stored; a delivery
keeps the template and version it used, not the message body.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Notification(Base):
    """A message owed to one recipient because of one event."""

    __tablename__ = "notifications"
    __table_args__ = (
        sa.UniqueConstraint("source_event_id", "kind", "recipient_kind", "recipient_id",
                            name="uq_notification_event_recipient"),
        sa.Index("ix_notifications_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The person the message is about (for the guardian's copy too); the list is filtered by it.
    person_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))  # the template's name
    # queued -> sending -> sent | failed; skipped (consent, opt-out, nobody to reach); cancelled.
    status: Mapped[str] = mapped_column(sa.String(20), default="queued")
    source_event_id: Mapped[str] = mapped_column(sa.String(36))
    correlation_id: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    cancelled_reason: Mapped[str | None] = mapped_column(sa.String(200))
    event_type: Mapped[str] = mapped_column(sa.String(80), default="")
    recipient_kind: Mapped[str] = mapped_column(sa.String(20), default="person")  # person | guardian
    recipient_id: Mapped[str] = mapped_column(sa.String(36), default="")
    area_code: Mapped[str | None] = mapped_column(sa.String(20))
    urgent: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # What the template may show, from the event's payload: ids, times, reasons; never contact data.
    params: Mapped[dict | None] = mapped_column(sa.JSON, default=dict)
    next_attempt_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    claimed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class Delivery(Base):
    """The delivery log: one row per (notification, channel), with its attempts and the provider's id."""

    __tablename__ = "deliveries"
    __table_args__ = (sa.UniqueConstraint("notification_id", "channel", name="uq_delivery_channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(sa.ForeignKey("notifications.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20))  # sending | sent | delivered | failed
    attempts: Mapped[int] = mapped_column(default=0)
    template_version: Mapped[int] = mapped_column(default=1)
    variant: Mapped[str] = mapped_column(sa.String(20), default="plain")  # plain | easy_read
    segments: Mapped[int | None] = mapped_column()  # SMS only
    provider_message_id: Mapped[str | None] = mapped_column(sa.String(200))
    reason: Mapped[str | None] = mapped_column(sa.String(300))
    started_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
