"""Which of the registry's columns hold sealed personal data, and sealing them (again) under the current key.

    python -m registry rekey [--batch 500]

Used by the migration that first sealed existing rows and by `rekey` after a key rotation: a value
in clear is sealed, a value sealed under an older key is re-sealed, a value under the current key is
left alone; the NIK's blind index is recomputed (so rotating BLIND_INDEX_KEY works the same way).
Works on plain table names, not the models, so the migration keeps working when the models change.
"""
from __future__ import annotations

import sys

import sqlalchemy as sa

from inklusi_platform.engines import make_engine
from inklusi_platform.sealing import PREFIX, Keyring, keyring

SEALED_COLUMNS = {
    "persons": ("nik", "kk", "phone", "email", "diagnosis", "guardian_phone"),
    "paguyuban_members": ("phone",),
}
# Fields of a history entry (person_changes.changes) sealed as `person_changes.<field>`.
SEALED_HISTORY_FIELDS = ("nik", "kk", "phone", "email", "disability.diagnosis", "guardian.phone")


def _reseal(ring: Keyring, value, column: str):
    """(new value, changed?) for one stored value, clear or sealed."""
    if value is None:
        return None, False
    if isinstance(value, str) and value.startswith(PREFIX + "."):
        if ring.key_id_of(value) == ring.current:
            return value, False
        value = ring.open(value, column)
    return ring.seal(value, column), True


def reseal_all(connection, ring: Keyring | None = None, batch: int = 500) -> dict:
    """Seal every personal value under the current key; returns rows changed per table."""
    ring = ring or keyring()
    changed = {}
    for table_name, columns in SEALED_COLUMNS.items():
        table = sa.table(table_name, sa.column("id"), *[sa.column(c, sa.Text) for c in columns],
                         *([sa.column("nik_index", sa.String)] if table_name == "persons" else []))
        changed[table_name] = 0
        last = ""
        while True:
            rows = connection.execute(sa.select(table.c.id, *[table.c[c] for c in columns])
                                      .where(table.c.id > last).order_by(table.c.id).limit(batch)).all()
            if not rows:
                break
            for row in rows:
                values, dirty = {}, False
                for column in columns:
                    values[column], was_changed = _reseal(ring, getattr(row, column), f"{table_name}.{column}")
                    dirty |= was_changed
                if table_name == "persons":
                    nik = ring.open(values["nik"], "persons.nik")
                    values["nik_index"] = ring.blind_index(nik, "persons.nik")
                    dirty = True  # the index key may have been rotated too
                if dirty:
                    connection.execute(sa.update(table).where(table.c.id == row.id).values(**values))
                    changed[table_name] += 1
            last = rows[-1].id
    changed["person_changes"] = _reseal_history(connection, ring, batch)
    return changed


def _reseal_history(connection, ring: Keyring, batch: int) -> int:
    table = sa.table("person_changes", sa.column("id", sa.BigInteger), sa.column("changes", sa.JSON))
    changed, last = 0, 0
    while True:
        rows = connection.execute(sa.select(table.c.id, table.c.changes).where(table.c.id > last)
                                  .order_by(table.c.id).limit(batch)).all()
        if not rows:
            return changed
        for row in rows:
            changes, dirty = dict(row.changes or {}), False
            for field in SEALED_HISTORY_FIELDS:
                if isinstance(changes.get(field), list):
                    pair = [_reseal(ring, value, f"person_changes.{field}") for value in changes[field]]
                    if any(was_changed for _, was_changed in pair):
                        changes[field], dirty = [value for value, _ in pair], True
            if dirty:
                connection.execute(sa.update(table).where(table.c.id == row.id).values(changes=changes))
                changed += 1
        last = rows[-1].id


def add_commands(subparsers) -> None:
    command = subparsers.add_parser("rekey", help="segel ulang data pribadi dengan kunci terbaru (FIELD_KEYS)")
    command.add_argument("--batch", type=int, default=500, help="baris per langkah")
    command.set_defaults(handler=rekey)


def rekey(args, config) -> int:
    engine = make_engine(config["DATABASE_URL"])
    try:
        with engine.begin() as connection:
            changed = reseal_all(connection, batch=args.batch)
    finally:
        engine.dispose()
    ring = keyring()
    print(f"kunci {ring.current}: " + ", ".join(f"{table} {count} baris" for table, count in changed.items()),
          file=sys.stderr)
    return 0
