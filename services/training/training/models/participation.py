"""Who takes part: enrolments with their waitlist, attendance, and the accommodations arranged."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from inklusi_platform.contracts.training import (
    ACCOMMODATIONS,
    ARRANGEMENT_STATUSES,
    CANCEL_REASONS,
    ENROLMENT_STATUSES,
)
from training.models.base import ID, USER_ID, WHEN, Base, new_id, one_of


class Enrolment(Base):
    """A registered person's place in a training, or their turn on its waitlist.

    `needs` holds accommodation kinds only (derived from categories and preferences at enrolment),
    never the categories themselves.
    """

    __tablename__ = "enrolments"
    __table_args__ = (
        one_of("enrolments", "status", ENROLMENT_STATUSES),
        one_of("enrolments", "cancel_reason", CANCEL_REASONS),
        # One open enrolment per person per training, even when two clerks race.
        sa.Index("uq_enrolments_open_person", "training_id", "person_id", unique=True,
                 sqlite_where=sa.text("status <> 'cancelled'"),
                 postgresql_where=sa.text("status <> 'cancelled'")),
        sa.Index("ix_enrolments_training_status", "training_id", "status", "requested_at", "id"),
        sa.Index("ix_enrolments_person_id", "person_id"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    training_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("trainings.id"))
    person_id: Mapped[str] = mapped_column(ID)
    status: Mapped[str] = mapped_column(sa.String(20))
    needs: Mapped[list] = mapped_column(sa.JSON, default=list)
    requested_at: Mapped[datetime] = mapped_column(WHEN)  # the waitlist's order
    confirmed_at: Mapped[datetime | None] = mapped_column(WHEN)
    cancelled_at: Mapped[datetime | None] = mapped_column(WHEN)
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(30))
    completed_at: Mapped[datetime | None] = mapped_column(WHEN)
    created_by: Mapped[str] = mapped_column(USER_ID)


class Attendance(Base):
    """Whether one participant came to one session; a later sheet for the session overwrites it."""

    __tablename__ = "attendance"

    session_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("sessions.id"), primary_key=True)
    person_id: Mapped[str] = mapped_column(ID, primary_key=True)
    present: Mapped[bool] = mapped_column(sa.Boolean)
    recorded_at: Mapped[datetime] = mapped_column(WHEN)
    recorded_by: Mapped[str] = mapped_column(USER_ID)


class Arrangement(Base):
    """An accommodation organisers arranged for a session, or waived with a reason."""

    __tablename__ = "arrangements"
    __table_args__ = (
        one_of("arrangements", "kind", tuple(ACCOMMODATIONS)),
        one_of("arrangements", "status", ARRANGEMENT_STATUSES),
        sa.CheckConstraint("status <> 'waived' OR reason IS NOT NULL", name="ck_arrangements_waiver_reason"),
    )

    session_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("sessions.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    note: Mapped[str | None] = mapped_column(sa.String(500))
    recorded_at: Mapped[datetime] = mapped_column(WHEN)
    recorded_by: Mapped[str] = mapped_column(USER_ID)
