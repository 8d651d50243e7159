"""Reports for the forum: open problems by field, area and age; time from raised to programmed; the export."""
from __future__ import annotations

from datetime import date
from statistics import median

import sqlalchemy as sa

from inklusi_platform.contracts.problems import FIELDS, OPEN_STATUSES, STATUSES
from training.models.problems import Problem
from training.needs import priority
from training.needs.problems import days_to_programme, in_areas, links_by_problem, raisers_of, today

MALANG_RAYA = "malang_raya"  # the key of problems about all of Malang Raya
AGE_BUCKETS = ((30, "0-30"), (90, "31-90"), (180, "91-180"), (None, ">180"))  # days since raised
# A spreadsheet runs a cell starting with one of these as a formula (or DDE); titles come from people.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXPORT_COLUMNS = ("Judul", "Bidang", "Wilayah", "Status", "Tanggal diajukan", "Orang terdampak", "Keparahan",
                  "Skor prioritas", "Pengaju pokja", "Pengaju paguyuban", "Pengaju organisasi",
                  "Pengaju perorangan", "Hari sampai diprogramkan", "Ditindaklanjuti dengan", "Alasan ditolak")


def age_bucket(days: int) -> str:
    return next(label for limit, label in AGE_BUCKETS if limit is None or days <= limit)


def area_key(area_code: str | None) -> str:
    """Desa roll up to their kecamatan, so the forum reads one line per kecamatan."""
    if area_code is None:
        return MALANG_RAYA
    return ".".join(area_code.split(".")[:3])


def _problems(uow, areas) -> list[Problem]:
    query = sa.select(Problem).where(Problem.merged_into_id.is_(None))
    if areas is not None:
        query = query.where(in_areas(Problem.area_code, areas))
    return list(uow.session.scalars(query.order_by(Problem.raised_on, Problem.id)))


def summarise(problems: list[Problem], on: date) -> dict:
    """The figures, from rows already read: plain so the rules can be tested without a database."""
    open_rows = [p for p in problems if p.status in OPEN_STATUSES]
    by_area: dict[str, int] = {}
    for p in open_rows:
        by_area[area_key(p.area_code)] = by_area.get(area_key(p.area_code), 0) + 1
    programmed = [{"problem_id": p.id, "title": p.title, "field": p.field, "area_code": p.area_code,
                   "status": p.status, "raised_on": p.raised_on.isoformat(), "days": days_to_programme(p)}
                  for p in problems if p.programmed_at is not None]
    return {
        "open_total": len(open_rows),
        "by_status": {s: sum(1 for p in problems if p.status == s) for s in STATUSES},
        "open_by_field": {f: sum(1 for p in open_rows if p.field == f) for f in FIELDS},
        "open_by_area": dict(sorted(by_area.items())),
        "open_by_age": {label: sum(1 for p in open_rows if age_bucket((on - p.raised_on).days) == label)
                        for _, label in AGE_BUCKETS},
        "programmed": programmed,
        "median_days_to_programme": median([p["days"] for p in programmed]) if programmed else None,
    }


def stats(uow, areas) -> dict:
    return summarise(_problems(uow, areas), today())


def neutralise(value) -> str:
    """Text a spreadsheet shows as typed: a leading formula character is escaped with an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_rows(uow, areas) -> list[list[str]]:
    """The header and one row per problem, every cell text and formula-safe (persons only as a count)."""
    problems = _problems(uow, areas)
    raisers = raisers_of(uow, [p.id for p in problems])
    links = links_by_problem(uow, [p.id for p in problems])
    rows = [list(EXPORT_COLUMNS)]
    for p in problems:
        kinds = [r.kind for r in raisers[p.id]]
        answered = "; ".join(f"{link['kind']}: {link['title']}" for link in links[p.id])
        rows.append([neutralise(v) for v in (
            p.title, p.field, p.area_code or MALANG_RAYA, p.status, p.raised_on.isoformat(), p.people_affected,
            p.severity, priority.score(p.people_affected, p.severity, len(kinds))["total"],
            kinds.count("pokja"), kinds.count("paguyuban"), kinds.count("organisasi"), kinds.count("person"),
            days_to_programme(p), answered, p.reject_reason)])
    return rows
