"""ETags and If-Match."""
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from gateway.access.etags import etag_for, if_match_ok

CURRENT = etag_for({"id": "a", "version": 3})


def test_etag_is_a_quoted_sha256():
    assert CURRENT.startswith('"') and CURRENT.endswith('"')
    assert len(CURRENT) == 66 and all(c in "0123456789abcdef" for c in CURRENT[1:-1])


def test_etag_is_stable_and_ignores_key_order():
    assert etag_for({"version": 3, "id": "a"}) == CURRENT
    nested = {"a": {"y": 1, "x": [1, 2]}, "b": None}
    assert etag_for(nested) == etag_for({"b": None, "a": {"x": [1, 2], "y": 1}})


def test_etag_changes_with_any_value():
    assert etag_for({"id": "a", "version": 4}) != CURRENT
    assert etag_for({"id": "b", "version": 3}) != CURRENT
    assert etag_for({"id": "a", "version": "3"}) != CURRENT
    assert etag_for({"x": [1, 2]}) != etag_for({"x": [2, 1]})


def test_etag_handles_dates_decimals_and_sets_stably():
    at = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    one = etag_for({"at": at, "amount": Decimal("1500000.00"), "tags": {"b", "a", "c"}})
    assert one == etag_for({"tags": {"c", "a", "b"}, "amount": Decimal("1500000.00"), "at": at})
    # Sets are tagged in sorted order, so the tag does not depend on the process's hash seed.
    assert etag_for({"tags": {"b", "a", "c"}}) == etag_for({"tags": ["a", "b", "c"]})
    assert etag_for({"at": at}) == etag_for({"at": "2026-11-28T10:00:00+00:00"})


def test_etag_refuses_values_it_cannot_serialise_stably():
    with pytest.raises(TypeError):
        etag_for({"x": object()})


@pytest.mark.parametrize("header", [
    CURRENT, f" {CURRENT} ", "*", " * ", f'"x", {CURRENT}', f'{CURRENT},"y"', f'"x",{CURRENT} , "y"',
    f"W/{CURRENT}", f'"x", W/{CURRENT}',
])
def test_if_match_accepts_the_current_tag(header):
    assert if_match_ok(header, CURRENT)


@pytest.mark.parametrize("header", [
    None, "", "  ", etag_for({"id": "a", "version": 2}), '"x", "y"', CURRENT[1:-1], f"w/{CURRENT}",
    f'{CURRENT} garbage', f'"x" {CURRENT}', '"*"', '*, "x"',
])
def test_if_match_refuses_stale_missing_or_malformed(header):
    assert not if_match_ok(header, CURRENT)


def test_a_weak_current_tag_still_compares_by_its_opaque_part():
    assert if_match_ok(CURRENT, f"W/{CURRENT}")
