"""Spreadsheet import jobs, the uploaded file (in parts) and the rows that were refused."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from registry.models.base import Base
from registry.models.groups import one_of
from registry.models.persons import ID, USER_ID, new_id

MODES = ("all_or_nothing", "valid_rows")
JOB_STATUSES = ("queued", "running", "done", "failed")
LEVELS = ("error", "warning")
FILE_PART_BYTES = 1024 * 1024


class ImportJob(Base):
    __tablename__ = "import_jobs"
    __table_args__ = (
        one_of("import_jobs", "mode", MODES),
        one_of("import_jobs", "status", JOB_STATUSES),
        # Workers claim the oldest queued job; lists show the newest first.
        sa.Index("ix_import_jobs_status_created", "status", "created_at", "id"),
        sa.Index("ix_import_jobs_created", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    filename: Mapped[str] = mapped_column(sa.String(255))
    file_sha256: Mapped[str] = mapped_column(sa.String(64))
    file_bytes: Mapped[int] = mapped_column(sa.Integer)
    mode: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), default="queued")
    row_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    created_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    skipped_existing_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    error_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    warning_count: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    # The caller's area restriction, applied to every row; null = unrestricted.
    areas: Mapped[list | None] = mapped_column(sa.JSON)
    requested_by: Mapped[str] = mapped_column(USER_ID)
    requested_by_org: Mapped[str | None] = mapped_column(USER_ID)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    failure_reason: Mapped[str | None] = mapped_column(sa.Text)
    # The uploader's declaration that signed consent forms exist for the rows without a Persetujuan
    # cell: {"form", "given_on", "declared_by", "declared_by_org", "declared_at"}; null = none made.
    consent_declaration: Mapped[dict | None] = mapped_column(sa.JSON)
    # The claim of the worker running the job: renewed by its heartbeat; once expired another takes over.
    lease_owner: Mapped[str | None] = mapped_column(sa.String(100))
    lease_expires_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")


class ImportFile(Base):
    """The uploaded bytes, in parts of FILE_PART_BYTES so a job reads them without holding the whole file.

    Deleted when the job finishes: the file holds NIKs and names, and what was valid is in the
    registry by then.
    """

    __tablename__ = "import_files"

    job_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("import_jobs.id"), primary_key=True)
    part: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)


class ImportRowError(Base):
    """One problem of one row, under the column header the uploader used."""

    __tablename__ = "import_row_errors"
    __table_args__ = (
        one_of("import_row_errors", "level", LEVELS),
        sa.Index("ix_import_row_errors_job_row", "job_id", "row_number", "id"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
                                    autoincrement=True)
    job_id: Mapped[str] = mapped_column(ID, sa.ForeignKey("import_jobs.id"))
    row: Mapped[int] = mapped_column("row_number", sa.Integer)
    column: Mapped[str] = mapped_column("column_header", sa.String(200))
    message: Mapped[str] = mapped_column(sa.Text)
    # A warning keeps the row (an invalid optional phone is left out); an error refuses it.
    level: Mapped[str] = mapped_column(sa.String(10), default="error", server_default="error")
