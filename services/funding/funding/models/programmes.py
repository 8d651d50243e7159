"""Programme settings: one row per programme (UEP or KUBE) and year, as data."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from funding.models.base import Base
from inklusi_platform.columns import ID, USER_ID, new_id, one_of
from inklusi_platform.contracts.funding import CASE_TYPES


class Programme(Base):
    __tablename__ = "funding_programmes"
    __table_args__ = (
        one_of("funding_programmes", "programme", CASE_TYPES),
        sa.UniqueConstraint("programme", "year", name="uq_funding_programmes_programme_year"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    programme: Mapped[str] = mapped_column(sa.String(10))
    year: Mapped[int] = mapped_column(sa.Integer)
    budget: Mapped[int] = mapped_column(sa.BigInteger)
    uep_max_per_person: Mapped[int | None] = mapped_column(sa.BigInteger)
    kube_max_per_group: Mapped[int | None] = mapped_column(sa.BigInteger)
    kube_max_per_member: Mapped[int | None] = mapped_column(sa.BigInteger)
    required_training_topic: Mapped[str | None] = mapped_column(sa.String(40))
    min_age: Mapped[int] = mapped_column(sa.Integer)
    max_age: Mapped[int] = mapped_column(sa.Integer)
    min_members: Mapped[int] = mapped_column(sa.Integer)
    max_members: Mapped[int] = mapped_column(sa.Integer)
    report_interval_days: Mapped[int] = mapped_column(sa.Integer)
    reports_required: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(USER_ID)

    __mapper_args__ = {"version_id_col": version}
