"""The PostgreSQL driver must yield to the eventlet hub, or one slow query stalls a whole service."""
import time

import eventlet
import pytest
import sqlalchemy as sa

from inklusi_platform.engines import make_engine

pytestmark = pytest.mark.integration


def test_two_slow_queries_run_concurrently(postgres_url):
    engine = make_engine(f"{postgres_url}/postgres")

    def slow_query():
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT pg_sleep(1)"))

    try:
        slow_query()  # warm the pool so connecting is not measured
        started = time.monotonic()
        pool = eventlet.GreenPool()
        for _ in range(2):
            pool.spawn(slow_query)
        pool.waitall()
        elapsed = time.monotonic() - started
    finally:
        engine.dispose()
    # Serialised they would take 2 s; green they overlap.
    assert elapsed < 1.6, f"two 1 s queries took {elapsed:.2f} s: the driver blocks the hub"
