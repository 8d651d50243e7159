"""Counts of active persons kept as persons change, so that statistics read a few thousand rows, not the register.

    python -m registry recount

Every change that moves a person between cells (registration, import, an update of sex, birth date,
categories, residence or status, a merge) calls `persons_added` or `person_changed` in its own unit
of work. The change is noted on the session and written just before it commits (one upsert for the
whole unit, an import batch included), so it commits or rolls back with the change, and the count
rows, which every writer in a cell shares, stay locked only for the commit itself, never while the
unit waits for something else. A savepoint rolled back takes its notes with it. Consents do not
enter the figures.

Age bands move with the calendar, not with writes. The counts hold bands as of one day (`as_of` in
person_counts_state). Read on another day, `roll` first moves the persons whose band changed in
between: for each band boundary N, those born in (N years before as_of, N years before today]. That
is an index range on birth_date: one day's births on an ordinary day, none on a 29 February (born on
29 February N years ago has no such day then; they become N on 1 March), two on the following
1 March. A gap of several days, or a clock going back, is the same range, wider or reversed.

A committing unit counts its persons in their bands as of `as_of`, under a share lock on the state
row that it holds until its commit ends; a roll takes that row exclusively. So a roll waits for the
commits in flight and then sees their persons, and no person is moved twice or missed.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from inklusi_platform import clock
from inklusi_platform.engines import make_engine
from registry.models.counts import person_counts, person_counts_state

# (label, lowest age in the band); the last band is open-ended.
AGE_BANDS = (("0-17", 0), ("18-29", 18), ("30-44", 30), ("45-59", 45), ("60+", 60))
# Each band beside the next one up, whose lowest age is the boundary between them.
_BOUNDARIES = tuple(zip(AGE_BANDS[:-1], AGE_BANDS[1:], strict=True))
TOTAL = "*"  # the category under which each person is counted once
COUNTED_STATUS = "active"
KEY = ("desa_code", "kecamatan_code", "sex", "age_band", "category")
FACTS = ("kecamatan_code", "desa_code", "sex", "birth_date", "categories", "status")

# Plain table, not the model: the migration that first fills the counts runs this too.
_persons = sa.table("persons", sa.column("kecamatan_code"), sa.column("desa_code"), sa.column("sex"),
                    sa.column("birth_date", sa.Date), sa.column("categories"), sa.column("status"))


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def band_of(birth_date: date, on: date) -> str:
    """The age band on `on` (someone is N on their Nth birthday; born 29 February, on 1 March in other years)."""
    for (label, _), (_, upper) in _BOUNDARIES:
        if birth_date > years_before(on, upper):
            return label
    return AGE_BANDS[-1][0]


def _band_sql(on: date):
    whens = [(_persons.c.birth_date > years_before(on, upper), label)
             for (label, _), (_, upper) in _BOUNDARIES]
    return sa.case(*whens, else_=AGE_BANDS[-1][0])


def facts(person) -> dict:
    """What the counts need of a person (a Person, a row or a dict)."""
    if isinstance(person, Mapping):
        return {name: person.get(name) for name in FACTS}
    return {name: getattr(person, name) for name in FACTS}


def _cells(kecamatan: str, desa: str, sex: str, band: str, categories) -> list[tuple]:
    return [(area, kecamatan, sex, band, category)
            for area in (desa, "") for category in (TOTAL, *dict.fromkeys(categories or ()))]


# --- writing -------------------------------------------------------------------------------------

def persons_added(session, persons: Iterable[Mapping]) -> None:
    """New persons (dicts with kecamatan_code, desa_code, sex, birth_date, categories, status): one call per batch."""
    _apply(session, [], list(persons))


def person_added(session, person) -> None:
    _apply(session, [], [facts(person)])


def person_changed(session, before: Mapping, after: Mapping) -> None:
    """One person's facts before and after a change (status too: leaving 'active' removes them)."""
    _apply(session, [before], [after])


_PENDING = "registry.counts.pending"


def _counted(persons: list) -> list[dict]:
    return [{**p, "birth_date": date.fromisoformat(p["birth_date"]) if isinstance(p["birth_date"], str)
             else p["birth_date"]} for p in persons if p["status"] == COUNTED_STATUS]


def _apply(session, removed: list, added: list) -> None:
    removed, added = _counted(removed), _counted(added)
    if not removed and not added:
        return
    if not isinstance(session, Session):  # a Connection (Core, no commit hook): written now
        _write(session, [(None, removed, added)])
        return
    # Tagged with the innermost transaction, so a savepoint's rollback can drop what it noted.
    tag = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING, []).append((tag, removed, added))


