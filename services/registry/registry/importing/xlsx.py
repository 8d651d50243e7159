"""The first sheet of an XLSX workbook, streamed from the zip with every limit checked while reading.

Why not openpyxl: its read-only mode yields every empty row up to the last numbered one (a lone row
numbered 100,000,000 costs a hundred million empty tuples) and loads every shared string as a Python
object before the first row. Here rows come as numbered by their `r` attribute, shared strings are
packed into one buffer, and the zip's members are checked from its directory before anything is
expanded, so a hostile file costs time and memory in proportion to what it really holds.
"""
from __future__ import annotations

import posixpath
import time
import zipfile
from array import array
from collections.abc import Iterator
from datetime import datetime
from typing import IO
from xml.etree.ElementTree import ParseError, XMLPullParser

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from registry.importing.limits import Limits, SpreadsheetError

_CHUNK = 64 * 1024
# A header row is a few hundred bytes; one that needs more than this is not a header.
_HEADER_BYTES = 1024 * 1024
_MAX_MEMBERS = 1000
# The workbook, its relationships and styles are small in any real file; the service reads them at upload.
_SMALL_PART_BYTES = 16 * 1024 * 1024
# Shared strings the header row may refer to: a real header's come first (writers number them in
# order of appearance), so a header pointing far in is refused rather than read at upload.
HEADER_STRINGS = 100_000
_EXCEL_MAX_COLUMN = 16384
UNREADABLE = "Berkas .xlsx tidak bisa dibuka; pastikan berkasnya tidak rusak."


class FormulaWithoutValue:
    """A cell holding a formula whose result was never saved (some tools write only the formula)."""

    def __repr__(self) -> str:
        return "FORMULA_WITHOUT_VALUE"


FORMULA_WITHOUT_VALUE = FormulaWithoutValue()

RawCell = tuple[int, str | None, str | None, str | None, bool]  # column, type, text, style, has formula


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


