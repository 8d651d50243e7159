"""Error report CSV: Baris, Kolom, Tingkat, Pesan, safe to open in Excel."""
import csv
import io

from registry.importing.report import write_error_report_csv
from registry.importing.rows import RowError


def test_text_report():
    out = io.StringIO()
    count = write_error_report_csv(
        [RowError(2, "NIK", "NIK wajib diisi."), RowError(5, "Desa", "Nama desa 'A, B' ada di beberapa tempat.")], out
    )
    assert count == 2
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["Baris", "Kolom", "Tingkat", "Pesan"],
        ["2", "NIK", "galat", "NIK wajib diisi."],
        ["5", "Desa", "galat", "Nama desa 'A, B' ada di beberapa tempat."],
    ]


def test_binary_report_has_bom_and_leaves_file_open():
    out = io.BytesIO()
    write_error_report_csv(iter([(None, "Kolom X", "Kolom yang tidak dikenali")]), out)
    assert not out.closed
    data = out.getvalue()
    assert data.startswith(b"\xef\xbb\xbfBaris,Kolom,Tingkat,Pesan\r\n")
    assert data.decode("utf-8-sig").splitlines()[1] == ",Kolom X,galat,Kolom yang tidak dikenali"


def test_formula_like_cells_are_neutralised():
    out = io.StringIO()
    write_error_report_csv([(3, "=HYPERLINK(\"x\")", "-1"), (4, "\tNama", "@SUM(A1)", "warning")], out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[1] == ["3", "'=HYPERLINK(\"x\")", "galat", "'-1"]
    assert rows[2] == ["4", "'\tNama", "peringatan", "'@SUM(A1)"]


def test_semicolon_delimiter_for_indonesian_excel():
    out = io.StringIO()
    write_error_report_csv([(2, "NIK", "salah")], out, delimiter=";")
    assert out.getvalue().splitlines()[1] == "2;NIK;galat;salah"
