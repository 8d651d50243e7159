"""Rows out of an uploaded CSV or XLSX file, one at a time, so memory stays flat for any size."""
from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import IO

import openpyxl
from openpyxl.utils import get_column_letter

Row = dict[str, object]
DELIMITERS = (",", ";", "\t")
_SAMPLE_BYTES = 64 * 1024


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read; the message is for the person who uploaded it."""


class Sheet:
    """An open spreadsheet: `headers` from row 1, then iterate for (row_number, {header: value})."""

    def __init__(self, source: str | os.PathLike | IO, filename: str | None = None):
        self._closers: list = []
        name = filename or (os.fspath(source) if isinstance(source, (str, os.PathLike)) else "")
        kind = os.path.splitext(str(name))[1].lower()
        try:
            if kind in (".csv", ".txt"):
                self._rows = self._open_csv(source)
            elif kind in (".xlsx", ".xlsm"):
                self._rows = self._open_xlsx(source)
            elif kind == ".xls":
                raise SpreadsheetError(
                    "Format .xls (Excel 97-2003) tidak didukung; simpan ulang sebagai .xlsx atau .csv."
                )
            else:
                raise SpreadsheetError(f"Berkas '{name}' bukan .csv atau .xlsx.")
            header_cells = next(self._rows, None)
        except BaseException:
            self.close()
            raise
        self.headers = _header_names(header_cells or ())
        if not self.headers:
            self.close()
            raise SpreadsheetError("Berkas kosong: baris pertama harus berisi judul kolom.")

    def __iter__(self) -> Iterator[tuple[int, Row]]:
        width = len(self.headers)
        for row_number, cells in enumerate(self._rows, start=2):
            cells = list(cells[:width]) + [None] * (width - len(cells))
            if all(_blank(v) for v in cells):
                continue
            yield row_number, dict(zip(self.headers, cells, strict=True))

    def close(self) -> None:
        while self._closers:
            self._closers.pop()()

    def __enter__(self) -> Sheet:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _open_csv(self, source) -> Iterator[list]:
        if isinstance(source, (str, os.PathLike)):
            source = open(source, "rb")
            self._closers.append(source.close)
        return _csv_records(_as_text(source))

    def _open_xlsx(self, source) -> Iterator[tuple]:
        if not isinstance(source, (str, os.PathLike)) and not _seekable(source):
            # A zip archive needs random access; spool it (to disk past a few MB).
            spooled = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
            shutil.copyfileobj(source, spooled)
            spooled.seek(0)
            self._closers.append(spooled.close)
            source = spooled
        try:
            workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
        except Exception as exc:
            raise SpreadsheetError("Berkas .xlsx tidak bisa dibuka; pastikan berkasnya tidak rusak.") from exc
        self._closers.append(workbook.close)
        # The first sheet rather than the active one: which tab was last looked at should not
        # change what gets imported.
        sheet = workbook.worksheets[0]
        # Some generators write a wrong <dimension>; without a reset read-only mode trusts it.
        sheet.reset_dimensions()
        return sheet.iter_rows(values_only=True)


def iter_rows(source: str | os.PathLike | IO, filename: str | None = None) -> Iterator[tuple[int, Row]]:
    """(row_number, {header: value}) for each non-blank data row; the header is row 1."""
    with Sheet(source, filename) as sheet:
        yield from sheet


def _header_names(cells) -> list[str]:
    """Header texts, made unique so no column's values overwrite another's.

    Blank headers inside the table are named after their column letter; blank ones at the
    end are formatting left-overs and dropped.
    """
    cells = list(cells)
    while cells and _blank(cells[-1]):
        cells.pop()
    names: list[str] = []
    for index, cell in enumerate(cells, start=1):
        letter = get_column_letter(index)
        name = str(cell).strip() if not _blank(cell) else f"Kolom {letter}"
        if name in names:
            name = f"{name} (kolom {letter})"
        names.append(name)
    return names


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _seekable(fileobj) -> bool:
    try:
        return bool(fileobj.seekable())
    except AttributeError:
        return False


def _as_text(fileobj) -> IO[str]:
    """A text stream over an uploaded file: UTF-8 (BOM or not), else Windows-1252 from Excel."""
    if isinstance(fileobj.read(0), str):
        return fileobj  # already decoded by whoever opened it
    head = fileobj.read(_SAMPLE_BYTES)
    encoding = "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        encoding = "cp1252"
    return io.TextIOWrapper(io.BufferedReader(_Prepended(head, fileobj)), encoding=encoding, newline="")


class _Prepended(io.RawIOBase):
    """The bytes already read for sniffing, then the rest of the file: works unseekable too."""

    def __init__(self, head: bytes, rest: IO[bytes]):
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header row into the most columns (comma on a tie)."""
    def width(delimiter: str) -> int:
        return len(next(csv.reader([header_line], delimiter=delimiter), []))
    return max(DELIMITERS, key=width)


def _csv_records(text: IO[str]) -> Iterator[list]:
    """CSV records, delimiter taken from the header line; unreadable input as SpreadsheetError."""
    try:
        first = text.readline()
        lines = itertools.chain([first], text)
        yield from csv.reader(lines, delimiter=_sniff_delimiter(first))
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            "Berkas CSV memuat karakter yang tidak bisa dibaca; simpan ulang sebagai CSV UTF-8."
        ) from exc
    except csv.Error as exc:
        raise SpreadsheetError(f"Berkas CSV tidak bisa dibaca: {exc}.") from exc
