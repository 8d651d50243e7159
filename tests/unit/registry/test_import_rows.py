"""Row parsing: normalised person drafts, or every problem with its column, in Indonesian."""
import csv
import io
from datetime import date, datetime

import openpyxl
import pytest

from registry.importing.headers import Cell, map_headers
from registry.importing.readers import Sheet
from registry.importing.report import write_error_report_csv
from registry.importing.rows import Guardian, PersonDraft, RowError, parse_row

TODAY = date(2025, 6, 1)

ADULT = {
    "nik": "3507255203900001",
    "name": "  Siti   Aminah ",
    "birth_date": "12/03/1990",
    "sex": "Perempuan",
    "desa_code": "35.07.25.2001",
    "disability": "Tuna Daksa, tuli",
}


def parse(values, row=7):
    return parse_row(row, values, today=TODAY)


def test_valid_adult_row_is_normalised():
    draft, errors = parse({**ADULT, "kk": "3507250101200003", "phone": "0812-3456-7890",
                           "business_sector": " Kuliner ", "consent": "Ya"})
    assert errors == []
    assert draft == PersonDraft(
        nik="3507255203900001",
        kk="3507250101200003",
        name="Siti Aminah",
        birth_date=date(1990, 3, 12),
        sex="P",
        desa_code="35.07.25.2001",
        kecamatan_code="35.07.25",
        categories=("fisik", "sensorik", "ganda"),
        phone="+6281234567890",
        guardian=None,
        business_sector="Kuliner",
        consent=True,
    )
    assert draft.as_dict()["birth_date"] == "1990-03-12"
    assert draft.as_dict()["categories"] == ["fisik", "sensorik", "ganda"]


def test_optional_fields_may_be_absent_or_blank():
    draft, errors = parse({**ADULT, "kk": "", "phone": None, "consent": "  "})
    assert errors == []
    assert (draft.kk, draft.phone, draft.consent, draft.guardian, draft.business_sector) == (None,) * 5


@pytest.mark.parametrize(
    "value",
    ["1990-03-12", "12/03/1990", "12-03-1990", "12.03.1990", "12/3/1990", "Malang, 12-03-1990",
     "Malang, 12 Maret 1990", "12 Mar 1990", "1990-03-12 00:00:00", date(1990, 3, 12), datetime(1990, 3, 12)],
)
def test_birth_date_forms(value):
    draft, errors = parse({**ADULT, "birth_date": value})
    assert errors == []
    assert draft.birth_date == date(1990, 3, 12)


@pytest.mark.parametrize("value", ["31/02/1990", "12/03/90", "03/12/1990x", "kemarin", "1990/03/12", "12 Marc 1990"])
def test_bad_birth_date(value):
    draft, errors = parse({**ADULT, "birth_date": Cell("Tgl Lahir", value)})
    assert draft is None
    message = f"Tanggal lahir '{value}' tidak valid; gunakan format DD/MM/YYYY, DD-MM-YYYY atau YYYY-MM-DD."
    assert errors == [RowError(7, "Tgl Lahir", message)]


def test_future_birth_date():
    _, errors = parse({**ADULT, "nik": "3507255203300001", "birth_date": "12/03/2030"})
    assert [e.message for e in errors if e.column == "Tanggal Lahir"] == ["Tanggal lahir 12-03-2030 belum terjadi."]


def test_implausibly_old_birth_date():
    _, errors = parse({**ADULT, "birth_date": "12/03/1890"})
    assert any("tidak masuk akal" in e.message for e in errors)


@pytest.mark.parametrize("value, sex", [("L", "L"), ("l", "L"), ("Laki-laki", "L"), ("LAKI LAKI", "L"),
                                         ("P", "P"), ("perempuan", "P"), ("Wanita", "P")])
def test_sex_forms(value, sex):
    nik = "3507251203900001" if sex == "L" else ADULT["nik"]
    draft, errors = parse({**ADULT, "nik": nik, "sex": value})
    assert errors == []
    assert draft.sex == sex


