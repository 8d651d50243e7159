"""Registry statistics kept as counts that change with the persons they count (stub until the counts land).

`persons_added` is called once per batch of new persons, inside the transaction that adds them,
so the counts and the persons are committed together. This stub keeps nothing: the module that
maintains the counts replaces it with the same signature.
"""
from __future__ import annotations


def persons_added(session, persons: list[dict]) -> None:
    """Count new persons in; each dict has at least kecamatan_code, desa_code, sex, birth_date (date),
    categories (list of str) and status."""
    return None
