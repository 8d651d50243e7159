"""The registry's hot paths called directly (no broker, no gateway) against a PostgreSQL database of many persons.

    python bench/registry_paths_bench.py [--persons 100000] [--server postgresql://postgres@127.0.0.1:5432]
                                         [--database perfreg_bench_registry] [--reuse] [--calls 300]
                                         [--concurrency 8]

Makes its own database (migrated to head, so it has the migrations' indexes), loads generated
persons with bulk inserts (sealed fields, consents, a few deceased and moved away), then times each
path, each call in its own unit of work committed like a worker's: read by id, a list page of 50
in one kecamatan (first and next page), a registration (one at a time, and --concurrency at once as
green threads in one process, as a service runs them), and the statistics (whole register, with
small-cell suppression, one kecamatan, one desa). Prints p50 and p99 in ms, and calls per second.
Asserts nothing. `--reuse` keeps the database of an earlier run with as many persons (migrated to head, recounted).
"""
# isort: off
import inklusi_platform.green  # noqa: F401  (first, as in the services: eventlet's monkey patch)
# isort: on
import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta

import eventlet
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

os.environ.setdefault("FIELD_KEYS", "bench1:" + "YmVuY2gtZmllbGQta2V5LTMyLWJ5dGVzLWxvbmchISE")
os.environ.setdefault("BLIND_INDEX_KEY", "YmVuY2gtYmxpbmQtaW5kZXgta2V5LTMyLWJ5dGVzLWxvbmc")
os.environ.setdefault("DB_POOL_SIZE", "8")  # as many as --concurrency: nobody waits for the pool
os.environ.setdefault("DB_MAX_OVERFLOW", "0")

from inklusi_platform import migrations  # noqa: E402
from inklusi_platform.engines import make_engine  # noqa: E402
from inklusi_platform.regions import DESA_KELURAHAN, regions  # noqa: E402
from inklusi_platform.unit_of_work import UnitOfWork  # noqa: E402
from registry import persons, stats  # noqa: E402
from registry.models.persons import Consent, Person, new_id, nik_index  # noqa: E402

try:  # absent before counts were kept: the same script measures the code before and after
    from registry import counts
except ImportError:
    counts = None

ACTOR = {"user_id": "bench", "org_id": "bench", "name": "bench"}
CATEGORIES = ("fisik", "intelektual", "mental", "sensorik")
BATCH = 5000


def desas() -> list[str]:
    return [desa.code for kabupaten in ("35.07", "35.73", "35.79") for kecamatan in regions().children(kabupaten)
            for desa in regions().children(kecamatan.code) if desa.level == DESA_KELURAHAN]


def categories_of(rng: random.Random) -> list[str]:
    chosen = sorted(rng.sample(CATEGORIES, rng.choice((1, 1, 1, 1, 2, 3))))
    return chosen + (["ganda"] if len(chosen) > 1 else [])


