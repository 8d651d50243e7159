"""Who runs an import job: a claim is a lease that the running worker's heartbeat renews.

A live job is never run twice (its lease keeps being renewed); a dead worker's job is taken over
once its lease runs out; and a worker that lost its lease commits nothing more (the job's counts
are written under `lease_owner == worker`, in the same transaction as each batch).
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa

from registry import history
from registry.models.imports import ImportJob, ImportRowError

log = logging.getLogger(__name__)


class LeaseLost(Exception):
    """Another worker took the job over (this one's heartbeat stopped for longer than the lease)."""


def _claimable(now: datetime):
    return sa.or_(
        ImportJob.status == "queued",
        sa.and_(ImportJob.status == "running",
                sa.or_(ImportJob.lease_expires_at.is_(None), ImportJob.lease_expires_at < now)),
    )


def claim_next_job(session_factory, worker_id: str, lease: timedelta) -> str | None:
    """Take the oldest job that is queued, or running under an expired lease; None when there is none.

    PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED, so replicas pass over a job another is claiming.
    """
    with session_factory() as session:
        job_id = session.scalar(
            sa.select(ImportJob.id).where(_claimable(history.now()))
            .order_by(ImportJob.created_at, ImportJob.id).limit(1).with_for_update(skip_locked=True)
        )
        claimed = job_id is not None and _claim(session, job_id, worker_id, lease)
        session.commit()
    return job_id if claimed else None


def claim_job(session_factory, job_id: str, worker_id: str, lease: timedelta) -> bool:
    """Take this job if it is claimable (the command line runs the job it just created)."""
    with session_factory() as session:
        claimed = _claim(session, job_id, worker_id, lease)
        session.commit()
    return claimed


def _claim(session, job_id: str, worker_id: str, lease: timedelta) -> bool:
    """Claim the job if still claimable: the UPDATE re-checks, so of two racing workers one wins.

    A job taken over from a dead worker, or handed back by a stopping one, starts again: rows
    already imported are skipped by NIK, and the earlier run's row problems and counts are cleared.
    """
    now = history.now()
    before = session.execute(sa.select(ImportJob.status, ImportJob.lease_owner).where(ImportJob.id == job_id)).first()
    claimed = session.execute(
        sa.update(ImportJob).where(ImportJob.id == job_id, _claimable(now)).values(
            status="running", started_at=now, lease_owner=worker_id, lease_expires_at=now + lease,
            attempts=ImportJob.attempts + 1, row_count=0, created_count=0, skipped_existing_count=0,
            error_count=0, warning_count=0)
    ).rowcount == 1
    if claimed:
        # A run that was taken over or handed back left its rows' problems; this run reports them anew.
        session.execute(sa.delete(ImportRowError).where(ImportRowError.job_id == job_id))
    if claimed and before.status == "running":
        log.warning("import job %s: the lease of %s expired; taken over by %s", job_id, before.lease_owner,
                    worker_id)
    return claimed


def renew_lease(session_factory, job_id: str, worker_id: str, lease: timedelta) -> bool:
    """Extend this worker's lease on the job; False when it is no longer this worker's."""
    with session_factory() as session:
        renewed = session.execute(
            sa.update(ImportJob).where(ImportJob.id == job_id, ImportJob.lease_owner == worker_id,
                                       ImportJob.status == "running")
            .values(lease_expires_at=history.now() + lease)
        ).rowcount == 1
        session.commit()
    return renewed


def release_job(session_factory, job_id: str, worker_id: str) -> bool:
    """Give a job this worker holds back to the queue (the worker is stopping), for another to run."""
    with session_factory() as session:
        released = session.execute(
            sa.update(ImportJob).where(ImportJob.id == job_id, ImportJob.lease_owner == worker_id,
                                       ImportJob.status == "running")
            .values(status="queued", lease_owner=None, lease_expires_at=None)
        ).rowcount == 1
        session.commit()
    return released
