"""Cost of the needs inventory's reads and reports on this machine.

    python bench/problems_bench.py [--problems 2000] [--server postgresql://postgres@127.0.0.1:5432]

Prints: raising a problem; a page of 200 problems with raisers, priority and links; the forum's
report (open by field, area and age; days to programme) and the spreadsheet rows over N problems.
Uses a throwaway PostgreSQL database. Asserts nothing.
"""
import argparse
import random
import time
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from inklusi_platform import tables
from inklusi_platform.engines import make_engine
from inklusi_platform.unit_of_work import UnitOfWork
from training import catalogue
from training.models import Base
from training.needs import problems, reports

DATABASE = "inklusi_bench_problems"
ACTOR = {"user_id": "bench", "org_id": "fomi"}
AREAS = ["35.07.25", "35.73.03", "35.79.01", None]


def timed(label: str, repeat: int, action) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        action()
    each = (time.perf_counter() - started) / repeat
    print(f"{label:58s} {each * 1000:9.2f} ms")
    return each


def problem(i: int) -> dict:
    return {"title": f"Masalah {i}", "description": "Uraian singkat.", "field": random.choice(
        ["pemberdayaan", "advokasi", "pendidikan", "penyadaran", "layanan"]), "area_code": random.choice(AREAS),
        "people_affected": random.randint(0, 300), "severity": random.choice(["ringan", "sedang", "berat"]),
        "raised_on": (problems.today() - timedelta(days=random.randint(0, 400))).isoformat(),
        "raisers": [{"kind": "organisasi", "organisation": f"Organisasi {j}"} for j in range(random.randint(1, 3))]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--problems", type=int, default=2000)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    random.seed(15)
    admin = sa.create_engine(f"{args.server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        connection.execute(sa.text(f"CREATE DATABASE {DATABASE}"))
    engine = make_engine(f"{args.server}/{DATABASE}")
    tables.metadata.create_all(engine)
    Base.metadata.create_all(engine)
    make = sessionmaker(engine, expire_on_commit=False)

    def unit() -> UnitOfWork:
        return UnitOfWork(make(), "training", "bench")

    uow = unit()
    programme = catalogue.create_programme(uow, {"title": "Program", "topic": "lainnya", "organiser_org": "FOMI",
                                                 "audience": "paguyuban"}, ACTOR)
    started = time.perf_counter()
    for i in range(args.problems):
        made = problems.raise_problem(uow, problem(i), ACTOR, {})
        if i % 3 == 0:
            problems.add_link(uow, made["id"], {"kind": "programme", "target_id": programme["id"]}, ACTOR)
        if i % 200 == 199:
            uow.commit()
    uow.commit()
    each = (time.perf_counter() - started) / args.problems
    print(f"{'raise a problem (a third also linked)':58s} {each * 1000:9.2f} ms")
    uow.close()

    for label, action in [
        ("list 200 problems with raisers, priority, links", lambda u: problems.list_problems(u, None, limit=200)),
        ("list 200 problems of one kecamatan", lambda u: problems.list_problems(u, ["35.73.03"], limit=200)),
        (f"report over {args.problems} problems", lambda u: reports.stats(u, None)),
        (f"spreadsheet rows of {args.problems} problems", lambda u: reports.export_rows(u, None)),
    ]:
        reader = unit()
        timed(label, 5, lambda reader=reader, action=action: action(reader))
        reader.close()
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
    admin.dispose()


if __name__ == "__main__":
    main()