def load(engine, count: int) -> None:
    """Generated persons in bulk: one multi-row INSERT per few thousand, sealed by the column types."""
    rng = random.Random(7)
    places = desas()
    at = datetime(2026, 1, 1, tzinfo=UTC)
    started = time.perf_counter()
    table, consents = Person.__table__, Consent.__table__
    for first in range(0, count, BATCH):
        rows, given = [], []
        for serial in range(first, min(count, first + BATCH)):
            desa = rng.choice(places)
            nik = f"9{serial:015d}"  # not a real NIK: unique, and never one a registration below uses
            person_id = new_id()
            rows.append({
                "id": person_id, "version": 1, "nik": nik, "nik_index": nik_index(nik), "kk": f"8{serial:015d}",
                "name": f"{rng.choice(('Siti', 'Budi', 'Agus', 'Dewi', 'Eko', 'Sri'))} {serial:06d}",
                "birth_date": date(1935, 1, 1) + timedelta(days=rng.randrange(33000)), "sex": rng.choice("LP"),
                "desa_code": desa, "kecamatan_code": desa[:8], "nik_region_code": desa[:8],
                "phone": f"+62812{serial:08d}", "email": None, "categories": categories_of(rng),
                "functional_limitations": [], "assistive_devices": [], "diagnosis": None,
                "guardian_name": None, "guardian_relation": None, "guardian_phone": None,
                "channels": ["whatsapp"], "language": "id", "format": "plain_text", "copy_guardian": False,
                "status": rng.choices(("active", "deceased", "moved_away"), (96, 3, 1))[0],
                "created_at": at, "updated_at": at, "created_by": "seed",
            })
            given.append({"id": new_id(), "person_id": person_id, "purpose": "pendataan", "given_by": "self",
                          "form": "written", "given_on": date(2025, 1, 1), "recorded_at": at, "recorded_by": "bench",
                          "source": "recorded"})
        with engine.begin() as connection:
            connection.execute(table.insert(), rows)
            connection.execute(consents.insert(), given)
        print(f"\r  {min(count, first + BATCH)} persons loaded", end="", file=sys.stderr)
    with engine.begin() as connection:
        if counts is not None:
            counts.rebuild(connection)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE"))
    print(f"\r  {count} persons loaded in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def timed(sessions, label: str, calls: int, action, concurrency: int = 1) -> None:
    """Each call in its own unit of work, committed, as a worker does; `concurrency` green workers at once."""
    spent = []

    def call(i: int) -> None:
        uow = UnitOfWork(sessions(), "registry", "bench")
        started = time.perf_counter()
        try:
            action(uow, i)
            uow.commit()
        finally:
            uow.close()
        spent.append((time.perf_counter() - started) * 1000)

    began = time.perf_counter()
    workers = eventlet.GreenPool(concurrency)
    for thread in [workers.spawn(call, i) for i in range(calls)]:
        thread.wait()  # a call that failed fails the run
    rate = calls / (time.perf_counter() - began)
    spent.sort()
    p99 = spent[min(len(spent) - 1, int(len(spent) * 0.99))]
    print(f"{label:52s} {calls:6d} {statistics.median(spent):9.2f} {p99:9.2f} {rate:8.0f}")


def registration(j: int, rng: random.Random, places: list[str]) -> dict:
    desa = rng.choice(places)
    born = date(1960, 1, 1) + timedelta(days=j)  # a distinct birth date per call keeps the NIKs apart
    sex = rng.choice("LP")
    day = born.day + (40 if sex == "P" else 0)
    nik = f"{desa[:8].replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}0001"
    return {
        "nik": nik, "name": f"Orang Baru {j}", "birth_date": born.isoformat(), "sex": sex, "desa_code": desa,
        "phone": "0812-3456-7890", "disability": {"categories": [rng.choice(CATEGORIES)]},
        "consent": {"purpose": "pendataan", "given_by": "self", "form": "written", "given_on": "2025-05-01"},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--server", default=os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432"))
    parser.add_argument("--database", default="perfreg_bench_registry")
    parser.add_argument("--reuse", action="store_true", help="keep the database of an earlier run")
    parser.add_argument("--calls", type=int, default=300, help="calls per read or write path")
    parser.add_argument("--concurrency", type=int, default=8, help="registrations at once in the concurrent run")
    args = parser.parse_args(argv)

    url = f"{args.server}/{args.database}"
    engine = make_engine(url)
    loaded = 0
    if args.reuse:
        try:
            with engine.connect() as connection:
                loaded = connection.scalar(sa.text("SELECT count(*) FROM persons"))
        except sa.exc.DBAPIError:
            loaded = 0
    if loaded < args.persons:
        engine.dispose()
        admin = sa.create_engine(f"{args.server}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{args.database}"'))
        admin.dispose()
        migrations.upgrade("registry", url)
        engine = make_engine(url)
        load(engine, args.persons)
    elif counts is not None:
        migrations.upgrade("registry", url)  # an earlier run of the code before may have left it behind
        with engine.begin() as connection:  # persons an earlier run registered without counting them
            counts.rebuild(connection)
    sessions = sessionmaker(engine, expire_on_commit=False)

    with engine.connect() as connection:
        ids = list(connection.scalars(sa.text("SELECT id FROM persons TABLESAMPLE SYSTEM (5) LIMIT 5000")))
        if len(ids) < 100:  # a small register: a sample of a few pages may be empty
            ids = list(connection.scalars(sa.text("SELECT id FROM persons LIMIT 5000")))
        active = connection.scalar(sa.text("SELECT count(*) FROM persons WHERE status = 'active'"))
        # Registrations of earlier runs on this database took the birth dates (and so NIKs) before this.
        offset = connection.scalar(sa.text("SELECT count(*) FROM persons WHERE created_by = :bench"),
                                   {"bench": ACTOR["user_id"]})
    kecamatan = sorted({desa[:8] for desa in desas()})
    rng = random.Random(11)
    places = desas()
    print(f"registry paths, {active} active persons; counts kept: {counts is not None}")
    print(f"{'path':52s} {'calls':>6s} {'p50 ms':>9s} {'p99 ms':>9s} {'calls/s':>8s}")

    timed(sessions, "get_person (read by id)", args.calls,
          lambda uow, i: persons.get_person(uow, rng.choice(ids)))
    timed(sessions, "list_persons kecamatan_code=…, limit 50 (page 1)", args.calls,
          lambda uow, i: persons.list_persons(uow, None, {"kecamatan_code": rng.choice(kecamatan)}, 50, None))
    second_pages = []
    for k in kecamatan:
        uow = UnitOfWork(sessions(), "registry")
        second_pages.append((k, persons.list_persons(uow, None, {"kecamatan_code": k}, 50, None)["next_cursor"]))
        uow.close()
    second_pages = [(k, cursor) for k, cursor in second_pages if cursor]
    if second_pages:  # none in a register too small for a second page anywhere
        timed(sessions, "list_persons kecamatan_code=…, limit 50 (page 2)", args.calls,
              lambda uow, i: persons.list_persons(uow, None, {"kecamatan_code": second_pages[i % len(second_pages)][0]},
                                                  50, second_pages[i % len(second_pages)][1]))
    timed(sessions, "list_persons areas=[kabupaten], limit 50", args.calls,
          lambda uow, i: persons.list_persons(uow, [rng.choice(kecamatan)[:5]], {}, 50, None))
    timed(sessions, "register_person (one at a time)", args.calls,
          lambda uow, i: persons.register_person(uow, registration(offset + i, rng, places), ACTOR))
    timed(sessions, f"register_person ({args.concurrency} at once)", args.calls,
          lambda uow, i: persons.register_person(uow, registration(offset + args.calls + i, rng, places), ACTOR),
          concurrency=args.concurrency)
    stats_calls = max(20, args.calls // 6)
    timed(sessions, "registry_stats (whole register)", stats_calls,
          lambda uow, i: stats.registry_stats(uow, None))
    timed(sessions, "registry_stats min_cell=5", stats_calls,
          lambda uow, i: stats.registry_stats(uow, None, min_cell=5))
    timed(sessions, "registry_stats one kecamatan", stats_calls,
          lambda uow, i: stats.registry_stats(uow, [rng.choice(kecamatan)]))
    timed(sessions, "registry_stats one desa", stats_calls,
          lambda uow, i: stats.registry_stats(uow, [rng.choice(places)]))
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
