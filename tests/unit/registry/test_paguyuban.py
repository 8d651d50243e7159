"""Paguyuban keluarga: one per kecamatan, members who care for registered persons, and their activities."""
import json
from datetime import date

import pytest

from inklusi_platform.errors import Conflict, NotFound, ValidationFailed
from registry import history, paguyuban
from tests.unit.registry.test_pokja import add_person

TODAY = date(2025, 6, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(history, "today", lambda: TODAY)


def create(uow, actor, kecamatan="35.07.25", name="Paguyuban Keluarga Lawang"):
    return paguyuban.create_paguyuban(uow, {"kecamatan_code": kecamatan, "name": name, "formed_on": "2023-08-17"},
                                      actor)


def test_creating_and_reading_a_paguyuban(uow, actor):
    made = create(uow, actor)
    assert made == {
        "id": made["id"], "version": 1, "kecamatan_code": "35.07.25", "kecamatan_name": "Lawang",
        "kabupaten_code": "35.07", "name": "Paguyuban Keluarga Lawang", "formed_on": "2023-08-17",
        "member_count": 0, "created_at": made["created_at"],
    }
    assert paguyuban.get_paguyuban(uow, made["id"]) == made
    json.dumps(made)
    with pytest.raises(NotFound):
        paguyuban.get_paguyuban(uow, "nope")


def test_a_second_paguyuban_for_a_kecamatan_is_a_conflict(uow, actor):
    first = create(uow, actor)
    with pytest.raises(Conflict) as second:
        create(uow, actor, name="Paguyuban Lain")
    assert second.value.details == {"existing_id": first["id"]}


@pytest.mark.parametrize(("data", "fields"), [
    ({"kecamatan_code": "35.07.25.2001", "name": "x", "formed_on": "2023-01-01"}, {"kecamatan_code"}),
    ({"kecamatan_code": "35.78.01", "name": "x", "formed_on": "2023-01-01"}, {"kecamatan_code"}),
    ({"kecamatan_code": "35.07.25", "name": " ", "formed_on": "2026-01-01"}, {"name", "formed_on"}),
    ({}, {"kecamatan_code", "name", "formed_on"}),
])
def test_only_a_malang_raya_kecamatan_with_a_name_and_a_past_date(uow, actor, data, fields):
    with pytest.raises(ValidationFailed) as refused:
        paguyuban.create_paguyuban(uow, data, actor)
    assert set(refused.value.details) == fields


def test_lists_by_area_in_kecamatan_order_with_pages(uow, actor):
    batu = create(uow, actor, "35.79.01", "Paguyuban Batu")
    lawang = create(uow, actor, "35.07.25")
    sukun = create(uow, actor, "35.73.04", "Paguyuban Sukun")
    everything = paguyuban.list_paguyuban(uow, None)["items"]
    assert [p["id"] for p in everything] == [lawang["id"], sukun["id"], batu["id"]]
    assert [p["id"] for p in paguyuban.list_paguyuban(uow, ["35.73", "35.79"])["items"]] == [sukun["id"], batu["id"]]
    assert paguyuban.list_paguyuban(uow, ["35.07.25.2001"])["items"] == []  # the record's own area is a kecamatan
    assert paguyuban.list_paguyuban(uow, [])["items"] == []
    assert [p["id"] for p in paguyuban.list_paguyuban(uow, None, {"kecamatan_code": "35.73.04"})["items"]] == [
        sukun["id"]]
    first = paguyuban.list_paguyuban(uow, None, limit=2)
    rest = paguyuban.list_paguyuban(uow, None, limit=2, cursor=first["next_cursor"])
    assert [p["id"] for p in first["items"] + rest["items"]] == [lawang["id"], sukun["id"], batu["id"]]
    with pytest.raises(ValidationFailed):
        paguyuban.list_paguyuban(uow, None, {"stage": "x"})


def test_members_care_for_registered_persons_and_phones_are_normalised(uow, actor):
    made = create(uow, actor)
    child, other = add_person(uow, 1, born=date(2015, 1, 1)), add_person(uow, 2)
    member = paguyuban.add_member(uow, made["id"], {"name": "Ibu Sumi", "relation": "ibu",
                                                    "phone": "0812 3456 7890", "cares_for": [child, other, child]},
                                  actor)
    assert member == {"id": member["id"], "paguyuban_id": made["id"], "name": "Ibu Sumi", "relation": "ibu",
                      "phone": "+6281234567890", "cares_for": [child, other], "joined_on": "2025-06-01",
                      "left_on": None}
    helper = paguyuban.add_member(uow, made["id"], {"name": "Pak Darto", "relation": "tetangga"}, actor)
    assert helper["cares_for"] == [] and helper["phone"] is None
    assert paguyuban.get_paguyuban(uow, made["id"])["member_count"] == 2


def test_a_member_for_unknown_persons_or_with_a_bad_phone_is_refused(uow, actor):
    made = create(uow, actor)
    with pytest.raises(ValidationFailed) as refused:
        paguyuban.add_member(uow, made["id"], {"name": "Ibu Sumi", "relation": "ibu", "phone": "12",
                                               "cares_for": ["nope"], "joined_on": "2025-07-01"}, actor)
    assert set(refused.value.details) == {"phone", "cares_for", "joined_on"}
    assert refused.value.details["cares_for"] == ["Orang ini tidak terdaftar: nope."]
    with pytest.raises(ValidationFailed) as missing:
        paguyuban.add_member(uow, made["id"], {"cares_for": "x"}, actor)
    assert set(missing.value.details) == {"name", "relation", "cares_for"}
    with pytest.raises(NotFound):
        paguyuban.add_member(uow, "nope", {"name": "A", "relation": "ibu"}, actor)
    assert paguyuban.list_members(uow, made["id"])["items"] == []


def test_members_leave_and_are_listed_by_name_in_pages(uow, actor):
    made = create(uow, actor)
    ids = [paguyuban.add_member(uow, made["id"], {"name": name, "relation": "ibu", "joined_on": "2024-01-01"},
                                actor)["id"] for name in ("Ani", "Budi", "Citra")]
    left = paguyuban.end_member(uow, made["id"], ids[1], "2025-01-01", actor)
    assert left["left_on"] == "2025-01-01"
    with pytest.raises(Conflict):
        paguyuban.end_member(uow, made["id"], ids[1], "2025-01-02", actor)
    with pytest.raises(ValidationFailed):
        paguyuban.end_member(uow, made["id"], ids[0], "2023-01-01", actor)  # before joining
    with pytest.raises(NotFound):
        paguyuban.end_member(uow, made["id"], "nope", "2025-01-01", actor)
    assert [m["name"] for m in paguyuban.list_members(uow, made["id"])["items"]] == ["Ani", "Citra"]
    first = paguyuban.list_members(uow, made["id"], include_past=True, limit=2)
    rest = paguyuban.list_members(uow, made["id"], include_past=True, limit=2, cursor=first["next_cursor"])
    assert [m["name"] for m in first["items"] + rest["items"]] == ["Ani", "Budi", "Citra"]


def test_activities_are_recorded_and_listed_newest_first(uow, actor):
    made = create(uow, actor)
    for held_on, kind in (("2025-03-01", "parenting"), ("2025-05-10", "therapy_children"),
                          ("2025-04-02", "elderly_care")):
        paguyuban.record_activity(uow, made["id"], {"kind": kind, "title": f"Kegiatan {held_on}",
                                                    "held_on": held_on, "participants": 12}, actor)
    first = paguyuban.list_activities(uow, made["id"], limit=2)
    rest = paguyuban.list_activities(uow, made["id"], limit=2, cursor=first["next_cursor"])
    assert [a["held_on"] for a in first["items"] + rest["items"]] == ["2025-05-10", "2025-04-02", "2025-03-01"]
    assert first["items"][0]["kind"] == "therapy_children" and first["items"][0]["recorded_by"] == actor["user_id"]


@pytest.mark.parametrize(("data", "fields"), [
    ({"kind": "arisan", "title": "x", "held_on": "2025-01-01", "participants": 3}, {"kind"}),
    ({"kind": "other", "title": "x", "held_on": "2025-07-01", "participants": -1}, {"held_on", "participants"}),
    ({"kind": "other", "title": "x", "held_on": "2025-01-01", "participants": "banyak"}, {"participants"}),
    ({"kind": "other"}, {"title", "held_on", "participants"}),
])
def test_bad_activities_are_refused(uow, actor, data, fields):
    made = create(uow, actor)
    with pytest.raises(ValidationFailed) as refused:
        paguyuban.record_activity(uow, made["id"], data, actor)
    assert set(refused.value.details) == fields
    assert paguyuban.list_activities(uow, made["id"])["items"] == []
