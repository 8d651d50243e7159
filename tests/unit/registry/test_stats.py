"""Registry figures: counts by kecamatan, category, sex and age band; pokja by stage; paguyuban members."""
from datetime import date

import pytest

from registry import history, paguyuban, pokja, stats
from tests.unit.registry.test_pokja import add_person

TODAY = date(2025, 6, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(history, "today", lambda: TODAY)


def test_active_persons_are_counted_by_kecamatan_category_sex_and_age_band(uow):
    add_person(uow, 1, born=date(2007, 6, 2), categories=["fisik"])                  # 17, a day short of 18
    add_person(uow, 2, born=date(2007, 6, 1), categories=["fisik"])                  # 18 today
    add_person(uow, 3, born=date(1995, 6, 1), categories=["fisik"])                  # 30 today
    add_person(uow, 4, born=date(1980, 1, 1), sex="P", categories=["fisik", "sensorik", "ganda"])  # 45
    add_person(uow, 5, born=date(1965, 6, 1), desa="35.73.04.1005", categories=["mental"])       # 60 today
    add_person(uow, 6, born=date(1990, 1, 1), status="deceased")
    add_person(uow, 7, born=date(1990, 1, 1), status="moved_away")

    figures = stats.registry_stats(uow, None)
    lawang, sukun = {"kecamatan_code": "35.07.25", "kecamatan_name": "Lawang"}, {
        "kecamatan_code": "35.73.04", "kecamatan_name": "Sukun"}
    shown = {"suppressed": False}
    assert figures["persons"] == [
        {**lawang, "category": "fisik", "sex": "L", "age_band": "0-17", "count": 1, **shown},
        {**lawang, "category": "fisik", "sex": "L", "age_band": "18-29", "count": 1, **shown},
        {**lawang, "category": "fisik", "sex": "L", "age_band": "30-44", "count": 1, **shown},
        {**lawang, "category": "fisik", "sex": "P", "age_band": "45-59", "count": 1, **shown},
        {**lawang, "category": "ganda", "sex": "P", "age_band": "45-59", "count": 1, **shown},
        {**lawang, "category": "sensorik", "sex": "P", "age_band": "45-59", "count": 1, **shown},
        {**sukun, "category": "mental", "sex": "L", "age_band": "60+", "count": 1, **shown},
    ]
    # Distinct persons: the woman with two categories is one person, not three rows.
    assert figures["totals"] == [
        {**lawang, "sex": "L", "age_band": "0-17", "count": 1, **shown},
        {**lawang, "sex": "L", "age_band": "18-29", "count": 1, **shown},
        {**lawang, "sex": "L", "age_band": "30-44", "count": 1, **shown},
        {**lawang, "sex": "P", "age_band": "45-59", "count": 1, **shown},
        {**sukun, "sex": "L", "age_band": "60+", "count": 1, **shown},
    ]
    assert figures["kecamatan"] == [{**lawang, "count": 4, **shown}, {**sukun, "count": 1, **shown}]
    assert figures["total_persons"] == {"count": 5, **shown}
    assert figures["threshold"] is None
    assert [row["count"] for row in stats.registry_stats(uow, ["35.73"])["persons"]] == [1]
    assert stats.registry_stats(uow, ["35.07.25.2001"])["persons"][0]["count"] == 1
    assert stats.registry_stats(uow, [])["persons"] == []


def test_many_persons_in_one_group_are_summed(uow):
    for serial in range(25):
        add_person(uow, serial, born=date(1990, 1 + serial % 12, 1))
    assert stats.registry_stats(uow, None)["persons"] == [
        {"kecamatan_code": "35.07.25", "kecamatan_name": "Lawang", "category": "fisik", "sex": "L",
         "age_band": "30-44", "count": 25, "suppressed": False}]


def test_pokja_by_stage_and_paguyuban_members_with_no_names_or_person_ids(uow, actor):
    lawang = pokja.form_pokja(uow, {"name": "A", "area_code": "35.07.25", "formed_on": "2024-01-01"}, actor)
    pokja.form_pokja(uow, {"name": "B", "area_code": "35.73.04", "stage": "mandiri", "formed_on": "2024-01-01"},
                     actor)
    people = [add_person(uow, serial) for serial in range(3)]
    for person_id in people:
        pokja.add_member(uow, lawang["id"], {"person_id": person_id, "role": "anggota", "joined_on": "2024-02-01"},
                         actor)
    pokja.end_membership(uow, lawang["id"], people[0], "2025-01-01", actor)
    group = paguyuban.create_paguyuban(uow, {"kecamatan_code": "35.07.25", "name": "P", "formed_on": "2024-01-01"},
                                       actor)
    paguyuban.add_member(uow, group["id"], {"name": "Ibu Sumi", "relation": "ibu", "cares_for": people[:1]}, actor)

    figures = stats.registry_stats(uow, None)
    assert figures["pokja_by_stage"] == [{"stage": "rintisan", "pokja": 1, "members": 2, "suppressed": False},
                                         {"stage": "berkembang", "pokja": 0, "members": 0, "suppressed": False},
                                         {"stage": "mandiri", "pokja": 1, "members": 0, "suppressed": False}]
    assert figures["paguyuban"] == [{"kecamatan_code": "35.07.25", "paguyuban_id": group["id"], "members": 1,
                                     "suppressed": False}]
    assert stats.registry_stats(uow, ["35.73"])["pokja_by_stage"][0] == {"stage": "rintisan", "pokja": 0,
                                                                        "members": 0, "suppressed": False}
    assert stats.registry_stats(uow, ["35.73"])["paguyuban"] == []
    text = repr(figures)
    assert "Ibu Sumi" not in text and not any(person_id in text for person_id in people)


def _derivable(figures: dict) -> list:
    """Every hidden person count an outsider could still work out from what is shown."""
    found = []

    def check(total, members, what):
        if total.get("suppressed"):
            return
        hidden = [m for m in members if m["suppressed"]]
        if len(hidden) == 1:
            found.append((what, total["count"] - sum(m["count"] for m in members if not m["suppressed"])))

    check(figures["total_persons"], figures["kecamatan"], "kecamatan")
    for kecamatan in figures["kecamatan"]:
        cells = [t for t in figures["totals"] if t["kecamatan_code"] == kecamatan["kecamatan_code"]]
        check(kecamatan, cells, kecamatan["kecamatan_code"])
        for cell in cells:
            categories = [p for p in figures["persons"] if (p["kecamatan_code"], p["sex"], p["age_band"]) == (
                cell["kecamatan_code"], cell["sex"], cell["age_band"])]
            check(cell, categories, (cell["kecamatan_code"], cell["sex"], cell["age_band"]))
    return found


def test_small_cells_are_hidden_with_what_would_give_them_away(uow):
    serial = iter(range(1000))
    for _ in range(12):  # a group large enough to show
        add_person(uow, next(serial), born=date(1990, 1, 1))
    for _ in range(6):
        add_person(uow, next(serial), born=date(1990, 1, 1), sex="P", categories=["sensorik"])
    add_person(uow, next(serial), born=date(1950, 1, 1), sex="P", categories=["mental"])  # the lone older woman
    for _ in range(2):
        add_person(uow, next(serial), born=date(2010, 1, 1), categories=["intelektual"])
    add_person(uow, next(serial), desa="35.73.04.1005", born=date(1980, 1, 1))  # alone in Sukun

    figures = stats.registry_stats(uow, None, min_cell=5)
    shown = [row["count"] for key in ("kecamatan", "totals", "persons") for row in figures[key]
             if not row["suppressed"]] + ([figures["total_persons"]["count"]]
                                          if not figures["total_persons"]["suppressed"] else [])
    assert shown and all(count == 0 or count >= 5 for count in shown)
    assert _derivable(figures) == []
    by_cell = {(t["kecamatan_code"], t["sex"], t["age_band"]): t for t in figures["totals"]}
    assert by_cell[("35.07.25", "L", "30-44")] == {"kecamatan_code": "35.07.25", "kecamatan_name": "Lawang",
                                                    "sex": "L", "age_band": "30-44", "count": 12,
                                                    "suppressed": False}
    # Lawang's total is shown, so its two small cells (the older woman, the two children) both stay hidden.
    assert by_cell[("35.07.25", "P", "60+")]["count"] is None
    assert by_cell[("35.07.25", "L", "0-17")]["count"] is None
    # Sukun has one person: its total is hidden, and Lawang's with it, or the grand total would tell.
    assert [k["suppressed"] for k in figures["kecamatan"]] == [True, True]
    assert figures["total_persons"] == {"count": 22, "suppressed": False}
    assert figures["threshold"] == 5


def test_a_threshold_must_be_a_positive_whole_number(uow):
    from inklusi_platform.errors import ValidationFailed

    for bad in (0, -1, True, "5", 2.5):
        with pytest.raises(ValidationFailed):
            stats.registry_stats(uow, None, min_cell=bad)


def test_asking_area_by_area_shows_nothing_the_whole_answer_hides(uow):
    serial = iter(range(1000))
    for _ in range(21):
        add_person(uow, next(serial), born=date(1990, 1, 1))
    add_person(uow, next(serial), desa="35.73.04.1005", born=date(1980, 1, 1))  # alone in Sukun

    whole = stats.registry_stats(uow, None, min_cell=5)
    assert [k["suppressed"] for k in whole["kecamatan"]] == [True, True]  # Lawang hides Sukun from 22 - 21
    lawang = stats.registry_stats(uow, ["35.07.25"], min_cell=5)
    assert lawang["kecamatan"] == [whole["kecamatan"][0]]
    assert lawang["total_persons"] == {"count": None, "suppressed": True}  # 21 would tell Sukun's 1
    assert lawang["totals"] == [row for row in whole["totals"] if row["kecamatan_code"] == "35.07.25"]
    assert lawang["totals"][0]["count"] == 21
    assert stats.registry_stats(uow, ["35.73"], min_cell=5)["total_persons"]["count"] is None
    # Full-access callers get their area counted on its own, as before.
    assert stats.registry_stats(uow, ["35.07.25"])["total_persons"] == {"count": 21, "suppressed": False}


def test_an_aggregate_only_caller_cannot_ask_for_one_desa(uow):
    from inklusi_platform.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        stats.registry_stats(uow, ["35.07.25.2001"], min_cell=5)
    assert "area" in refused.value.details
    assert stats.registry_stats(uow, ["35.07.25.2001"])["total_persons"]["count"] == 0


def test_pokja_members_by_stage_are_hidden_when_a_small_pokja_is_among_them(uow, actor):
    small = pokja.form_pokja(uow, {"name": "A", "area_code": "35.07.25", "formed_on": "2024-01-01"}, actor)
    large = pokja.form_pokja(uow, {"name": "B", "area_code": "35.73.04", "formed_on": "2024-01-01"}, actor)
    for serial in range(8):
        person = add_person(uow, serial, desa="35.73.04.1005" if serial else "35.07.25.2001")
        pokja.add_member(uow, (large if serial else small)["id"],
                         {"person_id": person, "role": "anggota", "joined_on": "2024-02-01"}, actor)
    rintisan = stats.registry_stats(uow, None, min_cell=5)["pokja_by_stage"][0]
    assert rintisan == {"stage": "rintisan", "pokja": 2, "members": None, "suppressed": True}
    # Otherwise all areas (8) minus Sukun's (7) would give the small pokja's one member.
    assert stats.registry_stats(uow, ["35.73.04"], min_cell=5)["pokja_by_stage"][0]["members"] == 7
    assert stats.registry_stats(uow, None)["pokja_by_stage"][0]["members"] == 8
