"""Hostile spreadsheets on this machine: how long the import reader takes, and how much memory, per file.

    python bench/hostile_import_bench.py [--openpyxl]

For sparse sheets (one data row numbered 1 million to 100 million) it times reading every row with
the registry's reader, and with --openpyxl also openpyxl's read-only mode (which walks each empty
row: slow, so only up to 20 million). For files with millions of shared strings it times the upload
check (announced count) and the worker's full read (unannounced). Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import io
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import openpyxl  # noqa: E402

from registry.importing.limits import Limits, SpreadsheetError  # noqa: E402
from registry.importing.readers import Sheet, check_upload, check_whole_file  # noqa: E402
from tests.support.hostile_xlsx import many_shared_strings, sparse_sheet  # noqa: E402

ROW = ["3507255203900001", "Siti Aminah", "12/03/1990", "P", "35.07.25.2001", "fisik", "Ya"]


def timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def read_all(content: bytes) -> int:
    with Sheet(io.BytesIO(content), "bench.xlsx") as sheet:
        return sum(1 for _ in sheet)


def openpyxl_rows(content: bytes) -> int:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()
    return sum(1 for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--openpyxl", action="store_true", help="also time openpyxl (minutes for 20 million)")
    args = parser.parse_args()

    print(f"{'file':<42} {'bytes':>9} {'reader s':>9} {'openpyxl s':>11}  result")
    for number in (1_000_000, 20_000_000, 100_000_000):
        content = sparse_sheet(number, ROW)
        seconds, rows = timed(lambda content=content: read_all(content))
        theirs = "-"
        if args.openpyxl and number <= 20_000_000:
            theirs = f"{timed(lambda content=content: openpyxl_rows(content))[0]:.1f}"
        print(f"{f'one data row numbered {number:,}':<42} {len(content):>9} {seconds:>9.3f} {theirs:>11}  "
              f"{rows} row")

    for count in (3_000_000,):
        announced = many_shared_strings(count)
        seconds, problems = timed(lambda announced=announced: check_upload(announced, "bench.xlsx", Limits()))
        print(f"{f'{count:,} shared strings, announced':<42} {len(announced):>9} {seconds:>9.3f} {'-':>11}  "
              f"upload check: {problems[0] if problems else 'accepted'}")
        hidden = many_shared_strings(count, announce=False)

        def full_read(hidden=hidden):
            try:
                check_whole_file(io.BytesIO(hidden), "bench.xlsx", Limits())
            except SpreadsheetError as problem:
                return str(problem)
            return "accepted"

        seconds, outcome = timed(full_read)
        print(f"{f'{count:,} shared strings, not announced':<42} {len(hidden):>9} {seconds:>9.3f} {'-':>11}  "
              f"worker's first pass: {outcome}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
