"""Coverage: which of Malang Raya's 41 kecamatan have a pokja, from the reference regions."""
from datetime import date

import pytest

from inklusi_platform.regions import regions
from registry import coverage, history, pokja

# The six pilot pokja. Sawojajar is a kelurahan of Kedungkandang (Kota Malang), so it and the
# Kedungkandang pokja cover one kecamatan between them.
PILOTS = {
    "Pokja Lawang": "35.07.25",
    "Pokja Singosari": "35.07.24",
    "Pokja Kepanjen": "35.07.13",
    "Pokja Sawojajar": "35.73.03.1008",
    "Pokja Kedungkandang": "35.73.03",
    "Pokja Sukun": "35.73.04",
}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(history, "today", lambda: date(2025, 6, 1))


def test_the_reference_data_places_the_pilot_areas_where_we_expect():
    assert regions().get("35.73.03.1008").name == "Sawojajar"
    assert regions().kecamatan_of("35.73.03.1008").name == "Kedungkandang"
    assert [regions().get(code).name for code in ("35.07.25", "35.07.24", "35.07.13", "35.73.04")] == [
        "Lawang", "Singosari", "Kepanjen", "Sukun"]


def test_nothing_covered_lists_all_41_kecamatan(uow):
    report = coverage.coverage(uow)
    assert (report["total"], report["covered"], report["not_covered"]) == (41, 0, 41)
    by_kabupaten = {}
    for kecamatan in report["kecamatan"]:
        by_kabupaten.setdefault(kecamatan["kabupaten_name"], []).append(kecamatan["code"])
    assert {name: len(codes) for name, codes in by_kabupaten.items()} == {
        "Kabupaten Malang": 33, "Kota Malang": 5, "Kota Batu": 3}


def test_the_six_pilot_pokja_cover_five_kecamatan(uow, actor):
    for name, area in PILOTS.items():
        pokja.form_pokja(uow, {"name": name, "area_code": area, "formed_on": "2024-01-15"}, actor)
    report = coverage.coverage(uow)
    assert (report["total"], report["covered"], report["not_covered"]) == (41, 5, 36)
    covered = {k["name"]: k["pokja_count"] for k in report["kecamatan"] if k["covered"]}
    assert covered == {"Lawang": 1, "Singosari": 1, "Kepanjen": 1, "Kedungkandang": 2, "Sukun": 1}
    kedungkandang = next(k for k in report["kecamatan"] if k["code"] == "35.73.03")
    assert kedungkandang == {"code": "35.73.03", "name": "Kedungkandang", "kabupaten_code": "35.73",
                             "kabupaten_name": "Kota Malang", "pokja_count": 2, "covered": True}
    assert not next(k for k in report["kecamatan"] if k["name"] == "Klojen")["covered"]
    assert [k["code"] for k in report["kecamatan"]] == [k.code for k in regions().malang_raya_kecamatan()]
