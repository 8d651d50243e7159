"""Registry figures for reports: counts only, never a person's id or name; small cells hidden for aggregate roles."""
from __future__ import annotations

import functools
from collections import Counter

import sqlalchemy as sa

from inklusi_platform.errors import ValidationFailed
from inklusi_platform.regions import covers, regions
from registry import counts, history, suppression
from registry.counts import AGE_BANDS
from registry.group_schemas import within
from registry.models.groups import STAGES, Paguyuban, PaguyubanMember, Pokja, PokjaMembership
from registry.persons import check_areas


def registry_stats(uow, areas, min_cell=None) -> dict:
    """Figures for the caller's areas. With `min_cell` (callers who see no personal record) every
    count of persons below it is suppressed, with what would give it away: `count: null,
    suppressed: true`."""
    areas = check_areas(areas)
    if min_cell is not None and (isinstance(min_cell, bool) or not isinstance(min_cell, int) or min_cell < 1):
        raise ValidationFailed("Batas sel tidak valid", {"min_cell": ["Harus bilangan bulat 1 atau lebih."]})
    if min_cell is not None and areas and any(area.count(".") > 2 for area in areas):
        # A desa's figures subtracted from its kecamatan's would show what suppression hides.
        raise ValidationFailed("Statistik ini paling rinci per kecamatan.",
                               {"area": ["Pilih kecamatan atau wilayah yang lebih luas, bukan desa/kelurahan."]})
    threshold = min_cell or 0
    # With a threshold, cells are counted and hidden once over the whole register and the areas asked
    # for are cut out of that, so no answer for one area shows what the answer for another hides.
    rows = _counted(uow, areas if min_cell is None else None)
    figures = {
        "threshold": min_cell,
        "total_persons": {"count": sum(rows["persons"].values())},
        "kecamatan": _by_kecamatan(rows["persons"]),
        "totals": [{"kecamatan_code": k, "kecamatan_name": _kecamatan_name(k), "sex": s, "age_band": b, "count": n}
                   for (k, s, b), n in sorted(rows["persons"].items(), key=_order)],
        "persons": [{"kecamatan_code": k, "kecamatan_name": _kecamatan_name(k), "category": c, "sex": s,
                     "age_band": b, "count": n}
                    for (k, c, s, b), n in sorted(rows["categories"].items(),
                                                  key=lambda item: (*item[0][:3], _BAND[item[0][3]]))],
    }
    _suppress(figures, threshold)  # with no threshold, every figure is marked as shown
    if min_cell is not None and areas is not None:
        _keep_areas(figures, areas)
    figures["pokja_by_stage"] = _pokja_by_stage(uow, areas, threshold)
    figures["paguyuban"] = _paguyuban(uow, areas, threshold)
    return figures


def _keep_areas(figures: dict, areas: list[str]) -> None:
    """Only the rows of the areas asked for; their total only when it adds up figures already shown."""
    for key in ("kecamatan", "totals", "persons"):
        figures[key] = [row for row in figures[key]
                        if any(covers(area, row["kecamatan_code"]) for area in areas)]
    hidden = any(row["suppressed"] for row in figures["kecamatan"])
    figures["total_persons"] = {"count": None if hidden else sum(row["count"] for row in figures["kecamatan"]),
                                "suppressed": hidden}


_BAND = {label: i for i, (label, _) in enumerate(AGE_BANDS)}


def _order(item):
    (kecamatan, sex, band), _ = item
    return kecamatan, sex, _BAND[band]


@functools.lru_cache(maxsize=1024)
def _kecamatan_name(code: str) -> str | None:
    region = regions().get(code)
    return region.name if region else None


def _kecamatan(code: str) -> dict:
    return {"kecamatan_code": code, "kecamatan_name": _kecamatan_name(code)}


def _by_kecamatan(persons: dict) -> list[dict]:
    totals: Counter = Counter()
    for (kecamatan, _, _), count in persons.items():
        totals[kecamatan] += count
    return [{**_kecamatan(k), "count": n} for k, n in sorted(totals.items())]


