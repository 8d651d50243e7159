"""SQLAlchemy engines that cooperate with eventlet: PostgreSQL made green, SQLite kept to one connection."""
import os

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import QueuePool


def make_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    if url.startswith("postgresql"):
        # Without a wait callback psycopg2 blocks the whole eventlet hub for the length of each query.
        from psycogreen.eventlet import patch_psycopg

        patch_psycopg()
        # No pool_pre_ping (a SELECT 1 per checkout): a disconnect error invalidates the whole pool
        # instead (database.translate_outages), and the next checkout connects afresh.
        # Every process of the suite shares the server's max_connections (100 by default): ops size the
        # pool per process with DB_POOL_SIZE and DB_MAX_OVERFLOW; the tests keep it small.
        return sa.create_engine(
            url,
            pool_size=int(os.environ.get("DB_POOL_SIZE", "10")),
            max_overflow=int(os.environ.get("DB_MAX_OVERFLOW", "10")),
            pool_timeout=10,
        )
    return sa.create_engine(url)


def _sqlite_engine(url: str) -> sa.Engine:
    # sqlite3 calls block the hub and a second writer waits on a file lock that blocks it too;
    # one pooled connection makes greenthreads queue politely instead (local runs only).
    engine = sa.create_engine(
        url,
        poolclass=QueuePool,
        pool_size=1,
        max_overflow=0,
        connect_args={"check_same_thread": False, "timeout": 15},
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    return engine