def test_unknown_sex():
    _, errors = parse({**ADULT, "sex": Cell("JK", "X")})
    assert errors == [RowError(7, "JK", "Jenis kelamin 'X' tidak dikenal; isi L (laki-laki) atau P (perempuan).")]


def test_nik_problems_reported_under_nik_column():
    _, errors = parse({**ADULT, "nik": Cell("No. NIK", "3507255203900001"), "sex": "L", "birth_date": "13/03/1990"})
    assert [e.column for e in errors] == ["No. NIK", "No. NIK"]
    assert "tidak sama" in errors[0].message
    assert "perempuan" in errors[1].message


@pytest.mark.parametrize("nik", [3507255203900001, 3507255203900001.0, "'3507255203900001", " 3507 2552 0390 0001 "])
def test_nik_from_spreadsheet_cells(nik):
    draft, errors = parse({**ADULT, "nik": nik})
    assert errors == []
    assert draft.nik == "3507255203900001"


def test_required_fields_missing_each_reported():
    mapped = map_headers(["NIK", "Nama", "Tgl Lahir", "JK", "Desa", "Disabilitas"])
    cells = mapped.apply({"NIK": "", "Nama": " ", "Tgl Lahir": None, "JK": "", "Desa": "", "Disabilitas": ""})
    draft, errors = parse(cells, row=12)
    assert draft is None
    assert sorted(errors) == sorted([
        RowError(12, "NIK", "NIK wajib diisi."),
        RowError(12, "Nama", "Nama wajib diisi."),
        RowError(12, "Tgl Lahir", "Tanggal Lahir wajib diisi."),
        RowError(12, "JK", "Jenis Kelamin wajib diisi."),
        RowError(12, "Desa", "Desa/Kelurahan wajib diisi."),
        RowError(12, "Disabilitas", "Ragam Disabilitas wajib diisi."),
    ])


def test_name_without_letters():
    _, errors = parse({**ADULT, "name": "12345"})
    assert [e.column for e in errors] == ["Nama"]


@pytest.mark.parametrize("value", ["3507252001", 3507252001, "35.07.25.2001", "Sidoluhur", "desa sidoluhur"])
def test_desa_by_code_or_unique_name(value):
    draft, errors = parse({**ADULT, "desa_code": value})
    assert errors == []
    assert (draft.desa_code, draft.kecamatan_code) == ("35.07.25.2001", "35.07.25")


def test_kota_malang_kelurahan():
    draft, errors = parse({**ADULT, "desa_code": "Kel. Polowijen"})
    assert errors == []
    assert (draft.desa_code, draft.kecamatan_code) == ("35.73.01.1003", "35.73.01")


def test_ambiguous_desa_name_asks_for_the_code():
    _, errors = parse({**ADULT, "desa_code": Cell("Desa", "Sidorejo")})
    (error,) = errors
    assert error.column == "Desa"
    assert "35.07.17.2004" in error.message and "35.07.33.2010" in error.message
    assert "Isi kode desanya" in error.message


def test_ambiguous_desa_name_settled_by_kecamatan():
    draft, errors = parse({**ADULT, "desa_code": "Sidorejo, Kec. Jabung"})
    assert errors == []
    assert draft.desa_code == "35.07.17.2004"


@pytest.mark.parametrize("value", ["Atlantis", "35.07.25.9999", "35.07.25", "3578012001", "31.71.01.1001"])
def test_unknown_or_outside_desa(value):
    _, errors = parse({**ADULT, "desa_code": value})
    (error,) = errors
    assert "tidak ditemukan di Malang Raya" in error.message


def test_unknown_disability_named():
    _, errors = parse({**ADULT, "disability": Cell("Ragam", "daksa, kusta")})
    message = "Ragam disabilitas tidak dikenal: 'kusta'. Pilihan: fisik, intelektual, mental, sensorik."
    assert errors == [RowError(7, "Ragam", message)]


def test_bad_phone_is_a_warning_and_the_row_is_kept_without_it():
    draft, errors = parse({**ADULT, "phone": Cell("No WA", "0812")})
    assert [(e.column, e.level, "tidak valid" in e.message) for e in errors] == [("No WA", "warning", True)]
    assert draft is not None and draft.phone is None


