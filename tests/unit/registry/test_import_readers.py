"""Spreadsheet readers: CSV (any of , ; tab, BOM) and XLSX, row numbers as the user sees them."""
import io
from datetime import datetime

import openpyxl
import pytest

from registry.importing.readers import Sheet, SpreadsheetError, iter_rows


def _xlsx(tmp_path, rows, name="data.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def test_csv_with_semicolons_bom_and_blank_rows():
    data = (
        "\ufeffNIK;Nama;Tempat, Tanggal Lahir\r\n"
        "3507255203900001;Siti Aminah;12/03/1990\r\n"
        ";;\r\n"
        "\r\n"
        "3573011506850002;Budi;15-06-1985\r\n"
    )
    rows = list(iter_rows(io.BytesIO(data.encode("utf-8")), "peserta.csv"))
    assert rows == [
        (2, {"NIK": "3507255203900001", "Nama": "Siti Aminah", "Tempat, Tanggal Lahir": "12/03/1990"}),
        (5, {"NIK": "3573011506850002", "Nama": "Budi", "Tempat, Tanggal Lahir": "15-06-1985"}),
    ]


def test_csv_comma_with_quoted_newline_counts_records():
    data = 'Nama,Catatan\n"Siti","baris\nkedua"\nBudi,ok\n'
    rows = list(iter_rows(io.BytesIO(data.encode()), "a.csv"))
    assert rows == [(2, {"Nama": "Siti", "Catatan": "baris\nkedua"}), (3, {"Nama": "Budi", "Catatan": "ok"})]


def test_csv_tab_delimited_from_path(tmp_path):
    path = tmp_path / "ekspor.csv"
    path.write_text("NIK\tNama\n3507255203900001\tSiti\n", encoding="utf-8")
    assert list(iter_rows(path)) == [(2, {"NIK": "3507255203900001", "Nama": "Siti"})]


def test_csv_windows_1252_is_decoded():
    data = "Nama;Bidang Usaha\nSiti;Caf\xe9 & kue\n".encode("cp1252")
    assert list(iter_rows(io.BytesIO(data), "excel.csv")) == [(2, {"Nama": "Siti", "Bidang Usaha": "Café & kue"})]


def test_csv_from_text_stream():
    assert list(iter_rows(io.StringIO("A,B\n1,2\n"), "x.csv")) == [(2, {"A": "1", "B": "2"})]


def test_csv_short_and_long_rows_are_fitted_to_headers():
    data = b"A,B,C\n1\n1,2,3,4\n"
    assert list(iter_rows(io.BytesIO(data), "x.csv")) == [
        (2, {"A": "1", "B": None, "C": None}),
        (3, {"A": "1", "B": "2", "C": "3"}),
    ]


def test_csv_from_unseekable_stream_larger_than_sample():
    class Pipe(io.RawIOBase):
        def __init__(self, data):
            self._data = io.BytesIO(data)

        def readable(self):
            return True

        def seekable(self):
            return False

        def readinto(self, buffer):
            chunk = self._data.read(min(len(buffer), 1000))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    body = "".join(f"{i};Nama {i}\n" for i in range(20000))
    rows = list(iter_rows(Pipe(("No;Nama\n" + body).encode()), "besar.csv"))
    assert len(rows) == 20000
    assert rows[-1] == (20001, {"No": "19999", "Nama": "Nama 19999"})


def test_xlsx_rows_numbers_types_and_blank_rows(tmp_path):
    path = _xlsx(
        tmp_path,
        [
            ["NIK", "Nama", "Tanggal Lahir", None, "Catatan", None],
            ["3507255203900001", "Siti", datetime(1990, 3, 12), None, None],
            [None, None, None],
            [3573011506850002, "Budi", "15/06/1985", "x", "ok"],
        ],
    )
    with Sheet(path) as sheet:
        assert sheet.headers == ["NIK", "Nama", "Tanggal Lahir", "Kolom D", "Catatan"]
        rows = list(sheet)
    assert rows == [
        (2, {"NIK": "3507255203900001", "Nama": "Siti", "Tanggal Lahir": datetime(1990, 3, 12),
             "Kolom D": None, "Catatan": None}),
        (4, {"NIK": 3573011506850002, "Nama": "Budi", "Tanggal Lahir": "15/06/1985",
             "Kolom D": "x", "Catatan": "ok"}),
    ]


def test_xlsx_from_file_object_uses_first_sheet(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Nama"])
    workbook.active.append(["Siti"])
    other = workbook.create_sheet("Petunjuk")
    other.append(["Isi semua kolom"])
    workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    assert list(iter_rows(buffer, "upload.xlsx")) == [(2, {"Nama": "Siti"})]


def test_duplicate_headers_are_kept_apart():
    rows = list(iter_rows(io.BytesIO(b"Desa,Nama,Desa\n35.07.25.2001,Siti,Lawang\n"), "x.csv"))
    assert rows == [(2, {"Desa": "35.07.25.2001", "Nama": "Siti", "Desa (kolom C)": "Lawang"})]


@pytest.mark.parametrize(
    "filename, data, message",
    [
        ("data.xls", b"\xd0\xcf\x11\xe0", ".xls"),
        ("data.pdf", b"%PDF", "bukan .csv atau .xlsx"),
        ("data.xlsx", b"not a zip", "tidak bisa dibuka"),
        ("data.csv", b"", "Berkas kosong"),
        ("data.csv", b"\n\nA\n", "Berkas kosong"),
    ],
)
def test_unreadable_files(filename, data, message):
    with pytest.raises(SpreadsheetError, match=message):
        list(iter_rows(io.BytesIO(data), filename))


def test_undecodable_csv_is_a_spreadsheet_error():
    # 0x81 is undefined in Windows-1252 and invalid UTF-8.
    with pytest.raises(SpreadsheetError, match="UTF-8"):
        list(iter_rows(io.BytesIO(b"Nama\n\x81\x81\n"), "x.csv"))
