"""Registry-only commands for `python -m registry`: importing a spreadsheet from the command line.

    python -m registry import FILE [--mode valid_rows|all_or_nothing] [--user-id ID] [--org-id ORG]
                                   [--area CODE ...] [--errors REPORT.csv]

Runs the same job functions as the service, directly against the service's DATABASE_URL; the
events of the registered persons wait in the outbox for the running service's relay to publish.
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

from sqlalchemy.orm import sessionmaker
from tqdm import tqdm

from inklusi_platform.engines import make_engine
from inklusi_platform.errors import DomainError
from inklusi_platform.unit_of_work import UnitOfWork
from registry import imports
from registry.importing.readers import Sheet, SpreadsheetError
from registry.models.imports import MODES


def add_commands(subparsers) -> None:
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
    command.set_defaults(handler=import_file)


def import_file(args, config) -> int:
    """Exit 0 when the job finished (even with refused rows), 1 when it failed, 2 when the file was refused."""
    if not args.file.is_file():
        print(f"Berkas tidak ditemukan: {args.file}", file=sys.stderr)
        return 2
    content = args.file.read_bytes()
    engine = make_engine(config["DATABASE_URL"])
    sessions = sessionmaker(engine, expire_on_commit=False)
    actor = {"user_id": args.user_id, "org_id": args.org_id, "name": "command line"}
    try:
        uow = UnitOfWork(sessions(), "registry")
        try:
            job = imports.create_job(uow, args.file.name, content, args.mode, actor, args.area)
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

    total = _count_rows(content, args.file.name)
    del content
    with tqdm(total=total, unit="baris", desc=args.file.name, file=sys.stderr) as bar:
        def progress(counts: dict) -> None:
            bar.set_postfix(baru=counts["created"], sudah_ada=counts["skipped_existing"], ditolak=counts["errors"],
                            refresh=False)
            bar.update(counts["rows"] - bar.n)

        job = imports.run_job(sessions, job["id"], progress=progress)

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


def _count_rows(content: bytes, filename: str) -> int | None:
    """Data rows in the file, for the progress bar's total (None if the count cannot be made)."""
    try:
        with Sheet(io.BytesIO(content), filename) as sheet:
            return sum(1 for _ in sheet)
    except SpreadsheetError:
        return None
