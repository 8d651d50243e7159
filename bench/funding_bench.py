"""Funding figures on this machine: opening cases, explaining eligibility, and the statistics query.

    python bench/funding_bench.py [--cases 2000] [--members 10] [--database sqlite:////tmp/funding_bench.db]

Runs the domain modules on one database (no broker; registry facts are made up in memory). A
PostgreSQL database given with --database must exist; its tables are dropped and made again.
Prints figures; asserts nothing. On this (loaded, two-core) machine, 1000 cases on PostgreSQL:
open a case 18 ms median, explain eligibility 35 ms, statistics 56 ms, a page of 50 cases 29 ms.
"""
import argparse
import os
import statistics
import tempfile
import time
from contextlib import closing

from sqlalchemy.orm import sessionmaker

from funding import cases, eligibility, programmes, reporting
from funding.models import Base
from inklusi_platform import tables
from inklusi_platform.engines import make_engine
from inklusi_platform.unit_of_work import UnitOfWork

ACTOR = {"user_id": "bench", "org_id": "bench", "permissions": ["funding:propose", "funding:programmes"]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--database", default=f"sqlite:///{os.path.join(tempfile.mkdtemp(), 'funding.db')}")
    args = parser.parse_args()

    engine = make_engine(args.database)
    tables.metadata.drop_all(engine)
    Base.metadata.drop_all(engine)
    tables.metadata.create_all(engine)
    Base.metadata.create_all(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)

    def unit():
        return UnitOfWork(sessions(), "funding", "bench")

    with closing(unit()) as uow:
        programme = programmes.create_programme(uow, {"programme": "KUBE", "year": 2026, "budget": 10**9,
                                                      "kube_max_per_group": 15_000_000,
                                                      "max_members": max(args.members, 20)}, ACTOR)
        uow.commit()

    roles = ["ketua", "sekretaris", "bendahara"] + ["anggota"] * (args.members - 3)
    plan = {"sector": "kuliner", "description": "Usaha bersama", "requested_amount": 6_000_000,
            "budget_lines": [{"item": "Peralatan", "amount": 6_000_000}]}
    opened, ids = [], []
    for n in range(args.cases):
        members = [{"person_id": f"p{n}-{i}", "role": role} for i, role in enumerate(roles)]
        persons = {m["person_id"]: {"person_id": m["person_id"], "age": 30, "kecamatan_code": "35.07.25",
                                    "desa_code": "35.07.25.2001", "status": "active",
                                    "consent_active": ["pendataan"]} for m in members}
        started = time.perf_counter()
        with closing(unit()) as uow:
            case = cases.create_case(uow, {"case_type": "KUBE", "programme_id": programme["id"],
                                           "group_name": f"KUBE {n}", "members": members,
                                           "bank_account": {"bank": "BRI", "account_number": "12345678",
                                                            "holder": f"KUBE {n}"},
                                           "business_plan": plan}, ACTOR, persons)
            uow.commit()
        opened.append(time.perf_counter() - started)
        ids.append((case["id"], persons))

    explain = []
    for case_id, persons in ids[:200]:
        started = time.perf_counter()
        with closing(unit()) as uow:
            eligibility.evaluate(cases.eligibility_inputs(uow, case_id), persons, [])
        explain.append(time.perf_counter() - started)

    with closing(unit()) as uow:
        started = time.perf_counter()
        stats = reporting.funding_stats(uow, None)
        stats_seconds = time.perf_counter() - started
        started = time.perf_counter()
        cases.list_cases(uow, ["35.07"], limit=50)
        list_seconds = time.perf_counter() - started

    def ms(values):
        p95 = sorted(values)[int(len(values) * 0.95)]
        return f"median {statistics.median(values) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"

    print(f"database: {engine.dialect.name}; {args.cases} KUBE cases of {args.members} members")
    print(f"open a case (write, {args.members} members, history line): {ms(opened)}")
    print(f"explain eligibility (own tables; registry facts in memory): {ms(explain)}")
    print(f"statistics over {stats['total']} cases: {stats_seconds * 1000:.0f} ms")
    print(f"first page of 50 cases in Kabupaten Malang: {list_seconds * 1000:.1f} ms")
    engine.dispose()


if __name__ == "__main__":
    main()
