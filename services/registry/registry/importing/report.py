"""The import's rejected rows as a CSV people can open next to their spreadsheet and fix."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import IO

COLUMNS = ("Baris", "Kolom", "Pesan")
# Cells starting with these run as formulas in Excel; headers and values come from uploads.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def write_error_report_csv(errors: Iterable[tuple], fileobj: IO, delimiter: str = ",") -> int:
    """Write (row, column, message) errors with a Baris,Kolom,Pesan header; returns rows written.

    A binary fileobj gets UTF-8 with a BOM so Excel shows Indonesian text correctly.
    """
    binary = not isinstance(fileobj, io.TextIOBase) and _is_binary(fileobj)
    text = io.TextIOWrapper(fileobj, encoding="utf-8-sig", newline="") if binary else fileobj
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    count = 0
    for row, column, message in errors:
        writer.writerow(["" if row is None else row, _safe(column), _safe(message)])
        count += 1
    if binary:
        text.flush()
        text.detach()  # leave the caller's file open
    return count


def _safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _is_binary(fileobj: IO) -> bool:
    try:
        fileobj.write(b"")
    except TypeError:
        return False
    return True