def write_pending(session: Session) -> None:
    """Write the changes noted on the session (before a commit, or before the counts are read)."""
    pending = session.info.pop(_PENDING, None)
    if pending:
        _write(session, pending)


def _write(bind, pending: list) -> None:
    as_of = _as_of(bind, lock="share")
    deltas: Counter = Counter()
    for _, removed, added in pending:
        for sign, group in ((-1, removed), (1, added)):
            for p in group:
                for key in _cells(p["kecamatan_code"], p["desa_code"], p["sex"], band_of(p["birth_date"], as_of),
                                  p["categories"]):
                    deltas[key] += sign
    _add(bind, deltas)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.info.get(_PENDING):
        write_pending(session)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    # A commit wrote the notes already (before_commit); a rollback or a close drops what it covered.
    pending = session.info.get(_PENDING)
    if pending:
        pending[:] = [entry for entry in pending if not _within(entry[0], transaction)]


def _within(transaction, ancestor) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def _dialect(bind):
    return bind.dialect if hasattr(bind, "dialect") else bind.get_bind().dialect


def _insert(dialect: str):
    """The dialect's own INSERT, which has ON CONFLICT."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover
        raise RuntimeError(f"counts need an upsert, which {dialect} lacks here")
    return insert


def _upsert(dialect: str):
    statement = _insert(dialect)(person_counts)
    return statement.on_conflict_do_update(index_elements=list(KEY),
                                           set_={"n": person_counts.c.n + statement.excluded.n})


def _upsert_unnested():
    """PostgreSQL's upsert of all the cells in one statement, from one array per column.

    SQLAlchemy runs an ON CONFLICT DO UPDATE executed with many rows one row at a time (it keeps
    such statements out of its multi-row VALUES batching): an import batch's few thousand cells
    were as many round trips.
    """
    from sqlalchemy.dialects.postgresql import ARRAY, insert

    types = {**{name: ARRAY(sa.String) for name in KEY}, "n": ARRAY(sa.Integer)}
    cells = sa.func.unnest(*(sa.bindparam(name, type_=types[name]) for name in (*KEY, "n"))) \
        .table_valued(*KEY, "n").render_derived()
    # Ordered by key, so two writers lock the cells they share in one order.
    statement = insert(person_counts).from_select([*KEY, "n"],
                                                  sa.select(*cells.c).order_by(*(cells.c[name] for name in KEY)))
    return statement.on_conflict_do_update(index_elements=list(KEY),
                                           set_={"n": person_counts.c.n + statement.excluded.n})


# Built once per dialect; each call is one statement, nothing to build per call.
_UPSERTS = {dialect: _upsert(dialect) for dialect in ("postgresql", "sqlite")}
_FIRST_STATE = {dialect: _insert(dialect)(person_counts_state).on_conflict_do_nothing(index_elements=["id"])
                for dialect in ("postgresql", "sqlite")}
_UPSERT_UNNESTED = _upsert_unnested()
_STATE = sa.select(person_counts_state.c.as_of).where(person_counts_state.c.id == 1)
_LOCKED_STATE = {None: _STATE, "share": _STATE.with_for_update(read=True, key_share=True),
                 "update": _STATE.with_for_update()}


def _add(bind, deltas: Mapping) -> None:
    """Add the deltas to their cells in one statement; keys in order, so two writers lock rows alike."""
    cells = [(*key, n) for key, n in sorted(deltas.items()) if n]
    if not cells:
        return
    dialect = _dialect(bind).name
    if dialect == "postgresql":
        columns = zip(*cells, strict=True)
        bind.execute(_UPSERT_UNNESTED, {name: list(column) for name, column in zip((*KEY, "n"), columns, strict=True)})
    else:
        bind.execute(_UPSERTS[dialect], [dict(zip((*KEY, "n"), cell, strict=True)) for cell in cells])


def _as_of(bind, lock: str | None = None) -> date:
    """The counts' day. `lock`: 'share' (a writer) or 'update' (a roll or a rebuild), held until commit."""
    query = _LOCKED_STATE[lock]
    found = bind.execute(query).scalar()
    if found is None:
        # A database made from the models or emptied (tests, a fresh SQLite file): no persons were
        # counted yet. Concurrent first writers may all get here: the first insert wins, the rest wait.
        bind.execute(_FIRST_STATE[_dialect(bind).name].values(id=1, as_of=clock.today()))
        found = bind.execute(query).scalar()
    return found


# --- the daily roll ------------------------------------------------------------------------------

