"""Field spreadsheets for tests: valid synthetic persons, with chosen rows broken in known ways."""
import csv
import io
from datetime import date

HEADERS = ["NIK", "Nama", "Tanggal Lahir", "Jenis Kelamin", "Desa/Kelurahan", "Ragam Disabilitas", "No HP"]


def valid_row(index: int, desa_code: str = "35.07.25.2001") -> list[str]:
    born = date(1980 + index % 20, 1 + index % 12, 1 + index % 28)
    sex = "P" if index % 2 else "L"
    day = born.day + (40 if sex == "P" else 0)
    region = desa_code.replace(".", "")[:6]
    nik = f"{region}{day:02d}{born.month:02d}{born.year % 100:02d}{index + 1:04d}"
    return [nik, f"Warga Uji {index}", born.strftime("%d/%m/%Y"), sex, desa_code, "fisik", "081234500000"[:-4]
            + f"{index:04d}"]


def sheet(rows: int, broken: dict[int, str] | None = None, desa_code: str = "35.07.25.2001") -> bytes:
    """CSV bytes; `broken` maps a 0-based data row to how it is broken: nik_date, sex, region, phone, name."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for index in range(rows):
        row = valid_row(index, desa_code)
        kind = (broken or {}).get(index)
        if kind == "nik_date":
            row[0] = row[0][:6] + "32" + row[0][8:]
        elif kind == "sex":
            row[3] = "L" if row[3] == "P" else "P"
        elif kind == "region":
            row[0] = "999999" + row[0][6:]
        elif kind == "phone":
            row[6] = "12"
        elif kind == "name":
            row[1] = ""
        writer.writerow(row)
    return out.getvalue().encode("utf-8")
