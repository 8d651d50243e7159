"""Pokja (working groups) and paguyuban keluarga (family associations)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from inklusi_platform.contracts.registry import ACTIVITY_KINDS, POKJA_ROLES, POKJA_STAGES  # noqa: F401
from inklusi_platform.sealing import Sealed
from registry.models.base import Base
from registry.models.persons import AREA, ID, USER_ID, new_id

STAGES = POKJA_STAGES
ROLES = POKJA_ROLES
SCORE_FIELDS = ("production", "administration", "finance", "marketing")


def one_of(table: str, column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    quoted = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({quoted})", name=f"ck_{table}_{column}")


def _score(table: str, column: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"{column} BETWEEN 1 AND 5", name=f"ck_{table}_{column}")


class Pokja(Base):
    """A kelompok kerja of entrepreneurs; several may work in one kecamatan. `version` is the ETag."""

    __tablename__ = "pokja"
    __table_args__ = (
        one_of("pokja", "stage", STAGES),
        sa.Index("ix_pokja_kecamatan_code", "kecamatan_code"),
        sa.Index("ix_pokja_area_code", "area_code"),
        # Lists are ordered and paged by (name, id).
        sa.Index("ix_pokja_name_id", "name", "id"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(200))
    # A desa/kelurahan or a kecamatan; the kecamatan is stored too, for coverage and events.
    area_code: Mapped[str] = mapped_column(AREA)
    kecamatan_code: Mapped[str] = mapped_column(AREA)
    stage: Mapped[str] = mapped_column(sa.String(20), default="rintisan")
    business_lines: Mapped[list] = mapped_column(sa.JSON, default=list)
    formed_on: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(USER_ID)

    # Two editors racing past the ETag check cannot both win: the loser's UPDATE matches no row.
    __mapper_args__ = {"version_id_col": version}


class PokjaAssessment(Base):
    """One dated assessment of a pokja's capacity, 1-5 on each aspect. Kept, never edited."""

    __tablename__ = "pokja_assessments"
    __table_args__ = (
        *(_score("pokja_assessments", name) for name in SCORE_FIELDS),
        sa.Index("ix_pokja_assessments_pokja_latest", "pokja_id", "assessed_on", "recorded_at"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    pokja_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("pokja.id"))
    assessed_on: Mapped[date] = mapped_column(sa.Date)
    production: Mapped[int] = mapped_column(sa.SmallInteger)
    administration: Mapped[int] = mapped_column(sa.SmallInteger)
    finance: Mapped[int] = mapped_column(sa.SmallInteger)
    marketing: Mapped[int] = mapped_column(sa.SmallInteger)
    total: Mapped[int] = mapped_column(sa.SmallInteger)
    notes: Mapped[str | None] = mapped_column(sa.Text)
    assessed_by: Mapped[str] = mapped_column(USER_ID)
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class PokjaMembership(Base):
    """A person's membership of a pokja; ending it sets left_on, so past members stay on record."""

    __tablename__ = "pokja_memberships"
    __table_args__ = (
        one_of("pokja_memberships", "role", ROLES),
        sa.Index("ix_pokja_memberships_pokja_id", "pokja_id", "joined_on"),
        sa.Index("ix_pokja_memberships_person_id", "person_id"),
        # The database keeps the rules even when two clerks race: one active membership per
        # person per pokja, and one active ketua per pokja.
        sa.Index("uq_pokja_memberships_active_person", "pokja_id", "person_id", unique=True,
                 sqlite_where=sa.text("left_on IS NULL"), postgresql_where=sa.text("left_on IS NULL")),
        sa.Index("uq_pokja_memberships_active_ketua", "pokja_id", unique=True,
                 sqlite_where=sa.text("role = 'ketua' AND left_on IS NULL"),
                 postgresql_where=sa.text("role = 'ketua' AND left_on IS NULL")),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    pokja_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("pokja.id"))
    person_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("persons.id"))
    role: Mapped[str] = mapped_column(sa.String(20))
    joined_on: Mapped[date] = mapped_column(sa.Date)
    left_on: Mapped[date | None] = mapped_column(sa.Date)
    created_by: Mapped[str] = mapped_column(USER_ID)
    ended_by: Mapped[str | None] = mapped_column(USER_ID)


class Paguyuban(Base):
    """The paguyuban keluarga of one kecamatan: families and carers of persons with disabilities."""

    __tablename__ = "paguyuban"

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    kecamatan_code: Mapped[str] = mapped_column(AREA, unique=True)  # one per kecamatan
    name: Mapped[str] = mapped_column(sa.String(200))
    formed_on: Mapped[date] = mapped_column(sa.Date)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(USER_ID)

    __mapper_args__ = {"version_id_col": version}


class PaguyubanMember(Base):
    """A family member or carer; `cares_for` names the registered persons they look after."""

    __tablename__ = "paguyuban_members"
    __table_args__ = (sa.Index("ix_paguyuban_members_paguyuban_name", "paguyuban_id", "name", "id"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    paguyuban_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("paguyuban.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    relation: Mapped[str] = mapped_column(sa.String(60))
    phone: Mapped[str | None] = mapped_column(Sealed("paguyuban_members.phone"))  # E.164, sealed
    cares_for: Mapped[list] = mapped_column(sa.JSON, default=list)  # person ids
    joined_on: Mapped[date] = mapped_column(sa.Date)
    left_on: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(USER_ID)


class PaguyubanActivity(Base):
    """Something the paguyuban held: a therapy session for children, a parenting class, ..."""

    __tablename__ = "paguyuban_activities"
    __table_args__ = (
        one_of("paguyuban_activities", "kind", ACTIVITY_KINDS),
        sa.CheckConstraint("participants >= 0", name="ck_paguyuban_activities_participants"),
        sa.Index("ix_paguyuban_activities_held", "paguyuban_id", "held_on", "id"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    paguyuban_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("paguyuban.id"))
    kind: Mapped[str] = mapped_column(sa.String(30))
    title: Mapped[str] = mapped_column(sa.String(200))
    held_on: Mapped[date] = mapped_column(sa.Date)
    participants: Mapped[int] = mapped_column(sa.Integer)
    notes: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by: Mapped[str] = mapped_column(USER_ID)
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
