"""The needs inventory: problems, who raised them, their history, comments, links and advocacy actions."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from inklusi_platform.contracts.problems import (
    ADVOCACY_KINDS,
    FIELDS,
    LINK_KINDS,
    RAISER_KINDS,
    SEVERITIES,
    STATUSES,
)
from training.models.base import AREA, ID, USER_ID, WHEN, Base, new_id, one_of


class Problem(Base):
    """A problem raised to the forum. `version` is the ETag; a merged duplicate points at the record kept."""

    __tablename__ = "problems"
    __table_args__ = (
        one_of("problems", "field", FIELDS),
        one_of("problems", "status", STATUSES),
        one_of("problems", "severity", SEVERITIES),
        sa.CheckConstraint("status <> 'ditolak' OR reject_reason IS NOT NULL", name="ck_problems_reject_reason"),
        sa.CheckConstraint("people_affected >= 0", name="ck_problems_people_affected"),
        sa.Index("ix_problems_area_code", "area_code"),
        sa.Index("ix_problems_created_id", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    field: Mapped[str] = mapped_column(sa.String(20))
    area_code: Mapped[str | None] = mapped_column(AREA)  # None: all of Malang Raya
    people_affected: Mapped[int] = mapped_column(sa.Integer)
    severity: Mapped[str] = mapped_column(sa.String(10))
    evidence: Mapped[list] = mapped_column(sa.JSON, default=list)  # notes and attachments' metadata
    status: Mapped[str] = mapped_column(sa.String(20))
    reject_reason: Mapped[str | None] = mapped_column(sa.String(500))
    raised_on: Mapped[date] = mapped_column(sa.Date)
    programmed_at: Mapped[datetime | None] = mapped_column(WHEN)  # first time it became diprogramkan
    resolved_at: Mapped[datetime | None] = mapped_column(WHEN)
    merged_into_id: Mapped[str | None] = mapped_column(ID, sa.ForeignKey("problems.id"))
    created_at: Mapped[datetime] = mapped_column(WHEN)
    updated_at: Mapped[datetime] = mapped_column(WHEN)
    created_by: Mapped[str] = mapped_column(USER_ID)

    __mapper_args__ = {"version_id_col": version}


class ProblemRaiser(Base):
    """One raiser of a problem. A person's `ref_id` is their registry id; cleared if they withdraw consent."""

    __tablename__ = "problem_raisers"
    __table_args__ = (
        one_of("problem_raisers", "kind", RAISER_KINDS),
        sa.Index("ix_problem_raisers_problem_id", "problem_id"),
        sa.Index("ix_problem_raisers_ref_id", "ref_id"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    problem_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("problems.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    ref_id: Mapped[str | None] = mapped_column(ID)  # pokja, paguyuban or person id
    organisation: Mapped[str | None] = mapped_column(sa.String(120))  # a forum member organisation's name
    raised_on: Mapped[date] = mapped_column(sa.Date)
    added_at: Mapped[datetime] = mapped_column(WHEN)
    added_by: Mapped[str] = mapped_column(USER_ID)


class ProblemChange(Base):
    """Who changed what and when: one row per change, never edited."""

    __tablename__ = "problem_changes"
    __table_args__ = (sa.Index("ix_problem_changes_problem_at", "problem_id", "at"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    problem_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("problems.id"))
    at: Mapped[datetime] = mapped_column(WHEN)
    actor: Mapped[str] = mapped_column(USER_ID)
    action: Mapped[str] = mapped_column(sa.String(20))
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # field -> [before, after]; never a person id
    reason: Mapped[str | None] = mapped_column(sa.String(500))


class ProblemComment(Base):
    __tablename__ = "problem_comments"
    __table_args__ = (sa.Index("ix_problem_comments_problem_at", "problem_id", "created_at"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    problem_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("problems.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    author: Mapped[str] = mapped_column(USER_ID)
    author_org: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(WHEN)


class ProblemLink(Base):
    """A programme, training or advocacy action that answers a problem."""

    __tablename__ = "problem_links"
    __table_args__ = (
        one_of("problem_links", "kind", LINK_KINDS),
        sa.UniqueConstraint("problem_id", "kind", "target_id", name="uq_problem_links_target"),
        sa.Index("ix_problem_links_target", "kind", "target_id"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    problem_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("problems.id"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    target_id: Mapped[str] = mapped_column(ID)
    created_at: Mapped[datetime] = mapped_column(WHEN)
    created_by: Mapped[str] = mapped_column(USER_ID)


class AdvocacyAction(Base):
    """A meeting with a Dinas, a policy letter, a hearing: what the forum did and what came of it."""

    __tablename__ = "advocacy_actions"
    __table_args__ = (
        one_of("advocacy_actions", "kind", ADVOCACY_KINDS),
        sa.Index("ix_advocacy_actions_held_id", "held_on", "id"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20))
    held_on: Mapped[date] = mapped_column(sa.Date)
    counterpart_org: Mapped[str] = mapped_column(sa.String(120))
    outcome: Mapped[str | None] = mapped_column(sa.Text)
    area_code: Mapped[str | None] = mapped_column(AREA)  # None: all of Malang Raya
    created_at: Mapped[datetime] = mapped_column(WHEN)
    created_by: Mapped[str] = mapped_column(USER_ID)
