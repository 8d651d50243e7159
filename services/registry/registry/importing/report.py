"""The import's problems (refused rows, and warnings on kept ones) as a CSV people open next to their sheet."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import IO

from inklusi_platform.spreadsheets import neutralise

COLUMNS = ("Baris", "Kolom", "Tingkat", "Pesan")
# The level as the report says it: an error refuses the row, a warning keeps it.
LEVEL_WORDS = {"error": "galat", "warning": "peringatan"}


def write_error_report_csv(errors: Iterable[tuple], fileobj: IO, delimiter: str = ",") -> int:
    """Write (row, column, message[, level]) problems under a Baris,Kolom,Tingkat,Pesan header; returns the count.

    Headers and messages quote the upload's cells, so every text is neutralised against formulas.
    A binary fileobj gets UTF-8 with a BOM so Excel shows Indonesian text correctly.
    """
    binary = not isinstance(fileobj, io.TextIOBase) and _is_binary(fileobj)
    text = io.TextIOWrapper(fileobj, encoding="utf-8-sig", newline="") if binary else fileobj
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    count = 0
    for row, column, message, *level in errors:
        level = level[0] if level else "error"
        writer.writerow(["" if row is None else row, _safe(column), LEVEL_WORDS.get(level, level), _safe(message)])
        count += 1
    if binary:
        text.flush()
        text.detach()  # leave the caller's file open
    return count


def _safe(value: object) -> str:
    return neutralise("" if value is None else str(value))


def _is_binary(fileobj: IO) -> bool:
    try:
        fileobj.write(b"")
    except TypeError:
        return False
    return True
