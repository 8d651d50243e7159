"""The readiness report: its shape (the gateway's /health reads it) and the database check."""
import time

import sqlalchemy as sa

from inklusi_platform.service import (
    LIVENESS_STALE_SECONDS,
    check_database,
    health_report,
    heartbeat_path,
    is_alive,
)


def test_up_only_when_every_check_is_up():
    assert health_report("registry", {"database": "up", "broker": "up"}) == {
        "service": "registry", "status": "up", "checks": {"database": "up", "broker": "up"}}
    assert health_report("registry", {"database": "up", "broker": "down"})["status"] == "down"


def test_a_process_that_is_stopping_reports_itself_down_with_the_reason():
    report = health_report("notify", {"database": "up", "broker": "up"}, stopping=True)
    assert (report["status"], report["reason"]) == ("down", "stopping")


def test_database_check_says_up_or_down(engine_for, sqlite_url, tmp_path):
    assert check_database(engine_for(sqlite_url)) == "up"
    unreachable = sa.create_engine(f"sqlite:///{tmp_path}/no/such/folder/x.db")
    assert check_database(unreachable) == "down"


def test_liveness_is_a_recently_touched_heartbeat_file(tmp_path):
    assert not is_alive(str(tmp_path), "registry")  # never started
    heartbeat_path(str(tmp_path), "registry").touch()
    assert is_alive(str(tmp_path), "registry")
    assert not is_alive(str(tmp_path), "registry", now=time.time() + LIVENESS_STALE_SECONDS + 1)
