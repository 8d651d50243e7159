"""Small cells hidden from figures shared with callers who see no personal record (forum, partners).

A count from 1 to threshold-1 can point at a person ("the one deaf woman over 60 in Pujon"), so it
is suppressed (primary). A published total would give a lone hidden cell away (total minus the
others), so in every group whose total is published either no non-zero member is hidden or at
least two are: the smallest other non-zero member is hidden too (secondary), or, when there is
none, the total itself. Hiding a total can expose a cell of the group above, so this repeats until
nothing changes. Zeros are published: they point at nobody.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable

DEFAULT_THRESHOLD = 5


def suppress(cells: dict[Hashable, int], groups: Iterable[tuple[Hashable | None, list[Hashable]]],
             threshold: int) -> set:
    """The keys of `cells` to hide. `groups` are (total's key or None, member keys): total = sum of members,
    or at least bounded by it (a person counted under several categories)."""
    groups = [(total, [m for m in members if m in cells]) for total, members in groups]
    hidden = {key for key, count in cells.items() if 0 < count < threshold}
    changed = True
    while changed:
        changed = False
        for total, members in groups:
            if total is None or total in hidden:
                continue  # nothing published to subtract from
            lone = [m for m in members if m in hidden and cells[m] > 0]
            if len(lone) != 1:
                continue
            others = sorted((cells[m], str(m), m) for m in members if m not in hidden and cells[m] > 0)
            hidden.add(others[0][2] if others else total)
            changed = True
    return hidden
