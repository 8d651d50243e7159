"""Cost of sealed personal data and of the statistics on this machine.

    python bench/sealing_stats_bench.py [--persons 20000] [--server postgresql://postgres@127.0.0.1:5432]

Prints: seal/open/blind-index operations per second; reading a page of 200 persons (six sealed
fields each) with and without opening them; an exact NIK lookup; registry_stats over N persons, in
full and with small-cell suppression. Uses a throwaway PostgreSQL database. Asserts nothing.
"""
import argparse
import os
import random
import time
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

os.environ.setdefault("FIELD_KEYS", "bench1:" + "YmVuY2gtZmllbGQta2V5LTMyLWJ5dGVzLWxvbmchISE")
os.environ.setdefault("BLIND_INDEX_KEY", "YmVuY2gtYmxpbmQtaW5kZXgta2V5LTMyLWJ5dGVzLWxvbmc")

from inklusi_platform import tables  # noqa: E402
from inklusi_platform.engines import make_engine  # noqa: E402
from inklusi_platform.regions import DESA_KELURAHAN, regions  # noqa: E402
from inklusi_platform.sealing import keyring  # noqa: E402
from inklusi_platform.unit_of_work import UnitOfWork  # noqa: E402
from registry import persons, stats  # noqa: E402
from registry.models import Base  # noqa: E402
from registry.models.persons import Person, new_id  # noqa: E402

DATABASE = "inklusi_bench_registry_ux"


def timed(label: str, repeat: int, action) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        action()
    each = (time.perf_counter() - started) / repeat
    print(f"{label:58s} {each * 1000:9.2f} ms")
    return each


def rate(label: str, count: int, action) -> None:
    started = time.perf_counter()
    for i in range(count):
        action(i)
    print(f"{label:58s} {count / (time.perf_counter() - started):9.0f} /s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=20000)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    ring = keyring()

    sealed = ring.seal("3507255203900001", "persons.nik")
    rate("seal (AES-GCM, 16 digits)", 20000, lambda i: ring.seal("3507255203900001", "persons.nik"))
    rate("open", 20000, lambda i: ring.open(sealed, "persons.nik"))
    rate("blind index (HMAC-SHA256)", 20000, lambda i: ring.blind_index(f"{i:016d}", "persons.nik"))

    admin = sa.create_engine(f"{args.server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        connection.execute(sa.text(f"CREATE DATABASE {DATABASE}"))
    engine = make_engine(f"{args.server}/{DATABASE}")
    tables.metadata.create_all(engine)
    Base.metadata.create_all(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)

    desas = [desa.code for kabupaten in ("35.07", "35.73", "35.79") for kecamatan in regions().children(kabupaten)
             for desa in regions().children(kecamatan.code) if desa.level == DESA_KELURAHAN]
    random.seed(7)
    at = datetime(2026, 1, 1, tzinfo=UTC)
    started = time.perf_counter()
    with sessions() as session, session.begin():
        for serial in range(args.persons):
            desa = random.choice(desas)
            categories = random.sample(["fisik", "intelektual", "mental", "sensorik"], random.choice((1, 1, 1, 2)))
            session.add(Person(
                id=new_id(), nik=f"35072501{serial:08d}", kk=f"35072501{serial:08d}", name=f"Orang {serial}",
                birth_date=date(1950, 1, 1) + timedelta(days=random.randrange(25000)), sex=random.choice("LP"),
                desa_code=desa, kecamatan_code=desa[:8], nik_region_code="35.07.25", phone="+6281234567890",
                email=None, diagnosis="pascapolio", guardian_phone=None,
                categories=categories + (["ganda"] if len(categories) > 1 else []), functional_limitations=[],
                assistive_devices=[], channels=["sms"], status="active", created_at=at, updated_at=at,
                created_by="bench"))
    print(f"{'insert ' + str(args.persons) + ' persons (sealing included)':58s} "
          f"{args.persons / (time.perf_counter() - started):9.0f} /s")

    uow = UnitOfWork(sessions(), "registry")
    timed("list_persons, page of 200 (ORM, 6 sealed fields opened each)", 5,
          lambda: persons.list_persons(uow, None, {}, 200, None))
    plain = sa.select(Person.id, Person.name, Person.birth_date, Person.desa_code).order_by(Person.name,
                                                                                          Person.id).limit(200)
    timed("same 200 rows, 4 clear columns, no ORM objects (baseline)", 5,
          lambda: uow.session.execute(plain).all())
    timed("exact NIK lookup through the blind index", 20,
          lambda: persons.list_persons(uow, None, {"nik": "3507250100000777"}, 20, None))
    timed(f"registry_stats over {args.persons} persons, full", 3, lambda: stats.registry_stats(uow, None))
    timed(f"registry_stats over {args.persons} persons, suppressed (5)", 3,
          lambda: stats.registry_stats(uow, None, 5))
    uow.close()
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
    admin.dispose()


if __name__ == "__main__":
    main()
