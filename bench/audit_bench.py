"""Audit log figures on this machine: the cost a request pays to spool its entries, and the rate the
background writer moves them into PostgreSQL in batches, against one INSERT and commit per entry.

    python bench/audit_bench.py [--entries 5000] [--server postgresql://postgres@127.0.0.1:5432]

Uses a throwaway database (inklusi_bench_audit) on the local PostgreSQL. Prints figures; asserts nothing.
"""
# isort: off
import inklusi_platform.green  # noqa: F401  (first: monkey-patches before socket is imported)
# isort: on
import argparse
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from gateway.audit import AuditSpool, entries, insert_entries
from gateway.models import AuditEntry, Base
from inklusi_platform.engines import make_engine

DATABASE = "inklusi_bench_audit"


def one_request(n: int) -> list[dict]:
    return entries(principal=None, action="read", resource="person", resource_ids=[f"p-{n}"],
                   correlation_id=f"c-{n}", outcome="success")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()

    admin = sa.create_engine(f"{args.server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        connection.execute(sa.text(f"CREATE DATABASE {DATABASE}"))
    engine = make_engine(f"{args.server}/{DATABASE}")
    Base.metadata.create_all(engine)
    sessions = sessionmaker(engine)

    with tempfile.TemporaryDirectory() as folder:
        spool = AuditSpool(Path(folder))
        started = time.perf_counter()
        for n in range(args.entries):
            spool.append(one_request(n))
        spooled = time.perf_counter() - started
        started = time.perf_counter()
        written = spool.drain(lambda rows: insert_entries(sessions, rows))
        drained = time.perf_counter() - started
        spool.close()

    started = time.perf_counter()
    single = min(args.entries, 1000)
    for n in range(single):
        insert_entries(sessions, one_request(n))
    one_by_one = time.perf_counter() - started

    with sessions() as session:
        stored = session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    print(f"spool append: {args.entries} requests in {spooled:.3f}s "
          f"({spooled / args.entries * 1e6:.0f} µs per request)")
    print(f"batched writer: {written} entries in {drained:.3f}s ({written / drained:.0f} entries/s)")
    print(f"one INSERT and commit per entry: {single} in {one_by_one:.3f}s ({single / one_by_one:.0f} entries/s)")
    print(f"stored: {stored} (expected {args.entries + single})")
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))


if __name__ == "__main__":
    main()
