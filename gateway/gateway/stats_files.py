"""Registry statistics as a spreadsheet (XLSX, one sheet per table) or CSV, for Dinas Sosial's reports.

Headers are Indonesian; a suppressed figure reads "<N" (below the threshold) rather than a blank,
so a report cannot mistake it for zero. Cells hold codes, reference-data names and numbers only.
"""
import csv
import io
import tempfile

from openpyxl import Workbook
from werkzeug.wrappers import Response

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv"
FILE_TYPES = (CSV_TYPE, XLSX_TYPE)  # what ?format=csv|xlsx answers with
SEXES = {"L": "Laki-laki", "P": "Perempuan"}

# (sheet title, key in the figures, [(column header, row key)])
TABLES = (
    ("Per kecamatan", "kecamatan",
     [("Kode kecamatan", "kecamatan_code"), ("Kecamatan", "kecamatan_name"), ("Jumlah orang", "count")]),
    ("Per jenis kelamin dan umur", "totals",
     [("Kode kecamatan", "kecamatan_code"), ("Kecamatan", "kecamatan_name"), ("Jenis kelamin", "sex"),
      ("Kelompok umur", "age_band"), ("Jumlah orang", "count")]),
    ("Per ragam disabilitas", "persons",
     [("Kode kecamatan", "kecamatan_code"), ("Kecamatan", "kecamatan_name"), ("Ragam disabilitas", "category"),
      ("Jenis kelamin", "sex"), ("Kelompok umur", "age_band"), ("Jumlah (per ragam)", "count")]),
)


def _value(row: dict, key: str, threshold):
    if key == "count" and row.get("suppressed"):
        return f"<{threshold}"
    if key == "sex":
        return SEXES.get(row[key], row[key])
    value = row.get(key)
    return "" if value is None else value


def _tables(figures: dict):
    threshold = figures.get("threshold")
    for title, key, columns in TABLES:
        rows = [[_value(row, column, threshold) for _, column in columns] for row in figures[key]]
        yield title, [header for header, _ in columns], rows
    total = figures["total_persons"]
    yield "Jumlah", ["Keterangan", "Jumlah orang"], [["Seluruh wilayah", _value(total, "count", threshold)]]


CSV_COLUMNS = ("Kode kecamatan", "Kecamatan", "Ragam disabilitas", "Jenis kelamin", "Kelompok umur")


def stats_file(figures: dict, file_format: str) -> Response:
    if file_format == "csv":
        # One table of tables: the sheet's title in the first column, the count in the last.
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(["Tabel", *CSV_COLUMNS, "Jumlah"])
        for title, headers, rows in _tables(figures):
            for row in rows:
                named = dict(zip(headers, row, strict=True))
                writer.writerow([title, *(named.get(column, "") for column in CSV_COLUMNS), row[-1]])
        return Response("\ufeff" + text.getvalue(), content_type=f"{CSV_TYPE}; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="statistik-registri.csv"'})
    workbook = Workbook(write_only=True)
    for title, headers, rows in _tables(figures):
        sheet = workbook.create_sheet(title)
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as buffer:
        workbook.save(buffer)
        buffer.seek(0)
        body = buffer.read()
    return Response(body, content_type=XLSX_TYPE,
                    headers={"Content-Disposition": 'attachment; filename="statistik-registri.xlsx"'})