def test_phone_number_cell_without_leading_zero():
    draft, _ = parse({**ADULT, "phone": 81234567890.0})
    assert draft.phone == "+6281234567890"


MINOR = {**ADULT, "nik": "3507255203100001", "birth_date": "12/03/2010"}


def test_minor_requires_guardian_name():
    draft, errors = parse(MINOR)
    assert draft is None
    assert errors == [RowError(7, "Nama Wali", "Peserta berusia di bawah 18 tahun; Nama Wali wajib diisi.")]


def test_minor_with_guardian():
    draft, errors = parse({**MINOR, "guardian_name": "Bpk. Slamet", "guardian_relation": "Ayah",
                           "guardian_phone": "+62 813 3333 4444"})
    assert errors == []
    assert draft.guardian == Guardian("Bpk. Slamet", "Ayah", "+6281333334444")


def test_eighteenth_birthday_makes_an_adult():
    turns_18_today = {**ADULT, "nik": "3507254106070001", "birth_date": "01/06/2007"}
    assert parse(turns_18_today)[1] == []
    one_day_short = {**ADULT, "nik": "3507254206070001", "birth_date": "02/06/2007"}
    assert [e.column for e in parse(one_day_short)[1]] == ["Nama Wali"]


def test_guardian_details_without_name():
    _, errors = parse({**ADULT, "guardian_phone": "081333334444"})
    assert errors == [RowError(7, "Nama Wali", "Nama Wali wajib diisi bila Hubungan Wali atau HP Wali diisi.")]


@pytest.mark.parametrize(
    "value, expected", [("Ya", True), ("setuju", True), ("✓", True), ("Tidak", False), ("belum", False)]
)
def test_consent(value, expected):
    assert parse({**ADULT, "consent": value})[0].consent is expected


def test_unknown_consent():
    _, errors = parse({**ADULT, "consent": "mungkin"})
    assert [e.column for e in errors] == ["Persetujuan"]


def test_bad_kk():
    _, errors = parse({**ADULT, "kk": Cell("No KK", "3507990101200003")})
    assert [e.column for e in errors] == ["No KK"]
    assert "350799" in errors[0].message


def test_all_problems_of_a_row_are_collected():
    _, errors = parse({**ADULT, "nik": "123", "phone": "abc", "disability": "kusta", "sex": "?"})
    assert {e.column for e in errors} == {"NIK", "No HP", "Ragam Disabilitas", "Jenis Kelamin"}


def test_xlsx_to_drafts_and_error_report(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["No. NIK", "Nama Lengkap", "Tgl Lahir", "L/P", "Desa", "Jenis Disabilitas", "No HP", "Catatan"])
    sheet.append(["3507255203900001", "Siti Aminah", datetime(1990, 3, 12), "P", "Sidoluhur", "netra", "081234567890"])
    sheet.append([])
    sheet.append(["3507255203900001", "Siti", "12/03/1990", "L", "Sidorejo", "fisik", None, "cek"])
    path = tmp_path / "pendataan.xlsx"
    workbook.save(path)

    drafts, errors = [], []
    with Sheet(path) as opened:
        mapped = map_headers(opened.headers)
        assert mapped.ok and mapped.unknown == ["Catatan"]
        for number, raw in opened:
            draft, row_errors = parse_row(number, mapped.apply(raw), today=TODAY)
            drafts += [draft] if draft else []
            errors += row_errors

    assert [(d.nik, d.desa_code, d.categories, d.phone) for d in drafts] == [
        ("3507255203900001", "35.07.25.2001", ("sensorik",), "+6281234567890")
    ]
    assert [(e.row, e.column) for e in errors] == [(4, "No. NIK"), (4, "Desa")]

    report = io.StringIO()
    write_error_report_csv(errors, report)
    lines = list(csv.reader(io.StringIO(report.getvalue())))
    assert lines[0] == ["Baris", "Kolom", "Tingkat", "Pesan"]
    assert [line[:2] for line in lines[1:]] == [["4", "No. NIK"], ["4", "Desa"]]
