"""Two import-worker processes on one database: a live job is never run twice, a killed worker's is taken over.

The lease is 2 s and the heartbeat 0.5 s, so the job below runs several leases long: the second worker
must leave it alone while the first one's heartbeat beats, and take it over once that one is killed.
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from inklusi_platform.engines import make_engine
from inklusi_platform.unit_of_work import UnitOfWork
from registry import imports
from registry.models.imports import ImportJob
from registry.models.persons import Person
from tests.support.fieldsheet import sheet
from tests.support.waiting import wait_for

ROOT = Path(__file__).resolve().parents[3]
# Enough rows in small batches that the job outlasts two leases even on a fast machine.
ROWS = 9999
BATCH_ROWS = 100
LEASE_SECONDS = 2


def test_a_live_job_is_left_alone_and_a_killed_workers_job_is_taken_over(pg_database, tmp_path):
    url = pg_database("registry")
    engine = make_engine(url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    uow = UnitOfWork(sessions(), "registry")
    job_id = imports.create_job(uow, "lapangan.csv", sheet(ROWS), "valid_rows", {"user_id": "u-staff"}, None,
                                {"form": "written", "given_on": "2026-11-01"})["id"]
    uow.commit()
    uow.close()

    def job():
        with sessions() as session:
            return session.get(ImportJob, job_id)

    env = dict(os.environ, REGISTRY_DATABASE_URL=url, DATA_DIR=str(tmp_path), LOG_LEVEL="WARNING",
               IMPORT_LEASE_SECONDS=str(LEASE_SECONDS), IMPORT_HEARTBEAT_SECONDS="0.5", IMPORT_POLL_SECONDS="0.2",
               IMPORT_BATCH_ROWS=str(BATCH_ROWS))
    workers = [subprocess.Popen([sys.executable, "-m", "registry", "import-worker"], env=env, cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(2)]
    try:
        wait_for(lambda: job().row_count >= 2 * BATCH_ROWS, timeout=120, message="the first batches")
        owner = job().lease_owner
        time.sleep(2 * LEASE_SECONDS)  # alive past two leases: still the same worker's, claimed once
        current = job()
        assert current.status == "running", "the job ended before its worker could be killed; make it longer"
        assert (current.lease_owner, current.attempts) == (owner, 1)

        running = next(w for w in workers if f":{w.pid}:" in owner)
        running.send_signal(signal.SIGKILL)
        running.wait()
        done = wait_for(lambda: (j := job()).status == "done" and j, timeout=180, message="the takeover")
        assert done.attempts == 2 and done.lease_owner is None
        assert done.row_count == ROWS and done.created_count + done.skipped_existing_count == ROWS
        with sessions() as session:
            assert session.scalar(sa.select(sa.func.count()).select_from(Person)) == ROWS  # each once
    finally:
        for process in workers:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        engine.dispose()
