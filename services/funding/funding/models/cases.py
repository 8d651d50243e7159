"""Cases, their members, their immutable history, documents and monitoring reports."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from funding.models.base import Base
from inklusi_platform.columns import AREA, ID, USER_ID, new_id, one_of
from inklusi_platform.contracts.funding import CASE_TYPES, DOCUMENT_TYPES, MEMBER_ROLES, STATES

APPLICANT = "pemohon"  # the one member of a UEP case


class Case(Base):
    """A UEP or KUBE case. `version` is the ETag; `state` moves only through workflow.py."""

    __tablename__ = "funding_cases"
    __table_args__ = (
        one_of("funding_cases", "case_type", CASE_TYPES),
        one_of("funding_cases", "state", STATES),
        sa.Index("ix_funding_cases_kecamatan_code", "kecamatan_code"),
        sa.Index("ix_funding_cases_state", "state"),
        sa.Index("ix_funding_cases_created_id", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    case_type: Mapped[str] = mapped_column(sa.String(10))
    programme_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("funding_programmes.id"))
    state: Mapped[str] = mapped_column(sa.String(20))
    state_before_hold: Mapped[str | None] = mapped_column(sa.String(20))
    hold_reasons: Mapped[list] = mapped_column(sa.JSON, default=list)
    # The case's own area: the applicant's, or the ketua's kecamatan for KUBE. Area checks use it.
    kecamatan_code: Mapped[str] = mapped_column(AREA)
    group_name: Mapped[str | None] = mapped_column(sa.String(200))
    bank_account: Mapped[dict | None] = mapped_column(sa.JSON)
    business_plan: Mapped[dict | None] = mapped_column(sa.JSON)
    # An override of the rules that failed at the time: {"rules", "reason", "by", "at"}.
    eligibility_override: Mapped[dict | None] = mapped_column(sa.JSON)
    approved_amount: Mapped[int | None] = mapped_column(sa.BigInteger)
    disbursed_amount: Mapped[int | None] = mapped_column(sa.BigInteger)
    disbursed_on: Mapped[date | None] = mapped_column(sa.Date)
    submitted_by: Mapped[str | None] = mapped_column(USER_ID)
    verified_by: Mapped[str | None] = mapped_column(USER_ID)
    recommended_by: Mapped[str | None] = mapped_column(USER_ID)
    approved_by: Mapped[str | None] = mapped_column(USER_ID)
    state_entered_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(USER_ID)

    __mapper_args__ = {"version_id_col": version}


class CaseMember(Base):
    __tablename__ = "funding_case_members"
    __table_args__ = (
        one_of("funding_case_members", "role", MEMBER_ROLES + (APPLICANT,)),
        sa.Index("ix_funding_case_members_person_id", "person_id"),
    )

    case_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("funding_cases.id"), primary_key=True)
    position: Mapped[int] = mapped_column(sa.Integer, primary_key=True)  # "anggota 3" in explanations
    person_id: Mapped[str] = mapped_column(ID)
    role: Mapped[str] = mapped_column(sa.String(20))


class CaseTransition(Base):
    """One step of a case's history. Appended, never changed (the database refuses updates on PostgreSQL)."""

    __tablename__ = "funding_case_transitions"
    __table_args__ = (sa.Index("ix_funding_case_transitions_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("funding_cases.id"))
    action: Mapped[str] = mapped_column(sa.String(30))
    from_state: Mapped[str | None] = mapped_column(sa.String(20))
    to_state: Mapped[str] = mapped_column(sa.String(20))
    actor: Mapped[str] = mapped_column(USER_ID)
    actor_org: Mapped[str | None] = mapped_column(sa.String(64))
    correlation_id: Mapped[str | None] = mapped_column(sa.String(128))
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class CaseDocument(Base):
    __tablename__ = "funding_case_documents"
    __table_args__ = (
        one_of("funding_case_documents", "doc_type", DOCUMENT_TYPES),
        sa.Index("ix_funding_case_documents_case", "case_id", "uploaded_at"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("funding_cases.id"))
    doc_type: Mapped[str] = mapped_column(sa.String(20))
    file_name: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.Integer)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by: Mapped[str] = mapped_column(USER_ID)
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class MonitoringReport(Base):
    __tablename__ = "funding_monitoring_reports"
    __table_args__ = (sa.UniqueConstraint("case_id", "period", name="uq_funding_monitoring_reports_period"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("funding_cases.id"))
    period: Mapped[int] = mapped_column(sa.Integer)
    due_on: Mapped[date] = mapped_column(sa.Date)
    business_running: Mapped[bool] = mapped_column(sa.Boolean)
    revenue: Mapped[int] = mapped_column(sa.BigInteger)
    people_employed: Mapped[int] = mapped_column(sa.Integer)
    photos: Mapped[list] = mapped_column(sa.JSON, default=list)
    notes: Mapped[str | None] = mapped_column(sa.Text)
    submitted_by: Mapped[str] = mapped_column(USER_ID)
    submitted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class MonitoringNotice(Base):
    """Which due/overdue announcements went out, so the timer announces each once."""

    __tablename__ = "funding_monitoring_notices"

    case_id: Mapped[str] = mapped_column(ID, primary_key=True)
    period: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10), primary_key=True)  # due | overdue
    sent_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
