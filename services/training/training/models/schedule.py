"""Trainings and their sessions, and which trainers teach each session."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from inklusi_platform.contracts.training import SESSION_STATUSES
from training.models.base import AREA, ID, USER_ID, WHEN, Base, new_id, one_of


class Training(Base):
    """One run of a programme for an area (and perhaps one pokja). `version` is the ETag.

    Every change to its sessions or enrolments raises the version too, so an If-Match on the
    training covers everything shown with it.
    """

    __tablename__ = "trainings"
    __table_args__ = (
        sa.Index("ix_trainings_area_code", "area_code"),
        sa.Index("ix_trainings_pokja_id", "pokja_id"),
        sa.Index("ix_trainings_created_id", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    programme_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("programmes.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    area_code: Mapped[str] = mapped_column(AREA)
    pokja_id: Mapped[str | None] = mapped_column(ID)
    created_at: Mapped[datetime] = mapped_column(WHEN)
    updated_at: Mapped[datetime] = mapped_column(WHEN)
    created_by: Mapped[str] = mapped_column(USER_ID)

    __mapper_args__ = {"version_id_col": version}


class Session(Base):
    """One meeting of a training. Times are stored in UTC; people give and read them in WIB."""

    __tablename__ = "sessions"
    __table_args__ = (
        one_of("sessions", "status", SESSION_STATUSES),
        sa.CheckConstraint("ends_at > starts_at", name="ck_sessions_order"),
        sa.CheckConstraint("capacity > 0", name="ck_sessions_capacity"),
        sa.Index("ix_sessions_training_starts", "training_id", "starts_at"),
        sa.Index("ix_sessions_venue_starts", "venue_id", "starts_at"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    training_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("trainings.id"))
    starts_at: Mapped[datetime] = mapped_column(WHEN)
    ends_at: Mapped[datetime] = mapped_column(WHEN)
    venue_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("venues.id"))
    capacity: Mapped[int] = mapped_column(sa.Integer)
    status: Mapped[str] = mapped_column(sa.String(20), default="scheduled")
    change_reason: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(WHEN)


class SessionTrainer(Base):
    __tablename__ = "session_trainers"
    __table_args__ = (sa.Index("ix_session_trainers_trainer_id", "trainer_id"),)

    session_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("sessions.id"), primary_key=True)
    trainer_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("trainers.id"), primary_key=True)
