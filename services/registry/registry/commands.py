"""Registry-only commands for `python -m registry`: the import worker, and importing a file from the command line.

    python -m registry import-worker [--once]
    python -m registry import FILE [--mode valid_rows|all_or_nothing] [--user-id ID] [--org-id ORG]
                                   [--area CODE ...] [--errors REPORT.csv]
                                   [--consent-form FORM --consent-date YYYY-MM-DD]

Both run the same job functions as the service, directly against the service's DATABASE_URL; the
events of the registered persons wait in the outbox for the running service's relay to publish.
"""
from __future__ import annotations

import signal
import sys
import threading
import time
from pathlib import Path

from sqlalchemy.orm import sessionmaker
from tqdm import tqdm

from inklusi_platform.contracts.registry import CONSENT_FORMS
from inklusi_platform.engines import make_engine
from inklusi_platform.errors import DomainError
from inklusi_platform.unit_of_work import UnitOfWork
from registry import imports
from registry.importing import leases, worker
from registry.importing.limits import Limits
from registry.importing.readers import Sheet, SpreadsheetError
from registry.models.imports import MODES


def add_commands(subparsers) -> None:
    runner = subparsers.add_parser("import-worker", help="jalankan pekerjaan impor yang antre (proses tersendiri)")
    runner.add_argument("--once", action="store_true", help="berhenti bila tidak ada lagi pekerjaan yang antre")
    runner.set_defaults(handler=run_worker)

    command = subparsers.add_parser("import", help="impor data orang dari berkas .csv atau .xlsx")
    command.add_argument("file", type=Path, help="berkas .csv atau .xlsx (baris pertama: judul kolom)")
    command.add_argument("--mode", choices=MODES, default="valid_rows",
                         help="valid_rows: simpan baris yang benar; all_or_nothing: simpan hanya bila semua benar")
    command.add_argument("--user-id", default="cli", help="dicatat sebagai pengimpor di riwayat setiap orang")
    command.add_argument("--org-id", default=None, help="organisasi pengimpor")
    command.add_argument("--area", action="append", default=None,
                         help="batasi ke wilayah ini (kode, boleh diulang); baris di luarnya ditolak")
    command.add_argument("--errors", type=Path, default=None,
                         help="laporan baris yang ditolak (CSV); bawaan: NAMA-ditolak.csv di samping berkas")
    command.add_argument("--consent-form", choices=CONSENT_FORMS, default=None,
                         help="nyatakan bahwa formulir persetujuan ada untuk baris tanpa isian Persetujuan")
    command.add_argument("--consent-date", default=None, help="tanggal formulir persetujuan itu (YYYY-MM-DD)")
    command.set_defaults(handler=import_file)


def run_worker(args, config) -> int:
    """Run import jobs until SIGTERM or Ctrl-C; a job in hand goes back to the queue after its current batch."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    engine = make_engine(config["DATABASE_URL"])
    # The heartbeat gets its own engine: SQLite's pool has one connection, which the job holds.
    heartbeat_engine = make_engine(config["DATABASE_URL"])
    try:
        worker.work(sessionmaker(engine, expire_on_commit=False), sessionmaker(heartbeat_engine),
                    worker.WorkerSettings.from_env(), stop, Limits.from_env(), once=args.once)
    finally:
        engine.dispose()
        heartbeat_engine.dispose()
    return 0


def import_file(args, config) -> int:
    """Exit 0 when the job finished (even with refused rows), 1 when it failed, 2 when the file was refused."""
    if not args.file.is_file():
        print(f"Berkas tidak ditemukan: {args.file}", file=sys.stderr)
        return 2
    engine = make_engine(config["DATABASE_URL"])
    sessions = sessionmaker(engine, expire_on_commit=False)
    actor = {"user_id": args.user_id, "org_id": args.org_id, "name": "command line"}
    declaration = ({"form": args.consent_form, "given_on": args.consent_date}
                   if args.consent_form or args.consent_date else None)
    try:
        uow = UnitOfWork(sessions(), "registry")
        try:
            # Handed over open, not read: it is stored a part at a time, whatever its size.
            with args.file.open("rb") as upload:
                job = imports.create_job(uow, args.file.name, upload, args.mode, actor, args.area, declaration)
            uow.commit()
        finally:
            uow.close()
    except DomainError as refused:
        print(refused.message, file=sys.stderr)
        for field, messages in (refused.details or {}).items():
            for message in messages:
                print(f"  {field}: {message}", file=sys.stderr)
        engine.dispose()
        return 2

    total = _count_rows(args.file)
    owner = worker.worker_id()
    settings = worker.WorkerSettings.from_env()
    # Claimed like any worker would, so a running import-worker leaves it alone.
    if not leases.claim_job(sessions, job["id"], owner, settings.lease):
        print("Pekerjaan impor ini sudah diambil oleh import-worker; pantau statusnya di sana.", file=sys.stderr)
        engine.dispose()
        return 0
    heartbeat_engine = make_engine(config["DATABASE_URL"])  # SQLite's pool has one connection
    with tqdm(total=total, unit="baris", desc=args.file.name, file=sys.stderr) as bar, \
            worker.Heartbeat(sessionmaker(heartbeat_engine), job["id"], owner, settings) as beat:
        def progress(counts: dict) -> None:
            beat.check()
            bar.set_postfix(baru=counts["created"], sudah_ada=counts["skipped_existing"], ditolak=counts["errors"],
                            refresh=False)
            bar.update(counts["rows"] - bar.n)
            time.sleep(0)  # under eventlet, a chance for the heartbeat to run

        job = imports.run_job(sessions, job["id"], owner, progress=progress)
    heartbeat_engine.dispose()

    counts = job["counts"]
    print(f"Impor {job['id']}: {job['status']}. {counts['rows']} baris; {counts['created']} baru, "
          f"{counts['skipped_existing']} sudah terdaftar, {counts['errors']} ditolak.")
    if job["mode"] == "all_or_nothing" and counts["errors"]:
        print("Mode all_or_nothing: karena ada baris yang ditolak, tidak ada yang disimpan.")
    if job["failure_reason"]:
        print(job["failure_reason"], file=sys.stderr)
    if counts["errors"]:
        # Written to a file next to the upload rather than the terminal: the messages quote NIKs
        # and phone numbers, and terminals end up in logs.
        target = args.errors or args.file.with_name(f"{args.file.stem}-ditolak.csv")
        uow = UnitOfWork(sessions(), "registry")
        try:
            report = imports.error_report_csv(uow, job["id"])
        finally:
            uow.close()
        target.write_text(report, encoding="utf-8-sig", newline="")  # with a BOM, Excel reads it as UTF-8
        print(f"Baris yang ditolak dan alasannya: {target}")
    engine.dispose()
    return 0 if job["status"] == "done" else 1


def _count_rows(path: Path) -> int | None:
    """Data rows in the file, for the progress bar's total (None if the count cannot be made)."""
    try:
        with Sheet(path, path.name) as sheet:
            return sum(1 for _ in sheet)
    except SpreadsheetError:
        return None
