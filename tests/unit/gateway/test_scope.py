from gateway.access.scope import Scope, covers


def test_covers_by_whole_segments():
    assert covers("35.07", "35.07.25")
    assert covers("35.07", "35.07.25.2001")
    assert covers("35.07.25", "35.07.25")
    assert not covers("35.7", "35.73")
    assert not covers("35.07.2", "35.07.25")
    assert not covers("35.79", "35.07.25")


def test_batu_officer_does_not_cover_lawang():
    batu = Scope(frozenset({"35.79"}))
    assert batu.allows("35.79.01.1001")
    assert not batu.allows("35.07.25.2001")
    assert not batu.allows(None)


def test_unrestricted_scope_allows_everything_and_passes_filters_through():
    scope = Scope(None)
    assert scope.allows("11.01.01")
    assert scope.filter_areas(None) is None
    assert scope.filter_areas(["35.73", "35.73"]) == ["35.73"]


def test_list_filter_is_narrowed_to_the_callers_areas():
    malang = Scope(frozenset({"35.07"}))
    assert malang.filter_areas(None) == ["35.07"]
    assert malang.filter_areas(["35.07.25"]) == ["35.07.25"]  # narrower request stays
    assert malang.filter_areas(["35"]) == ["35.07"]  # wider request is cut down
    assert malang.filter_areas(["35.79"]) == []  # disjoint request sees nothing
