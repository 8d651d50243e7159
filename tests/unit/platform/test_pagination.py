import pytest

from inklusi_platform.errors import ValidationFailed
from inklusi_platform.pagination import MAX_LIMIT, clamp_limit, decode_cursor, encode_cursor, page


def test_cursor_round_trips_and_is_opaque():
    cursor = encode_cursor({"id": "abc", "name": "Siti"})
    assert "Siti" not in cursor
    assert decode_cursor(cursor) == {"id": "abc", "name": "Siti"}


@pytest.mark.parametrize("bad", ["%%%", "bm90IGpzb24", encode_cursor({"a": 1})[:-3] + "!!"])
def test_garbage_cursor_is_a_validation_error(bad):
    with pytest.raises(ValidationFailed) as error:
        decode_cursor(bad)
    assert "cursor" in error.value.details


def test_limit_is_capped_and_checked():
    assert clamp_limit(None) == 50
    assert clamp_limit("10") == 10
    assert clamp_limit(10_000) == MAX_LIMIT
    with pytest.raises(ValidationFailed):
        clamp_limit(0)
    with pytest.raises(ValidationFailed):
        clamp_limit("ten")


def test_page_sets_next_cursor_only_when_more_rows_exist():
    rows = [{"id": i} for i in range(4)]
    first = page(rows, 3, lambda r: {"id": r["id"]})
    assert [r["id"] for r in first["items"]] == [0, 1, 2]
    assert decode_cursor(first["next_cursor"]) == {"id": 2}
    assert page(rows[:3], 3, lambda r: r)["next_cursor"] is None


def test_cursor_keys_can_be_required_with_their_types():
    cursor = encode_cursor({"name": "Siti", "id": "p1"})
    assert decode_cursor(cursor, name=str, id=str) == {"name": "Siti", "id": "p1"}
    with pytest.raises(ValidationFailed):
        decode_cursor(encode_cursor({"name": "Siti"}), name=str, id=str)
    with pytest.raises(ValidationFailed):
        decode_cursor(encode_cursor({"name": 5, "id": "p1"}), name=str, id=str)
