"""Import figures on this machine: rows/s and peak memory of a spreadsheet import, by database and size.

    python bench/import_bench.py [postgresql:20000 sqlite:20000 postgresql:300000] [--tracemalloc]
                                 [--profile PREFIX]

For each run: writes a CSV of valid synthetic persons (NIKs that agree with birth date, sex and a
Malang Raya kecamatan; minors with a guardian), stores it as a job in a fresh database (SQLite in a
temporary folder, or `<TEST_DB_PREFIX>_import_bench` on the server of TEST_POSTGRES_URL, dropped
afterwards), and runs the job in a child process, so the child's peak RSS is the import's alone.
Besides wall time and rows/s it prints the CPU seconds of the import process and of its
PostgreSQL backends (read from /proc when the server is local), and rows per CPU second of both:
the figure that holds on a machine busy with other work.
Memory that stays about the same for 300,000 rows as for 20,000 is the point: rows are streamed
from the stored upload and committed in batches. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import cProfile
import csv
import json
import os
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
from registry.importing.limits import Limits
from registry.models import Base
from registry.models.persons import Person

HEADERS = ["NIK", "Nama", "Tanggal Lahir", "Jenis Kelamin", "Desa/Kelurahan", "Ragam Disabilitas", "No HP",
           "Nama Wali", "Hubungan Wali", "HP Wali", "Persetujuan"]
FIRST = ["Siti", "Budi", "Agus", "Sri", "Dewi", "Eko", "Wahyu", "Nur", "Rina", "Joko", "Ayu", "Hadi", "Lestari",
         "Bambang", "Yuli", "Teguh", "Indah", "Slamet", "Fitri", "Rudi"]
LAST = ["Aminah", "Santoso", "Wahyuni", "Prasetyo", "Rahayu", "Hidayat", "Susanti", "Setiawan", "Kurniawan",
        "Handayani", "Saputra", "Lestari", "Purnomo", "Maulana", "Anggraini", "Firmansyah"]
# 300,000 rows are about 35 MB of CSV, past the upload limit of an ordinary import.
LIMITS = Limits(max_bytes=64 * 1024 * 1024)
DEFAULT_RUNS = [("postgresql", 20_000), ("sqlite", 20_000), ("postgresql", 300_000)]
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


def prepare(workdir: Path, kind: str, rows: int) -> tuple[str, str, int]:
    """(database URL, job id, file bytes): a fresh database holding one queued job of `rows` rows."""
    csv_path = workdir / f"persons_{rows}.csv"
    if not csv_path.exists():
        write_csv(csv_path, rows)
    url = fresh_database(workdir, kind, rows)
    engine = make_engine(url)
    tables.metadata.create_all(engine)
    Base.metadata.create_all(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    uow = UnitOfWork(sessions(), "registry")
    with csv_path.open("rb") as upload:
        job = imports.create_job(uow, csv_path.name, upload.read(), "valid_rows",
                                 {"user_id": "bench", "org_id": None}, None, limits=LIMITS)
    uow.commit()
    uow.close()
    engine.dispose()
    return url, job["id"], csv_path.stat().st_size


def fresh_database(workdir: Path, kind: str, rows: int) -> str:
    if kind == "sqlite":
        return f"sqlite:///{workdir / f'registry_{rows}.db'}"
    server = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
    name = f"{os.environ.get('TEST_DB_PREFIX', 'inklusi_bench')}_import_bench_{os.getpid()}"
    admin = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{server}/{name}"


def drop_database(url: str) -> None:
    if url.startswith("postgresql"):
        server, name = url.rsplit("/", 1)
        admin = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run_child(url: str, job_id: str, trace: bool, profile: str | None) -> dict:
    """In the child process: run the job, measure it."""
    engine = make_engine(url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    if trace:
        tracemalloc.start()
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    cpu_started = time.process_time()
    assert leases.claim_job(sessions, job_id, "bench", timedelta(hours=1))
    if profiler:
        profiler.enable()
    job = imports.run_job(sessions, job_id, "bench", limits=LIMITS)
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    with sessions() as session:
        persons = session.scalar(sa.select(sa.func.count()).select_from(Person))
        events = session.scalar(sa.select(sa.func.count()).select_from(tables.outbox))
        server_cpu = backends_cpu_seconds(session)
    engine.dispose()
    return {
        "status": job["status"], "counts": job["counts"], "persons": persons, "events": events,
        "seconds": seconds, "cpu_seconds": cpu, "server_cpu_seconds": server_cpu, "tracemalloc_peak": peak,
        "maxrss": peak_rss(),
    }


def peak_rss() -> int:
    """This process's peak resident memory, in bytes.

    VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over exec from the parent, so a child
    started by a parent that had just written a 300,000-row file would report the parent's size.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def backends_cpu_seconds(session) -> float | None:
    """CPU time of the PostgreSQL backends serving this database (all ours), when the server is local.

    On a machine shared with other work the wall time says little; the CPU the import took, in the
    client and in the server, says what the import costs.
    """
    if session.get_bind().dialect.name != "postgresql":
        return None
    pids = session.scalars(sa.text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")).all()
    ticks = 0
    try:
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    except OSError:
        return None
    return ticks / os.sysconf("SC_CLK_TCK")


def run(kind: str, rows: int, workdir: Path, trace: bool, profile: str | None) -> dict:
    url, job_id, size = prepare(workdir, kind, rows)
    try:
        command = [sys.executable, __file__, "--child", url, job_id]
        if trace:
            command.append("--tracemalloc")
        if profile:
            command += ["--profile", f"{profile}.{kind}.{rows}.prof"]
        result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    finally:
        drop_database(url)
    return {**result, "database": kind, "rows": rows, "file_bytes": size}


def parse_run(text: str) -> tuple[str, int]:
    kind, _, rows = text.partition(":")
    if kind not in ("postgresql", "sqlite") or not rows.isdigit():
        raise argparse.ArgumentTypeError("write DATABASE:ROWS, e.g. postgresql:20000")
    return kind, int(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("runs", nargs="*", type=parse_run, default=DEFAULT_RUNS,
                        help="DATABASE:ROWS, database postgresql or sqlite (default: %(default)s)")
    parser.add_argument("--tracemalloc", action="store_true", help="also Python's own peak (slows the run)")
    parser.add_argument("--profile", metavar="PREFIX", help="write a cProfile of each run to PREFIX.<db>.<rows>.prof")
    parser.add_argument("--child", nargs=2, metavar=("URL", "JOB_ID"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(*args.child, trace=args.tracemalloc, profile=args.profile)))
        return

    mib = 1024 * 1024
    print(f"{'database':>10} {'rows':>8} {'file MiB':>9} {'seconds':>8} {'rows/s':>8} {'CPU s':>6} {'DB CPU s':>8} "
          f"{'rows/CPU s':>10} {'max RSS MiB':>12} {'tracemalloc MiB':>16}  result")
    with tempfile.TemporaryDirectory() as tmp:
        for kind, rows in args.runs:
            result = run(kind, rows, Path(tmp), args.tracemalloc, args.profile)
            peak = f"{result['tracemalloc_peak'] / mib:.1f}" if result["tracemalloc_peak"] is not None else "-"
            counts = result["counts"]
            server = result["server_cpu_seconds"]
            cpu = result["cpu_seconds"] + (server or 0)
            print(f"{kind:>10} {rows:>8} {result['file_bytes'] / mib:>9.1f} {result['seconds']:>8.1f} "
                  f"{rows / result['seconds']:>8.0f} {result['cpu_seconds']:>6.1f} "
                  f"{f'{server:.1f}' if server is not None else '-':>8} {rows / cpu:>10.0f} "
                  f"{result['maxrss'] / mib:>12.1f} {peak:>16}  {result['status']}: {counts['created']} created, "
                  f"{counts['errors']} errors, {result['persons']} persons, {result['events']} events", flush=True)


if __name__ == "__main__":
    main()
