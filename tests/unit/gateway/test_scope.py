"""Area scoping by wilayah codes."""
import pytest

from gateway.access.scope import Scope, covers, is_area_code

BATU = "35.79"
KAB_MALANG = "35.07"
LAWANG = "35.07.25"
LAWANG_DESA = "35.07.25.2001"
KOTA_MALANG = "35.73"


@pytest.mark.parametrize("area, target", [
    (KAB_MALANG, LAWANG), (KAB_MALANG, LAWANG_DESA), (LAWANG, LAWANG), (LAWANG, LAWANG_DESA), ("35", BATU),
])
def test_an_area_covers_itself_and_what_lies_beneath(area, target):
    assert covers(area, target)


@pytest.mark.parametrize("area, target", [
    ("35.7", KOTA_MALANG),  # prefix of the text, not of the segments
    ("35.07.2", LAWANG),
    (BATU, LAWANG),
    (LAWANG, KAB_MALANG),  # narrower never covers wider
    (LAWANG_DESA, LAWANG),
    (KAB_MALANG, KOTA_MALANG),
    ("", LAWANG), (KAB_MALANG, ""), (KAB_MALANG, None), (None, LAWANG),
    (KAB_MALANG, "35.07."), (KAB_MALANG, "35.07.x"), ("35.07.", "35.07..1"),
])
def test_covers_refuses_other_areas_and_malformed_codes(area, target):
    assert not covers(area, target)


def test_is_area_code():
    assert is_area_code(LAWANG_DESA) and is_area_code("35")
    assert not any(is_area_code(c) for c in ("", "35.", ".35", "35..07", "35.07 ", "3a.07", None, 35.07))


def test_a_batu_officer_does_not_reach_lawang():
    batu = Scope(frozenset({BATU}))
    assert batu.allows("35.79.01.1001")
    assert batu.allows(BATU)
    assert not batu.allows(LAWANG)
    assert not batu.allows(LAWANG_DESA)


def test_a_record_without_an_area_is_reached_only_without_limits():
    assert not Scope(frozenset({BATU})).allows(None)
    assert not Scope(frozenset({BATU})).allows("")
    assert Scope(None).allows(None)


def test_a_scope_with_no_areas_reaches_nothing():
    empty = Scope(frozenset())
    assert not empty.allows(LAWANG_DESA)
    assert empty.filter_areas(None) == []
    assert empty.filter_areas([KAB_MALANG]) == []


def test_several_areas():
    scope = Scope(frozenset({LAWANG, BATU}))
    assert scope.allows(LAWANG_DESA) and scope.allows("35.79.02")
    assert not scope.allows("35.07.01.2001")
    assert not scope.unrestricted and Scope(None).unrestricted


def test_unrestricted_scope_allows_everything_and_passes_filters_through():
    scope = Scope(None)
    assert scope.allows("11.01.01")
    assert scope.filter_areas(None) is None
    assert scope.filter_areas([]) is None
    assert scope.filter_areas([KOTA_MALANG, KOTA_MALANG]) == [KOTA_MALANG]
    assert scope.filter_areas([LAWANG, KAB_MALANG, BATU]) == [KAB_MALANG, BATU]


def test_without_a_request_a_scoped_list_shows_the_callers_areas():
    assert Scope(frozenset({KAB_MALANG})).filter_areas(None) == [KAB_MALANG]
    assert Scope(frozenset({BATU, LAWANG})).filter_areas([]) == [LAWANG, BATU]


def test_a_narrower_request_narrows():
    assert Scope(frozenset({KAB_MALANG})).filter_areas([LAWANG]) == [LAWANG]
    assert Scope(frozenset({KAB_MALANG})).filter_areas([LAWANG_DESA]) == [LAWANG_DESA]


def test_a_wider_request_is_cut_down_to_the_callers_areas():
    assert Scope(frozenset({LAWANG})).filter_areas([KAB_MALANG]) == [LAWANG]
    assert Scope(frozenset({LAWANG, BATU})).filter_areas(["35"]) == [LAWANG, BATU]


def test_a_disjoint_request_yields_nothing_not_everything():
    assert Scope(frozenset({BATU})).filter_areas([KAB_MALANG]) == []
    assert Scope(frozenset({BATU})).filter_areas([LAWANG]) == []
    assert Scope(frozenset({KAB_MALANG})).filter_areas([KOTA_MALANG]) == []


def test_a_mixed_request_keeps_only_the_parts_in_reach():
    scope = Scope(frozenset({KAB_MALANG}))
    assert scope.filter_areas([LAWANG, BATU, "35"]) == [KAB_MALANG]
    assert scope.filter_areas([LAWANG, BATU]) == [LAWANG]


def test_malformed_requested_codes_never_widen_the_filter():
    assert Scope(frozenset({KAB_MALANG})).filter_areas(["35.07.", "x"]) == []
    assert Scope(None).filter_areas(["35.07.", "x"]) == []
    assert Scope(None).filter_areas(["x", BATU]) == [BATU]


def test_a_single_code_given_as_a_string_is_one_area_not_its_characters():
    assert Scope(frozenset({KAB_MALANG})).filter_areas(LAWANG) == [LAWANG]
    assert Scope(None).filter_areas(BATU) == [BATU]


def test_the_record_area_decides_not_the_requested_filter():
    # A Batu officer asking for Lawang gets an empty filter, and a Lawang record stays out of reach.
    batu = Scope(frozenset({BATU}))
    assert batu.filter_areas([LAWANG]) == []
    assert not batu.allows(LAWANG_DESA)
