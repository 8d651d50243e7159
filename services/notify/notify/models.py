"""Tables owned by the notify service."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Notification(Base):
    """A message owed to a person. Contact details are fetched from the registry at send time, never stored."""

    __tablename__ = "notifications"
    __table_args__ = (sa.UniqueConstraint("source_event_id", "kind", name="uq_notification_event_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")
    source_event_id: Mapped[str] = mapped_column(sa.String(36))
    correlation_id: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    cancelled_reason: Mapped[str | None] = mapped_column(sa.String(200))
