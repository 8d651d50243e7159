"""Import figures on this machine: rows/s and peak memory of a spreadsheet import, for N and 4N rows.

    python bench/import_bench.py [--rows 20000] [--factor 4] [--no-tracemalloc]

For each size: writes a CSV of valid synthetic persons (NIKs that agree with birth date, sex and a
Malang Raya kecamatan; minors with a guardian), stores it as a job in a fresh SQLite database, and
runs the job in a child process, so the child's peak RSS is the import's alone. Memory that stays
about the same for 4N rows as for N is the point: rows are streamed and committed in batches.
tracemalloc slows Python code down; --no-tracemalloc gives the plain rate. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from inklusi_platform import tables
from inklusi_platform.engines import make_engine
from inklusi_platform.regions import regions
from inklusi_platform.unit_of_work import UnitOfWork
from registry import imports
from registry.importing import leases
from registry.models import Base
from registry.models.persons import Person

HEADERS = ["NIK", "Nama", "Tanggal Lahir", "Jenis Kelamin", "Desa/Kelurahan", "Ragam Disabilitas", "No HP",
           "Nama Wali", "Hubungan Wali", "HP Wali", "Persetujuan"]
FIRST = ["Siti", "Budi", "Agus", "Sri", "Dewi", "Eko", "Wahyu", "Nur", "Rina", "Joko", "Ayu", "Hadi", "Lestari",
         "Bambang", "Yuli", "Teguh", "Indah", "Slamet", "Fitri", "Rudi"]
LAST = ["Aminah", "Santoso", "Wahyuni", "Prasetyo", "Rahayu", "Hidayat", "Susanti", "Setiawan", "Kurniawan",
        "Handayani", "Saputra", "Lestari", "Purnomo", "Maulana", "Anggraini", "Firmansyah"]
CATEGORIES = ["fisik", "tuna netra", "tuli", "mental", "intelektual", "daksa, rungu", "autis"]


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    kecamatan = regions().malang_raya_kecamatan()
    desa = {k.code: [d.code for d in regions().children(k.code)] for k in kecamatan}
    today = date.today()
    used: set[str] = set()
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        for _ in range(rows):
            kec = rng.choice(kecamatan).code
            born = today - timedelta(days=rng.randint(8 * 365, 75 * 365))
            sex = rng.choice("LP")
            day = born.day + (40 if sex == "P" else 0)
            stem = f"{kec.replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}"
            serial = 1
            while f"{stem}{serial:04d}" in used:
                serial += 1
            nik = f"{stem}{serial:04d}"
            used.add(nik)
            minor = (today.year - born.year) < 19  # a margin so that nobody turns 18 mid-run
            writer.writerow([
                nik, f"{rng.choice(FIRST)} {rng.choice(LAST)}", born.strftime("%d/%m/%Y"), sex,
                rng.choice(desa[kec]), rng.choice(CATEGORIES), f"0812{rng.randint(10_000_000, 99_999_999)}",
                f"{rng.choice(FIRST)} {rng.choice(LAST)}" if minor else "", "ibu" if minor else "",
                f"0813{rng.randint(10_000_000, 99_999_999)}" if minor else "", "Ya",
            ])


def prepare(workdir: Path, rows: int) -> tuple[str, str, int]:
    """(database URL, job id, file bytes): a fresh database holding one queued job."""
    csv_path = workdir / f"persons_{rows}.csv"
    write_csv(csv_path, rows)
    url = f"sqlite:///{workdir / f'registry_{rows}.db'}"
    engine = make_engine(url)
    tables.metadata.create_all(engine)
    Base.metadata.create_all(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    uow = UnitOfWork(sessions(), "registry")
    job = imports.create_job(uow, csv_path.name, csv_path.read_bytes(), "valid_rows",
                             {"user_id": "bench", "org_id": None}, None)
    uow.commit()
    uow.close()
    engine.dispose()
    return url, job["id"], csv_path.stat().st_size


def run_child(url: str, job_id: str, trace: bool) -> dict:
    """In the child process: run the job, measure it."""
    engine = make_engine(url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    assert leases.claim_job(sessions, job_id, "bench", timedelta(hours=1))
    job = imports.run_job(sessions, job_id, "bench")
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    with sessions() as session:
        persons = session.scalar(sa.select(sa.func.count()).select_from(Person))
    return {
        "status": job["status"], "counts": job["counts"], "persons": persons, "seconds": seconds,
        "tracemalloc_peak": peak,
        "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,  # Linux reports KiB
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--factor", type=int, default=4)
    parser.add_argument("--no-tracemalloc", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("URL", "JOB_ID"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(*args.child, trace=not args.no_tracemalloc)))
        return

    mib = 1024 * 1024
    print(f"{'rows':>8} {'file MiB':>9} {'seconds':>8} {'rows/s':>8} {'tracemalloc peak MiB':>21} {'max RSS MiB':>12}"
          f"  result")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in (args.rows, args.rows * args.factor):
            url, job_id, size = prepare(Path(tmp), rows)
            command = [sys.executable, __file__, "--child", url, job_id]
            if args.no_tracemalloc:
                command.append("--no-tracemalloc")
            result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
            peak = f"{result['tracemalloc_peak'] / mib:.1f}" if result["tracemalloc_peak"] is not None else "-"
            counts = result["counts"]
            print(f"{rows:>8} {size / mib:>9.1f} {result['seconds']:>8.1f} {rows / result['seconds']:>8.0f} "
                  f"{peak:>21} {result['maxrss'] / mib:>12.1f}  {result['status']}: {counts['created']} created, "
                  f"{counts['errors']} errors, {result['persons']} persons in the database")


if __name__ == "__main__":
    main()
