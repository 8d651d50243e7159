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
    assert figures["persons"] == [
        {"kecamatan_code": "35.07.25", "category": "fisik", "sex": "L", "age_band": "0-17", "count": 1},
        {"kecamatan_code": "35.07.25", "category": "fisik", "sex": "L", "age_band": "18-29", "count": 1},
        {"kecamatan_code": "35.07.25", "category": "fisik", "sex": "L", "age_band": "30-44", "count": 1},
        {"kecamatan_code": "35.07.25", "category": "fisik", "sex": "P", "age_band": "45-59", "count": 1},
        {"kecamatan_code": "35.07.25", "category": "ganda", "sex": "P", "age_band": "45-59", "count": 1},
        {"kecamatan_code": "35.07.25", "category": "sensorik", "sex": "P", "age_band": "45-59", "count": 1},
        {"kecamatan_code": "35.73.04", "category": "mental", "sex": "L", "age_band": "60+", "count": 1},
    ]
    assert [row["count"] for row in stats.registry_stats(uow, ["35.73"])["persons"]] == [1]
    assert stats.registry_stats(uow, ["35.07.25.2001"])["persons"][0]["count"] == 1
    assert stats.registry_stats(uow, [])["persons"] == []


def test_many_persons_in_one_group_are_summed(uow):
    for serial in range(25):
        add_person(uow, serial, born=date(1990, 1 + serial % 12, 1))
    assert stats.registry_stats(uow, None)["persons"] == [
        {"kecamatan_code": "35.07.25", "category": "fisik", "sex": "L", "age_band": "30-44", "count": 25}]


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
    assert figures["pokja_by_stage"] == [{"stage": "rintisan", "pokja": 1, "members": 2},
                                         {"stage": "berkembang", "pokja": 0, "members": 0},
                                         {"stage": "mandiri", "pokja": 1, "members": 0}]
    assert figures["paguyuban"] == [{"kecamatan_code": "35.07.25", "paguyuban_id": group["id"], "members": 1}]
    assert stats.registry_stats(uow, ["35.73"])["pokja_by_stage"][0] == {"stage": "rintisan", "pokja": 0,
                                                                        "members": 0}
    assert stats.registry_stats(uow, ["35.73"])["paguyuban"] == []
    text = repr(figures)
    assert "Ibu Sumi" not in text and not any(person_id in text for person_id in people)