def _counted(uow, areas) -> dict:
    """Active persons per (kecamatan, sex, age band) and per category, from the counts kept as they change."""
    return counts.read(uow.session, areas, history.today())


def _suppress(figures: dict, threshold: int) -> None:
    """Hide small person counts and whatever would give them away; mark each hidden figure."""
    if threshold <= 1:  # no count is below it: everything is shown, nothing to work out
        for row in (figures["total_persons"], *figures["kecamatan"], *figures["totals"], *figures["persons"]):
            row["suppressed"] = False
        return
    cells: dict = {("all",): figures["total_persons"]["count"]}
    groups = [(("all",), [])]
    for row in figures["kecamatan"]:
        cells[("kec", row["kecamatan_code"])] = row["count"]
        groups[0][1].append(("kec", row["kecamatan_code"]))
    by_kecamatan: dict = {}
    for row in figures["totals"]:
        key = ("cell", row["kecamatan_code"], row["sex"], row["age_band"])
        cells[key] = row["count"]
        by_kecamatan.setdefault(("kec", row["kecamatan_code"]), []).append(key)
    by_cell: dict = {}
    for row in figures["persons"]:
        key = ("cat", row["kecamatan_code"], row["category"], row["sex"], row["age_band"])
        cells[key] = row["count"]
        by_cell.setdefault(("cell", row["kecamatan_code"], row["sex"], row["age_band"]), []).append(key)
    groups += list(by_kecamatan.items()) + list(by_cell.items())
    hidden = suppression.suppress(cells, groups, threshold)

    def mark(row: dict, key) -> None:
        row["suppressed"] = key in hidden
        if row["suppressed"]:
            row["count"] = None

    mark(figures["total_persons"], ("all",))
    for row in figures["kecamatan"]:
        mark(row, ("kec", row["kecamatan_code"]))
    for row in figures["totals"]:
        mark(row, ("cell", row["kecamatan_code"], row["sex"], row["age_band"]))
    for row in figures["persons"]:
        mark(row, ("cat", row["kecamatan_code"], row["category"], row["sex"], row["age_band"]))


def _pokja_by_stage(uow, areas, threshold: int) -> list[dict]:
    """Every stage, even an empty one, with its pokja and their active members.

    A stage's members are hidden when any pokja in it has fewer than `threshold` (but some): then no
    difference between two answers (all areas, one area) can single out a small pokja's members.
    """
    members = (sa.select(PokjaMembership.pokja_id, sa.func.count().label("members"))
               .where(PokjaMembership.left_on.is_(None)).group_by(PokjaMembership.pokja_id).subquery())
    query = (sa.select(Pokja.stage, sa.func.coalesce(members.c.members, 0))
             .outerjoin(members, members.c.pokja_id == Pokja.id))
    if areas is not None:
        query = query.where(within(Pokja.area_code, areas))
    by_stage: dict[str, list[int]] = {stage: [] for stage in STAGES}
    for stage, count in uow.session.execute(query):
        by_stage[stage].append(int(count))
    rows = []
    for stage, members_of in by_stage.items():
        hidden = any(0 < n < threshold for n in members_of)
        rows.append({"stage": stage, "pokja": len(members_of), "members": None if hidden else sum(members_of),
                     "suppressed": hidden})
    return rows


def _paguyuban(uow, areas, threshold: int) -> list[dict]:
    """Each paguyuban's active members; a small count is hidden (nothing is summed over them)."""
    query = (sa.select(Paguyuban.kecamatan_code, Paguyuban.id, sa.func.count(PaguyubanMember.id))
             .outerjoin(PaguyubanMember, sa.and_(PaguyubanMember.paguyuban_id == Paguyuban.id,
                                                 PaguyubanMember.left_on.is_(None)))
             .group_by(Paguyuban.kecamatan_code, Paguyuban.id).order_by(Paguyuban.kecamatan_code))
    if areas is not None:
        query = query.where(within(Paguyuban.kecamatan_code, areas))
    return [{"kecamatan_code": k, "paguyuban_id": pid, "members": None if 0 < n < threshold else n,
             "suppressed": 0 < n < threshold} for k, pid, n in uow.session.execute(query)]
