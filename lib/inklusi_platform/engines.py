"""SQLAlchemy engines that cooperate with eventlet: PostgreSQL made green, SQLite kept to one connection."""
import os

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import QueuePool


def make_engine(url: str, reader: bool = False) -> sa.Engine:
    """`reader`: PostgreSQL connections in autocommit for UnitOfWork.read, in a pool of their own
    (DB_READ_POOL_SIZE, no overflow). Sharing the main pool cost a switch of isolation level at every
    checkout and back at every checkin (a tenth of a read's CPU), and its overflow connections were
    closed and opened again under bursts. A read holds its connection for one statement, so a few
    serve many workers; one that finds them all busy waits its turn."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    if url.startswith("postgresql"):
        # Without a wait callback psycopg2 blocks the whole eventlet hub for the length of each query.
        from psycogreen.eventlet import patch_psycopg

        patch_psycopg()
        if reader:
            return sa.create_engine(url, isolation_level="AUTOCOMMIT", pool_timeout=10, max_overflow=0,
                                    pool_size=int(os.environ.get("DB_READ_POOL_SIZE", "4")))
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
