"""Header mapping: Indonesian column names, however written, to registry fields."""
import pytest

from registry.importing.headers import FIELD_LABELS, REQUIRED, Cell, header_key, map_headers

TEMPLATE = [
    "NIK", "No KK", "Nama Lengkap", "Tanggal Lahir", "Jenis Kelamin", "Desa/Kelurahan",
    "Ragam Disabilitas", "No HP", "Nama Wali", "Hubungan Wali", "HP Wali", "Bidang Usaha", "Persetujuan",
    "Tanggal Persetujuan", "Bentuk Persetujuan",
]


def test_template_maps_every_field():
    mapped = map_headers(TEMPLATE)
    assert mapped.ok
    assert set(mapped.fields) == set(FIELD_LABELS)
    assert mapped.unknown == [] and mapped.missing == [] and mapped.problems() == []


@pytest.mark.parametrize(
    "header, field",
    [
        ("nik", "nik"),
        ("No. NIK", "nik"),
        ("Nomor Induk Kependudukan", "nik"),
        ("  NOMOR  NIK ", "nik"),
        ("KK", "kk"),
        ("Nomor KK", "kk"),
        ("Nama", "name"),
        ("NAMA LENGKAP", "name"),
        ("Tgl. Lahir", "birth_date"),
        ("Tanggal Lahir (DD/MM/YYYY)", "birth_date"),
        ("TTL", "birth_date"),
        ("Tempat, Tanggal Lahir", "birth_date"),
        ("JK", "sex"),
        ("L/P", "sex"),
        ("jenis_kelamin", "sex"),
        ("Kode Desa", "desa_code"),
        ("Desa", "desa_code"),
        ("Kelurahan", "desa_code"),
        ("Desa / Kel.", "desa_code"),
        ("Jenis Disabilitas", "disability"),
        ("Disabilitas", "disability"),
        ("No. HP", "phone"),
        ("Nomor HP", "phone"),
        ("No WA", "phone"),
        ("No. HP/WA", "phone"),
        ("Telepon", "phone"),
        ("Nama Wali", "guardian_name"),
        ("Hubungan Wali", "guardian_relation"),
        ("HP Wali", "guardian_phone"),
        ("No. HP Wali", "guardian_phone"),
        ("Sektor Usaha", "business_sector"),
        ("Bidang usaha", "business_sector"),
        ("persetujuan", "consent"),
    ],
)
def test_synonyms(header, field):
    assert map_headers([header]).columns == {header: field}


def test_header_key_ignores_case_punctuation_and_hints():
    assert header_key("Tgl. Lahir [wajib]") == header_key("TANGGAL LAHIR")


def test_unknown_columns_are_listed_not_fatal():
    mapped = map_headers([*TEMPLATE, "Keterangan", "Pekerjaan Orang Tua", None, "  "])
    assert mapped.ok
    assert mapped.unknown == ["Keterangan", "Pekerjaan Orang Tua"]
    assert "Keterangan" in mapped.notices()[0]


def test_missing_required_columns_reported_in_indonesian():
    mapped = map_headers(["Nama", "No HP", "Jenis Kelamin"])
    assert not mapped.ok
    assert mapped.missing == ["nik", "birth_date", "desa_code", "disability"]
    (message,) = mapped.problems()
    assert message.startswith("Kolom wajib tidak ditemukan: NIK, Tanggal Lahir, Desa/Kelurahan, Ragam Disabilitas.")


def test_only_required_columns_are_enough():
    assert map_headers([FIELD_LABELS[f] for f in REQUIRED]).ok


def test_two_columns_for_one_field_is_a_problem():
    mapped = map_headers([*TEMPLATE, "Kelurahan"])
    assert not mapped.ok
    assert mapped.duplicated == {"desa_code": ["Desa/Kelurahan", "Kelurahan"]}
    assert mapped.columns["Desa/Kelurahan"] == "desa_code"
    assert "Kelurahan" not in mapped.columns
    assert "sisakan satu kolom" in mapped.problems()[0]


def test_no_spelling_maps_to_two_fields():
    from registry.importing import headers

    seen = {}
    for field, spellings in headers._SYNONYMS.items():
        for spelling in spellings:
            key = header_key(spelling)
            assert seen.setdefault(key, field) == field, spelling


def test_apply_keeps_header_with_value():
    mapped = map_headers(["No. NIK", "Nama", "Catatan"])
    cells = mapped.apply({"No. NIK": "3507255203900001", "Nama": "Siti", "Catatan": "x"})
    assert cells == {"nik": Cell("No. NIK", "3507255203900001"), "name": Cell("Nama", "Siti")}
