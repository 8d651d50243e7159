"""Rows out of an uploaded CSV or XLSX file, one at a time, so memory stays flat for any size.

Every limit (bytes, rows, columns, and for XLSX what the zip unpacks to and its shared strings) is
checked as the file is read; `check_upload` does the cheap checks and reads only the header.
"""
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

from openpyxl.utils import get_column_letter

from registry.importing.headers import map_headers
from registry.importing.limits import Limits, SpreadsheetError
from registry.importing.xlsx import HEADER_STRINGS, PackedStrings, RawCell, Workbook

__all__ = ["Sheet", "SpreadsheetError", "check_upload", "iter_rows"]

Row = dict[str, object]
DELIMITERS = (",", ";", "\t")
_SAMPLE_BYTES = 64 * 1024


class Sheet:
    """An open spreadsheet: `headers` from row 1, then iterate for (row_number, {header: value}).

    Opening reads the header row only; the rest is read as it is iterated.
    """

    def __init__(self, source: str | os.PathLike | IO, filename: str | None = None, limits: Limits | None = None):
        self._closers: list = []
        self.limits = limits or Limits()
        name = filename or (os.fspath(source) if isinstance(source, (str, os.PathLike)) else "")
        kind = os.path.splitext(str(name))[1].lower()
        try:
            if kind in (".csv", ".txt"):
                self._records = self._open_csv(source)
            elif kind in (".xlsx", ".xlsm"):
                self._records = self._open_xlsx(source)
            elif kind == ".xls":
                raise SpreadsheetError(
                    "Format .xls (Excel 97-2003) tidak didukung; simpan ulang sebagai .xlsx atau .csv."
                )
            else:
                raise SpreadsheetError(f"Berkas '{name}' bukan .csv atau .xlsx.")
            number, header_cells = next(self._records, (None, ()))
            if number != 1:  # the header is row 1; a sheet starting lower has none
                header_cells = ()
            self.headers = _header_names(header_cells)
            self.limits.check_columns(len(self.headers))
        except BaseException:
            self.close()
            raise
        if not self.headers:
            self.close()
            raise SpreadsheetError("Berkas kosong: baris pertama harus berisi judul kolom.")

    def __iter__(self) -> Iterator[tuple[int, Row]]:
        width = len(self.headers)
        for count, (row_number, cells) in enumerate(self._records, start=1):
            self.limits.check_rows(count)
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

    def _open_csv(self, source) -> Iterator[tuple[int, list]]:
        if isinstance(source, (str, os.PathLike)):
            source = open(source, "rb")
            self._closers.append(source.close)
        return enumerate(_csv_records(_as_text(source)), start=1)

    def _open_xlsx(self, source) -> Iterator[tuple[int, list]]:
        if isinstance(source, (str, os.PathLike)):
            source = open(source, "rb")
            self._closers.append(source.close)
        elif not _seekable(source):
            # A zip archive needs random access; spool it (to disk past a few MB).
            spooled = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
            shutil.copyfileobj(source, spooled)
            spooled.seek(0)
            self._closers.append(spooled.close)
            source = spooled
        book = Workbook(source, self.limits)
        self._closers.append(book.close)
        self.limits.check_shared_strings(book.declared_string_count() or 0)
        return _xlsx_records(book, self.limits)


def _xlsx_records(book: Workbook, limits: Limits) -> Iterator[tuple[int, list]]:
    """The header row with just the shared strings it needs, then the rest once all are loaded."""
    rows = book.raw_rows()
    first = next(rows, None)
    if first is None:
        return
    number, cells = first
    needed = max((int(text) for _, kind, text, _, _ in cells if kind == "s" and text and text.isdigit()),
                  default=-1)
    if needed >= HEADER_STRINGS:
        raise SpreadsheetError("Baris judul kolom tidak terbaca; simpan ulang berkas di Excel lalu unggah lagi.")
    header_strings = book.shared_strings(upto=needed) if needed >= 0 else PackedStrings()
    yield number, _values(book, cells, header_strings, limits.max_columns + 1)
    strings = book.shared_strings()
    for number, cells in rows:
        yield number, _values(book, cells, strings, limits.max_columns)


def _values(book: Workbook, cells: list[RawCell], strings: PackedStrings, width: int) -> list:
    """Cell values by column position; columns past `width` are not looked at."""
    values: list = []
    for cell in cells:
        column = cell[0]
        if column > width:
            break
        values.extend([None] * (column - 1 - len(values)))
        if column > len(values):
            values.append(book.value(cell, strings))
    return values


def check_upload(content: bytes | IO[bytes], filename: str, limits: Limits) -> list[str]:
    """What makes the upload unimportable, found cheaply: size, line count, zip directory, header row.

    `content` is the bytes, or a seekable binary file (left at its start), read a block at a time.
    Reads the header only. Whatever can be counted only by reading everything (the rows of an
    XLSX, shared strings a file does not announce) is checked by the import worker before it
    registers anything.
    """
    source = io.BytesIO(content) if isinstance(content, (bytes, bytearray)) else content
    try:
        limits.check_bytes(source.seek(0, io.SEEK_END))
        source.seek(0)
        if os.path.splitext(filename)[1].lower() in (".csv", ".txt"):
            limits.check_rows(_line_count(source) - 1)
            source.seek(0)
        with Sheet(source, filename, limits) as sheet:
            return map_headers(sheet.headers).problems()
    except SpreadsheetError as problem:
        return [str(problem)]
    finally:
        source.seek(0)


def _line_count(source: IO[bytes]) -> int:
    """Lines in the file, a last one without its newline included."""
    lines, last = 0, b"\n"
    while block := source.read(_SAMPLE_BYTES * 16):
        lines += block.count(b"\n")
        last = block[-1:]
    return lines + (0 if last == b"\n" else 1)


def check_whole_file(source: IO[bytes], filename: str, limits: Limits) -> None:
    """Read the file through once, raising SpreadsheetError at the first limit it breaks."""
    with Sheet(source, filename, limits) as sheet:
        for _ in sheet:
            pass


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
