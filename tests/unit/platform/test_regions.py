"""Region reference data: the vendored copy, lookups, hierarchy and area coverage."""
import csv
from pathlib import Path

import pytest

import inklusi_platform.regions as regions_module
from inklusi_platform.regions import (
    MALANG_RAYA,
    Region,
    Regions,
    covers,
    is_area_code,
    malang_raya_kecamatan,
    regions,
)

VENDORED = Path(regions_module.__file__).parent / "reference"
SHARED = Path(__file__).parents[3] / ".." / "shared" / "reference"


def _csv_rows(name):
    with open(VENDORED / name, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("name", ["wilayah_kecamatan.csv", "wilayah_malang_raya_desa.csv"])
def test_vendored_csv_is_identical_to_shared_reference(name):
    if not SHARED.is_dir():
        pytest.skip("../shared/reference is not present next to the repository")
    assert (VENDORED / name).read_bytes() == (SHARED / name).read_bytes()


def test_every_csv_row_is_loaded():
    expected = len(_csv_rows("wilayah_kecamatan.csv")) + len(_csv_rows("wilayah_malang_raya_desa.csv"))
    assert expected > 8000
    assert len(regions()) == expected


def test_regions_is_loaded_once():
    assert regions() is regions()


def test_malang_raya_has_41_kecamatan_33_5_3():
    per_area = {
        area: [r for r in _csv_rows("wilayah_kecamatan.csv") if r["parent_code"] == area and r["level"] == "kecamatan"]
        for area in MALANG_RAYA
    }
    assert [len(per_area[a]) for a in MALANG_RAYA] == [33, 5, 3]
    found = malang_raya_kecamatan()
    assert len(found) == 41
    assert [r.code for r in found] == [row["code"] for a in MALANG_RAYA for row in per_area[a]]
    assert all(r.level == "kecamatan" for r in found)


def test_get_returns_frozen_region():
    lawang = regions().get("35.07.25")
    assert lawang == Region("35.07.25", "Lawang", "kecamatan", "35.07")
    with pytest.raises(AttributeError):
        lawang.name = "X"  # type: ignore[misc]
    assert regions().get(" 35.07.25 ") == lawang
    assert regions().get("35.07.99") is None
    assert regions().get(None) is None  # type: ignore[arg-type]


def test_top_level_has_no_parent():
    assert regions().get("35").parent_code is None
    assert regions().get("35").level == "provinsi"


def test_children_sorted_by_code_and_a_copy():
    kids = regions().children("35.79")
    assert [k.code for k in kids] == ["35.79.01", "35.79.02", "35.79.03"]
    kids.clear()
    assert len(regions().children("35.79")) == 3
    desa = regions().children("35.07.25")
    assert desa and [d.code for d in desa] == sorted(d.code for d in desa)
    assert all(d.level == "desa_kelurahan" for d in desa)
    assert regions().children("99.99") == []


def test_kecamatan_of():
    assert regions().kecamatan_of("35.07.25.2001").code == "35.07.25"
    assert regions().kecamatan_of("35.73.01.1003").name == "Blimbing"
    assert regions().kecamatan_of("35.07.25").code == "35.07.25"
    with pytest.raises(KeyError):
        regions().kecamatan_of("35.07.25.9999")
    with pytest.raises(ValueError):
        regions().kecamatan_of("35.07")


@pytest.mark.parametrize(
    "prefix, code",
    [("350725", "35.07.25"), ("357301", "35.73.01"), ("357903", "35.79.03"), ("317101", "31.71.01")],
)
def test_from_nik_prefix_finds_kecamatan(prefix, code):
    assert regions().from_nik_prefix(prefix).code == code


@pytest.mark.parametrize("prefix", ["350799", "350700", "3507", "3507251", "35072a", "", None, 350725])
def test_from_nik_prefix_rejects(prefix):
    assert regions().from_nik_prefix(prefix) is None


@pytest.mark.parametrize(
    "area, target, expected",
    [
        ("35.07", "35.07", True),
        ("35.07", "35.07.25", True),
        ("35.07", "35.07.25.2001", True),
        ("35", "35.73.01", True),
        ("35.07.25", "35.07.25.2001", True),
        ("35.7", "35.73", False),
        ("35.07.2", "35.07.25", False),
        ("35.07.25", "35.07", False),
        ("35.07", "35.073", False),
        ("35.07", "35.73.01", False),
        ("35.07.25.2001", "35.07.25.2002", False),
    ],
)
def test_covers(area, target, expected):
    assert covers(area, target) is expected
    assert Regions.covers(area, target) is expected


@pytest.mark.parametrize(
    "code, expected",
    [
        ("35", True),
        ("35.07", True),
        ("35.07.25", True),
        ("35.07.25.2001", True),
        ("31.71.01", True),
        ("35.07.99", False),
        ("35.7", False),
        ("", False),
        ("35.07.25.", False),
    ],
)
def test_is_area_code(code, expected):
    assert is_area_code(code) is expected
    assert regions().is_area_code(code) is expected


def test_desa_named_is_forgiving_and_limited_to_the_area():
    assert [r.code for r in regions().desa_named("SIDOLUHUR")] == ["35.07.25.2001"]
    assert [r.code for r in regions().desa_named("Desa  Sidoluhur")] == ["35.07.25.2001"]
    assert [r.code for r in regions().desa_named("Kel. Polowijen")] == ["35.73.01.1003"]
    assert [r.code for r in regions().desa_named("oro oro dowo")] == ["35.73.02.1008"]
    assert regions().desa_named("Sidoluhur", within=["35.73"]) == []
    assert regions().desa_named("Atlantis") == []


def test_desa_named_returns_every_namesake():
    sidorejo = regions().desa_named("Sidorejo")
    assert len(sidorejo) > 1
    assert len({r.parent_code for r in sidorejo}) == len(sidorejo)


def test_regions_rejects_unknown_level():
    with pytest.raises(ValueError):
        Regions([Region("99", "Nowhere", "negara_bagian", None)])
