"""The import worker: a process of its own that claims queued import jobs and runs them under a renewed lease.

    python -m registry import-worker

Parsing a spreadsheet and registering its rows takes minutes of CPU and memory that the registry
service needs for answering reads, so imports run here; scale workers on their own. A job is
claimed with a lease that a heartbeat thread renews while the job runs: a live job is never taken
by another worker, and a dead worker's job is taken over once its lease expires (IMPORT_LEASE_SECONDS).
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from registry import imports
from registry.importing import leases
from registry.importing.limits import Limits

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerSettings:
    lease_seconds: float = 120.0  # how long a job's claim lasts without a heartbeat
    heartbeat_seconds: float = 20.0  # how often a running job renews it
    poll_seconds: float = 2.0  # how often an idle worker looks for a queued job

    @classmethod
    def from_env(cls, env=os.environ) -> WorkerSettings:
        default = cls()
        return cls(**{name: float(env.get(f"IMPORT_{name.upper()}", getattr(default, name)))
                      for name in ("lease_seconds", "heartbeat_seconds", "poll_seconds")})

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.lease_seconds)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Heartbeat:
    """Renews one job's lease every few seconds from a thread of its own, and notices when it was lost."""

    def __init__(self, session_factory, job_id: str, owner: str, settings: WorkerSettings):
        self.session_factory = session_factory
        self.job_id = job_id
        self.owner = owner
        self.settings = settings
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{job_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=self.settings.heartbeat_seconds + 5)

    def _beat(self) -> None:
        while not self._stop.wait(self.settings.heartbeat_seconds):
            try:
                renewed = leases.renew_lease(self.session_factory, self.job_id, self.owner, self.settings.lease)
            except Exception as exc:  # the database is away: try again at the next beat, lease permitting
                log.warning("import job %s: lease not renewed: %s", self.job_id, type(exc).__name__)
                continue
            if not renewed:
                self.lost = True
                return

    def check(self) -> None:
        if self.lost:
            raise leases.LeaseLost(self.job_id)


def run_claimed(session_factory, heartbeat_sessions, job_id: str, owner: str, settings: WorkerSettings,
                stop: threading.Event, limits: Limits) -> dict | None:
    """Run one claimed job with its heartbeat; on `stop` it goes back to the queue between batches."""
    with Heartbeat(heartbeat_sessions, job_id, owner, settings) as beat:
        def between_batches(_counts: dict) -> None:
            beat.check()
            if stop.is_set():
                raise imports.Interrupted(job_id)
            time.sleep(0)  # under eventlet, a chance for the heartbeat to run

        try:
            job = imports.run_job(session_factory, job_id, owner, progress=between_batches, limits=limits)
        except leases.LeaseLost:
            log.warning("import job %s: lease lost to another worker; this run stopped", job_id)
            return None
        except imports.Interrupted:
            leases.release_job(session_factory, job_id, owner)
            log.info("import job %s: returned to the queue (worker stopping)", job_id)
            return None
    log.info("import job %s: %s", job_id, job["status"])
    return job


def work(session_factory, heartbeat_sessions, settings: WorkerSettings, stop: threading.Event,
         limits: Limits | None = None, owner: str | None = None, once: bool = False) -> int:
    """Claim and run jobs until `stop` is set (or, with `once`, until none is queued); returns jobs run."""
    owner = owner or worker_id()
    limits = limits or Limits.from_env()
    ran = 0
    log.info("import worker %s started", owner)
    while not stop.is_set():
        try:
            job_id = leases.claim_next_job(session_factory, owner, settings.lease)
        except Exception as exc:  # the database is away: wait and look again
            log.warning("import worker: no job claimed: %s", type(exc).__name__)
            job_id = None
        if job_id is None:
            if once:
                break
            stop.wait(settings.poll_seconds)
            continue
        try:
            run_claimed(session_factory, heartbeat_sessions, job_id, owner, settings, stop, limits)
        except Exception as exc:  # the job stays claimed until its lease expires; the worker goes on
            log.error("import job %s: %s", job_id, type(exc).__name__)
        ran += 1
    log.info("import worker %s stopped", owner)
    return ran
