"""Registry figures for reports: counts only, never an id or a name of a person, for aggregate-only roles."""
from __future__ import annotations

import json
from collections import Counter
from datetime import date

import sqlalchemy as sa

from registry import history
from registry.group_schemas import within
from registry.models.groups import STAGES, Paguyuban, PaguyubanMember, Pokja, PokjaMembership
from registry.models.persons import Person
from registry.persons import area_condition, check_areas

# (label, lowest age in the band); the last band is open-ended.
AGE_BANDS = (("0-17", 0), ("18-29", 18), ("30-44", 30), ("45-59", 45), ("60+", 60))


def _years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February in a year that has none
        return today.replace(year=today.year - years, day=28)


def _age_band(today: date):
    """SQL CASE giving the band of Person.birth_date on `today` (someone is N on their Nth birthday)."""
    whens = [(Person.birth_date > _years_before(today, AGE_BANDS[i + 1][1]), label)
             for i, (label, _) in enumerate(AGE_BANDS[:-1])]
    return sa.case(*whens, else_=AGE_BANDS[-1][0])


def registry_stats(uow, areas) -> dict:
    areas = check_areas(areas)
    return {
        "persons": _persons(uow, areas),
        "pokja_by_stage": _pokja_by_stage(uow, areas),
        "paguyuban": _paguyuban(uow, areas),
    }


def _persons(uow, areas) -> list[dict]:
    """Active persons by kecamatan, category, sex and age band.

    A person counts once under each of their categories ('ganda' included), as reports count them.
    Grouped in SQL on the categories' JSON text, so the rows coming back are few whatever the size.
    """
    if areas is not None and not areas:
        return []
    band = _age_band(history.today()).label("age_band")
    categories = sa.cast(Person.categories, sa.Text).label("categories")
    query = sa.select(Person.kecamatan_code, Person.sex, band, categories, sa.func.count()).where(
        Person.status == "active")
    if areas is not None:
        query = query.where(sa.or_(*[area_condition(area) for area in areas]))
    query = query.group_by(Person.kecamatan_code, Person.sex, band, categories)
    counts: Counter = Counter()
    for kecamatan_code, sex, age_band, text, count in uow.session.execute(query):
        for category in json.loads(text) if text else []:
            counts[(kecamatan_code, category, sex, age_band)] += count
    order = {label: i for i, (label, _) in enumerate(AGE_BANDS)}
    return [
        {"kecamatan_code": k, "category": c, "sex": s, "age_band": b, "count": n}
        for (k, c, s, b), n in sorted(counts.items(), key=lambda item: (*item[0][:3], order[item[0][3]]))
    ]


def _pokja_by_stage(uow, areas) -> list[dict]:
    """Every stage, even an empty one, with its pokja and their active members."""
    members = (sa.select(PokjaMembership.pokja_id, sa.func.count().label("members"))
               .where(PokjaMembership.left_on.is_(None)).group_by(PokjaMembership.pokja_id).subquery())
    query = (sa.select(Pokja.stage, sa.func.count(Pokja.id), sa.func.coalesce(sa.func.sum(members.c.members), 0))
             .outerjoin(members, members.c.pokja_id == Pokja.id).group_by(Pokja.stage))
    if areas is not None:
        query = query.where(within(Pokja.area_code, areas))
    found = {stage: (pokja, int(count)) for stage, pokja, count in uow.session.execute(query)}
    return [{"stage": stage, "pokja": found.get(stage, (0, 0))[0], "members": found.get(stage, (0, 0))[1]}
            for stage in STAGES]


def _paguyuban(uow, areas) -> list[dict]:
    query = (sa.select(Paguyuban.kecamatan_code, Paguyuban.id, sa.func.count(PaguyubanMember.id))
             .outerjoin(PaguyubanMember, sa.and_(PaguyubanMember.paguyuban_id == Paguyuban.id,
                                                 PaguyubanMember.left_on.is_(None)))
             .group_by(Paguyuban.kecamatan_code, Paguyuban.id).order_by(Paguyuban.kecamatan_code))
    if areas is not None:
        query = query.where(within(Paguyuban.kecamatan_code, areas))
    return [{"kecamatan_code": k, "paguyuban_id": pid, "members": n} for k, pid, n in uow.session.execute(query)]
