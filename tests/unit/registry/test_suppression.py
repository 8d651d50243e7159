"""Small-cell suppression: primary below the threshold, secondary wherever a published total would tell."""
from registry.suppression import suppress


def test_cells_below_the_threshold_are_hidden_but_zeros_are_not():
    assert suppress({"a": 0, "b": 3, "c": 5, "d": 40}, [], 5) == {"b"}


def test_a_lone_hidden_cell_takes_the_smallest_other_cell_with_it():
    cells = {"total": 52, "a": 2, "b": 30, "c": 8, "d": 12, "e": 0}
    assert suppress(cells, [("total", ["a", "b", "c", "d", "e"])], 5) == {"a", "c"}


def test_when_no_other_cell_can_hide_it_the_total_is_hidden_and_that_spreads_upwards():
    cells = {"all": 47, "k1": 3, "k2": 44, "k1.a": 3, "k1.b": 0, "k2.a": 20, "k2.b": 24}
    groups = [("all", ["k1", "k2"]), ("k1", ["k1.a", "k1.b"]), ("k2", ["k2.a", "k2.b"])]
    hidden = suppress(cells, groups, 5)
    # k1 is small itself; hiding it alone would let all - k2 give it: k2 goes too, then one of k2's cells.
    assert {"k1", "k1.a", "k2"} <= hidden
    assert "all" not in hidden


def test_a_group_without_a_published_total_needs_no_second_cell():
    assert suppress({"a": 1, "b": 9}, [(None, ["a", "b"])], 5) == {"a"}