def roll(bind, today: date) -> None:
    """Bring the counts' age bands to `today` (see the module's note)."""
    if _as_of(bind) == today:
        return
    as_of = _as_of(bind, lock="update")  # another reader may have rolled while we waited
    if as_of == today:
        return
    deltas: Counter = Counter()
    categories = sa.cast(_persons.c.categories, sa.Text)
    for (below, _), (above, boundary) in _BOUNDARIES:
        low, high, sign = years_before(as_of, boundary), years_before(today, boundary), 1
        if low > high:  # back in time: persons leave the upper band
            low, high, sign = high, low, -1
        if low == high:
            continue
        query = (sa.select(_persons.c.kecamatan_code, _persons.c.desa_code, _persons.c.sex, categories,
                           sa.func.count())
                 .where(_persons.c.status == COUNTED_STATUS, _persons.c.birth_date > low,
                        _persons.c.birth_date <= high)
                 .group_by(_persons.c.kecamatan_code, _persons.c.desa_code, _persons.c.sex, categories))
        for kecamatan, desa, sex, listed, n in bind.execute(query):
            listed = json.loads(listed) if listed else []
            for key in _cells(kecamatan, desa, sex, below, listed):
                deltas[key] -= sign * n
            for key in _cells(kecamatan, desa, sex, above, listed):
                deltas[key] += sign * n
    _add(bind, deltas)
    bind.execute(person_counts_state.update().where(person_counts_state.c.id == 1).values(as_of=today))


# --- reading -------------------------------------------------------------------------------------

def _widest(areas: list[str]) -> list[str]:
    """The areas without those inside another one asked for, so nobody is counted twice."""
    areas = list(dict.fromkeys(areas))
    return [a for a in areas if not any(b != a and a.startswith(b + ".") for b in areas)]


def _area_condition(code: str):
    depth = code.count(".")
    if depth == 3:
        return person_counts.c.desa_code == code
    level = person_counts.c.desa_code == ""
    if depth == 2:
        return sa.and_(level, person_counts.c.kecamatan_code == code)
    return sa.and_(level, person_counts.c.kecamatan_code.like(code + ".%"))


def read(bind, areas: list[str] | None, today: date) -> dict:
    """Active persons in the areas (None: everywhere) on `today`: distinct per (kecamatan, sex, age band),
    and per (kecamatan, category, sex, age band). A person counts once under each of their categories."""
    persons: Counter = Counter()
    categories: Counter = Counter()
    if areas is not None and not areas:
        return {"persons": persons, "categories": categories}
    if isinstance(bind, Session):  # this unit's own changes first, as a query would see them
        bind.flush()
        write_pending(bind)
    roll(bind, today)
    c = person_counts.c
    query = sa.select(c.kecamatan_code, c.sex, c.age_band, c.category, c.n).where(c.n != 0)
    if areas is None:
        query = query.where(c.desa_code == "")
    else:
        query = query.where(sa.or_(*[_area_condition(area) for area in _widest(areas)]))
    for kecamatan, sex, band, category, n in bind.execute(query).all():
        if category == TOTAL:
            persons[(kecamatan, sex, band)] += n
        else:
            categories[(kecamatan, category, sex, band)] += n
    return {"persons": +persons, "categories": +categories}


# --- rebuilding ----------------------------------------------------------------------------------

def rebuild(bind, today: date | None = None) -> int:
    """Count every active person afresh (after a migration, or to check); returns how many were counted."""
    today = today or clock.today()
    _as_of(bind, lock="update")
    band = _band_sql(today)
    categories = sa.cast(_persons.c.categories, sa.Text)
    query = (sa.select(_persons.c.kecamatan_code, _persons.c.desa_code, _persons.c.sex, band, categories,
                       sa.func.count())
             .where(_persons.c.status == COUNTED_STATUS)
             .group_by(_persons.c.kecamatan_code, _persons.c.desa_code, _persons.c.sex, band, categories))
    cells: Counter = Counter()
    counted = 0
    for kecamatan, desa, sex, age_band, listed, n in bind.execute(query):
        counted += n
        for key in _cells(kecamatan, desa, sex, age_band, json.loads(listed) if listed else []):
            cells[key] += n
    bind.execute(person_counts.delete())
    if cells:
        bind.execute(person_counts.insert(),
                     [dict(zip(KEY, key, strict=True), n=n) for key, n in sorted(cells.items())])
    bind.execute(person_counts_state.update().where(person_counts_state.c.id == 1).values(as_of=today))
    return counted


def add_commands(subparsers) -> None:
    command = subparsers.add_parser("recount", help="hitung ulang tabel jumlah orang (statistik) dari data orang")
    command.set_defaults(handler=recount)


def recount(args, config) -> int:
    engine = make_engine(config["DATABASE_URL"])
    try:
        with engine.begin() as connection:
            counted = rebuild(connection)
    finally:
        engine.dispose()
    print(f"{counted} orang aktif dihitung ulang", file=sys.stderr)
    return 0