class Workbook:
    """An open XLSX: its zip directory checked, its first sheet found, its date styles known."""

    def __init__(self, source: IO[bytes], limits: Limits):
        self.limits = limits
        try:
            self.zip = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise SpreadsheetError(UNREADABLE) from exc
        try:
            members = self.zip.infolist()
            if len(members) > _MAX_MEMBERS:
                raise SpreadsheetError(UNREADABLE)
            # The sizes the directory declares; the reads below count the real bytes too.
            limits.check_unpacked(sum(m.file_size for m in members))
            self.unpacked = 0
            self.sheet_path, self.strings_path, self.styles_path, self.epoch = self._locate()
            self.date_styles = self._date_styles()
        except BaseException:
            self.zip.close()
            raise

    def close(self) -> None:
        self.zip.close()

    # --- parts ---------------------------------------------------------------------------------

    def _elements(self, path: str, events=("end",)) -> Iterator[tuple[str, object]]:
        """(event, element) of one zip member, parsed in chunks; the bytes count towards the limit."""
        try:
            member = self.zip.open(path)
        except KeyError:
            return
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
            raise SpreadsheetError(UNREADABLE) from exc
        parser = XMLPullParser(events=events)
        with member:
            while True:
                try:
                    chunk = member.read(_CHUNK)
                except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
                    raise SpreadsheetError(UNREADABLE) from exc
                self.unpacked += len(chunk)
                self.limits.check_unpacked(self.unpacked)
                try:
                    if chunk:
                        parser.feed(chunk)
                    else:
                        parser.close()
                    yield from parser.read_events()
                except ParseError as exc:
                    raise SpreadsheetError(UNREADABLE) from exc
                if not chunk:
                    return
                # A pause between chunks: under eventlet this lets other green threads run (the job's
                # heartbeat in the worker, requests in the service) while a large part is parsed.
                time.sleep(0)

    def _small_part(self, path: str) -> str:
        try:
            too_big = self.zip.getinfo(path).file_size > _SMALL_PART_BYTES
        except KeyError:
            too_big = False
        if too_big:
            raise SpreadsheetError(UNREADABLE)
        return path

    def _locate(self) -> tuple[str, str, str, datetime]:
        for path in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            self._small_part(path)
        sheets, epoch = [], CALENDAR_WINDOWS_1900
        for _, element in self._elements("xl/workbook.xml"):
            name = _local(element.tag)
            if name == "sheet":
                sheets.append(next((v for k, v in element.attrib.items() if _local(k) == "id"), None))
            elif name == "workbookPr" and element.get("date1904") in ("1", "true"):
                epoch = CALENDAR_MAC_1904
        targets: dict[str, tuple[str, str]] = {}
        for _, element in self._elements("xl/_rels/workbook.xml.rels"):
            if _local(element.tag) == "Relationship":
                target = element.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
                targets[element.get("Id")] = (element.get("Type", "").rpartition("/")[2], path)
        worksheets = [targets[r][1] for r in sheets if r in targets and targets[r][0] == "worksheet"]
        if not worksheets:
            raise SpreadsheetError(UNREADABLE)
        by_type = {kind: path for kind, path in reversed(list(targets.values()))}
        return (worksheets[0], by_type.get("sharedStrings", "xl/sharedStrings.xml"),
                by_type.get("styles", "xl/styles.xml"), epoch)

    def _date_styles(self) -> frozenset[int]:
        """Indexes of the cell styles whose number format shows a date: such numbers are dates."""
        custom: dict[int, str] = {}
        formats: list[int] = []
        in_cell_xfs = False
        for event, element in self._elements(self._small_part(self.styles_path), events=("start", "end")):
            name = _local(element.tag)
            if name == "cellXfs":
                in_cell_xfs = event == "start"
            elif event == "end" and name == "numFmt":
                custom[int(element.get("numFmtId", -1))] = element.get("formatCode", "")
            elif event == "end" and name == "xf" and in_cell_xfs:
                formats.append(int(element.get("numFmtId", 0)))
        return frozenset(index for index, fmt in enumerate(formats)
                         if is_date_format(custom.get(fmt) or BUILTIN_FORMATS.get(fmt) or ""))

    # --- shared strings ------------------------------------------------------------------------

    def declared_string_count(self) -> int | None:
        """The count sharedStrings.xml announces in its first tag, read without expanding the rest."""
        for _, element in self._elements(self.strings_path, events=("start",)):
            if _local(element.tag) == "sst":
                declared = [element.get("uniqueCount"), element.get("count")]
                numbers = [int(v) for v in declared if v and v.isdigit()]
                return max(numbers) if numbers else None
        return None

    def shared_strings(self, upto: int | None = None) -> PackedStrings:
        """The shared strings (all, or the first `upto` + 1), refused past the limit whatever the header said."""
        strings = PackedStrings()
        declared = self.declared_string_count()
        if declared is not None and upto is None:
            self.limits.check_shared_strings(declared)
        root = None
        for event, element in self._elements(self.strings_path, events=("start", "end")):
            name = _local(element.tag)
            if event == "start":
                if root is None:
                    root = element
                continue
            if name != "si":
                continue
            strings.append(_item_text(element))
            root.clear()  # the parsed items are not kept as elements
            if upto is not None and len(strings) > upto:
                break
            if len(strings) > self.limits.max_shared_strings:
                self.limits.check_shared_strings(len(strings))
        return strings

    # --- rows ----------------------------------------------------------------------------------

    def raw_rows(self) -> Iterator[tuple[int, list[RawCell]]]:
        """(row number, raw cells) of every row element, in file order, numbered by their `r`."""
        sheet_data = None
        previous_row = 0
        start_bytes = self.unpacked
        for event, element in self._elements(self.sheet_path, events=("start", "end")):
            if not previous_row and self.unpacked - start_bytes > _HEADER_BYTES:
                raise SpreadsheetError("Baris judul kolom tidak terbaca (terlalu besar); periksa baris pertama.")
            name = _local(element.tag)
            if event == "start":
                if name == "sheetData":
                    sheet_data = element
                continue
            if name != "row":
                continue
            number = _int(element.get("r"), previous_row + 1)
            previous_row = number
            cells = _raw_cells(element)
            if sheet_data is not None:
                sheet_data.clear()
            yield number, cells

    def value(self, cell: RawCell, strings: PackedStrings):
        _, kind, text, style, formula = cell
        if formula and not text:  # some writers save <f> with an empty <v/>
            return FORMULA_WITHOUT_VALUE
        if text is None:
            return None
        if kind == "s":
            index = _int(text, -1)
            if not 0 <= index < len(strings):
                raise SpreadsheetError(UNREADABLE)
            return strings[index]
        if kind in ("inlineStr", "str", "e"):
            return text
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "d":
            try:
                return datetime.fromisoformat(text.strip())
            except ValueError:
                return text
        try:
            number = float(text) if any(c in text for c in ".eE") else int(text)
        except ValueError:
            return text
        if style is not None and _int(style, -1) in self.date_styles:
            try:
                return from_excel(number, self.epoch)
            except (ValueError, OverflowError):
                return number
        return number


def _raw_cells(row) -> list[RawCell]:
    cells = []
    column = 0
    for cell in row:
        if _local(cell.tag) != "c":
            continue
        column = _column(cell.get("r"), column + 1)
        kind = cell.get("t")
        text, formula = None, False
        for child in cell:
            part = _local(child.tag)
            if part == "v":
                text = child.text or ""
            elif part == "f":
                formula = True
            elif part == "is":
                text = _item_text(child)
        cells.append((column, kind, text, cell.get("s"), formula))
    return cells


def _item_text(item) -> str:
    """Text of a shared-string item or inline string: its runs joined, phonetic guides left out."""
    parts = []
    for child in item:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _column(reference: str | None, default: int) -> int:
    if not reference:
        return default
    index = 0
    for ch in reference:
        if "A" <= ch <= "Z":
            index = index * 26 + ord(ch) - 64
        elif "a" <= ch <= "z":
            index = index * 26 + ord(ch) - 96
        else:
            break
        if index > _EXCEL_MAX_COLUMN:
            raise SpreadsheetError(UNREADABLE)
    return index or default


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


class PackedStrings:
    """A list of strings kept as one UTF-8 buffer and their end offsets: a few bytes each, not ~60."""

    def __init__(self):
        self._data = bytearray()
        self._ends = array("Q")

    def append(self, text: str) -> None:
        self._data += text.encode("utf-8")
        self._ends.append(len(self._data))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> str:
        start = self._ends[index - 1] if index else 0
        return self._data[start:self._ends[index]].decode("utf-8")
