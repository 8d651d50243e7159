"""Hostile uploads: refused at upload when cheap to tell, else by the worker's first pass; sparse rows are cheap."""
import base64
import io
import time
import zipfile

import pytest

from registry.importing.limits import LimitExceeded, Limits
from registry.importing.readers import Sheet, check_upload, check_whole_file
from registry.importing.xlsx import FORMULA_WITHOUT_VALUE
from tests.support.hostile_xlsx import HEADERS, inline_row, many_shared_strings, sparse_sheet, workbook

ROW = ["3507255203900001", "Siti Aminah", "12/03/1990", "P", "35.07.25.2001", "fisik", "Ya"]


@pytest.mark.parametrize("row_number", [20_000_000, 100_000_000])
def test_a_lone_row_numbered_in_the_millions_is_read_as_one_row(row_number):
    content = sparse_sheet(row_number, ROW)
    assert len(content) < 2000  # the hostile file of the report was 1,673 bytes
    assert check_upload(content, "jarang.xlsx", Limits()) == []
    started = time.monotonic()
    with Sheet(io.BytesIO(content), "jarang.xlsx") as sheet:
        rows = list(sheet)
    # openpyxl took 18 s (20 million) and 85 s (100 million); bounded with room for a loaded machine.
    assert time.monotonic() - started < 5
    assert rows == [(row_number, dict(zip(HEADERS, ROW, strict=True)))]


def test_three_million_announced_shared_strings_are_refused_at_upload_without_reading_them():
    content = many_shared_strings(3_000_000)
    assert len(content) < 400_000
    problems = check_upload(content, "teks.xlsx", Limits())
    assert len(problems) == 1 and "terlalu banyak teks berbeda" in problems[0]


def test_shared_strings_the_file_does_not_announce_are_counted_and_refused_while_read():
    content = many_shared_strings(5_000, announce=False)
    limits = Limits(max_shared_strings=1_000)
    assert check_upload(content, "teks.xlsx", limits) == []  # the header needs none of them
    with pytest.raises(LimitExceeded, match="teks berbeda"):
        check_whole_file(io.BytesIO(content), "teks.xlsx", limits)


def test_an_oversize_csv_is_refused_by_its_size_before_it_is_read():
    content = b"NIK,Nama\n" + b"3507255203900001,Siti\n" * 20
    problems = check_upload(content, "besar.csv", Limits(max_bytes=100))
    assert len(problems) == 1 and "Berkas terlalu besar" in problems[0] and "batasnya" in problems[0]


def test_too_many_rows_columns_or_unpacked_bytes_are_refused():
    csv_rows = b"NIK,Nama\n" + b"1,a\n" * 11
    assert "lebih dari 10 baris" in check_upload(csv_rows, "a.csv", Limits(max_rows=10))[0]
    wide = ",".join(f"K{i}" for i in range(101)).encode() + b"\n"
    assert "101 kolom" in check_upload(wide, "a.csv", Limits())[0]

    xlsx_rows = workbook(inline_row(1, HEADERS) + "".join(inline_row(n, ROW) for n in range(2, 14)))
    assert check_upload(xlsx_rows, "a.xlsx", Limits(max_rows=10)) == []  # counted by the worker's first pass
    with pytest.raises(LimitExceeded, match="lebih dari 10 baris"):
        check_whole_file(io.BytesIO(xlsx_rows), "a.xlsx", Limits(max_rows=10))

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * 5_000_000)
    assert "terlalu besar setelah dibuka" in check_upload(bomb.getvalue(), "a.xlsx",
                                                          Limits(max_unpacked_bytes=1_000_000))[0]


def test_the_header_check_reads_the_header_only():
    # Row 2 is broken XML: a check that read past the header would fail on it.
    content = workbook(inline_row(1, HEADERS) + '<row r="2"><c r="A2" t="inlineStr"><is><t>x</is></c>')
    assert check_upload(content, "a.xlsx", Limits()) == []


def test_a_formula_without_a_saved_value_reads_as_such_not_as_blank():
    content = workbook(inline_row(1, HEADERS) + '<row r="2"><c r="B2"><f>CONCATENATE("a","b")</f></c>'
                       '<c r="C2" t="str"><f>TODAY()</f><v>2025-01-01</v></c></row>')
    with Sheet(io.BytesIO(content), "a.xlsx") as sheet:
        (_, row), = list(sheet)
    assert row["Nama"] is FORMULA_WITHOUT_VALUE and row["Tanggal Lahir"] == "2025-01-01"


def test_an_upload_is_refused_by_its_size_before_it_is_decoded_and_decoded_in_chunks():
    from inklusi_platform.errors import ValidationFailed
    from registry.imports import decode_upload

    with pytest.raises(ValidationFailed) as refused:
        decode_upload("!" * 2_000, Limits(max_bytes=1_000))  # not even base64: never looked at
    assert "Berkas terlalu besar" in refused.value.details["content"][0]
    content = bytes(range(256)) * 10_000
    pauses = []
    assert decode_upload(base64.b64encode(content).decode(), Limits(), lambda: pauses.append(1)) == content
    assert len(pauses) == 4  # 3.4 MB of base64 in 1 MiB chunks
    with pytest.raises(ValidationFailed):
        decode_upload("bm9wZQ=!", Limits())


def test_a_header_pointing_far_into_the_shared_strings_is_refused_at_upload_not_read():
    content = workbook('<row r="1"><c r="A1" t="s"><v>150000</v></c></row>',
                       shared_strings=b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                      + b"<si><t>x</t></si>" * 200_000 + b"</sst>")
    problems = check_upload(content, "a.xlsx", Limits())
    assert len(problems) == 1 and "Baris judul kolom tidak terbaca" in problems[0]
