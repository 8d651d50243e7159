"""Programmes, venues and trainers: what trainings are built from."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from inklusi_platform.contracts.training import AUDIENCES, TOPICS
from training.models.base import AREA, ID, USER_ID, WHEN, Base, new_id, one_of


class Programme(Base):
    """A line of training (the Kewirausahaan Sosial workshop, FOMI's paralegal course)."""

    __tablename__ = "programmes"
    __table_args__ = (
        one_of("programmes", "topic", TOPICS),
        one_of("programmes", "audience", AUDIENCES),
        sa.Index("ix_programmes_title_id", "title", "id"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(sa.String(200))
    topic: Mapped[str] = mapped_column(sa.String(30))
    description: Mapped[str | None] = mapped_column(sa.Text)
    organiser_org: Mapped[str] = mapped_column(sa.String(120))
    audience: Mapped[str] = mapped_column(sa.String(30))
    created_at: Mapped[datetime] = mapped_column(WHEN)
    created_by: Mapped[str] = mapped_column(USER_ID)


class Venue(Base):
    """A place sessions are held, with the accessibility features organisers checked there."""

    __tablename__ = "venues"
    __table_args__ = (sa.Index("ix_venues_desa_code", "desa_code"), sa.Index("ix_venues_name_id", "name", "id"))

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str] = mapped_column(sa.String(300))
    desa_code: Mapped[str] = mapped_column(AREA)
    features: Mapped[list] = mapped_column(sa.JSON, default=list)
    accessibility_notes: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(WHEN)
    created_by: Mapped[str] = mapped_column(USER_ID)


class Trainer(Base):
    """A trainer from a partner organisation. Personal data, so only a name, the organisation and topics."""

    __tablename__ = "trainers"
    __table_args__ = (sa.Index("ix_trainers_name_id", "name", "id"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(sa.String(200))
    organisation: Mapped[str] = mapped_column(sa.String(120))
    topics: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(WHEN)
    created_by: Mapped[str] = mapped_column(USER_ID)
