"""Duplicate flags and merges: one person, one record that lives on."""
from datetime import date

import pytest
import sqlalchemy as sa

from inklusi_platform.errors import Conflict, NotFound, ValidationFailed
from registry import consents, history, merging, persons
from registry.models.persons import DuplicateFlag

TODAY = date(2025, 6, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(history, "today", lambda: TODAY)


def register(uow, actor, name, serial, desa="35.07.25.2001"):
    return persons.register_person(uow, {
        "nik": f"35072552039{serial:05d}", "name": name, "birth_date": "1990-03-12", "sex": "P",
        "desa_code": desa, "disability": {"categories": ["fisik"]},
        "consent": {"purpose": "pendataan", "given_by": "self", "form": "written", "given_on": "2025-05-01"},
    }, actor)


@pytest.fixture
def pair(uow, actor):
    keep = register(uow, actor, "Siti Aminah", 1)
    dup = register(uow, actor, "Hj. Siti Aminah", 2)
    consents.record_consent(uow, dup["id"], {"purpose": "pelatihan", "given_by": "self", "form": "written",
                                             "given_on": "2025-05-10"}, actor)
    uow.emitted.clear()
    return keep, dup


def flags(uow):
    return {(f.person_id, f.candidate_id): f.status for f in uow.session.scalars(sa.select(DuplicateFlag))}


def test_merge_keeps_one_record_and_leaves_a_signpost(uow, actor, pair):
    keep, dup = pair
    kept = merging.merge_persons(uow, keep["id"], dup["id"], actor)

    assert kept["id"] == keep["id"] and kept["status"] == "active"
    assert kept["version"] == keep["version"] + 1
    merged = persons.get_person(uow, dup["id"])
    assert (merged["status"], merged["merged_into"]) == ("merged", keep["id"])
    assert [e["type"] for e in uow.emitted] == ["registry.persons_merged"]
    assert uow.emitted[0]["payload"] == {"kept_person_id": keep["id"], "merged_person_id": dup["id"],
                                         "kecamatan_code": "35.07.25"}


def test_merge_moves_consents_to_the_kept_record(uow, actor, pair):
    keep, dup = pair
    kept = merging.merge_persons(uow, keep["id"], dup["id"], actor)
    assert kept["consent_active"] == ["pendataan", "pelatihan"]
    assert len(consents.list_consents(uow, keep["id"])) == 3
    assert consents.list_consents(uow, dup["id"]) == []


def test_merge_is_in_both_histories(uow, actor, pair):
    keep, dup = pair
    merging.merge_persons(uow, keep["id"], dup["id"], actor)
    on_merged = history.get_history(uow, dup["id"], 1, None)["items"][0]
    on_kept = history.get_history(uow, keep["id"], 1, None)["items"][0]
    assert on_merged["action"] == on_kept["action"] == "merged"
    assert on_merged["changes"] == {"status": ["active", "merged"], "merged_into": [None, keep["id"]]}
    assert on_kept["changes"]["merged_from"] == [None, dup["id"]]
    assert len(on_kept["changes"]["consent_ids"][1]) == 2


def test_merge_settles_the_flag_between_them(uow, actor, pair):
    keep, dup = pair
    assert flags(uow) == {(dup["id"], keep["id"]): "open"}
    merging.merge_persons(uow, keep["id"], dup["id"], actor)
    assert flags(uow) == {(dup["id"], keep["id"]): "merged"}
    assert merging.list_duplicate_flags(uow, None, 10, None)["items"] == []


def test_flags_with_a_third_record_follow_the_person(uow, actor):
    keep = register(uow, actor, "Rina Wati", 1)
    dup = register(uow, actor, "Siti Aminah", 2)
    third = register(uow, actor, "Siti Aminah", 3)  # flagged against dup only
    assert flags(uow) == {(third["id"], dup["id"]): "open"}
    merging.merge_persons(uow, keep["id"], dup["id"], actor)
    assert flags(uow) == {(third["id"], keep["id"]): "open"}


def test_merge_refuses_itself_merged_and_unknown_records(uow, actor, pair):
    keep, dup = pair
    with pytest.raises(ValidationFailed) as failed:
        merging.merge_persons(uow, keep["id"], keep["id"], actor)
    assert "merge_id" in failed.value.details
    with pytest.raises(NotFound):
        merging.merge_persons(uow, keep["id"], "nobody", actor)

    merging.merge_persons(uow, keep["id"], dup["id"], actor)
    uow.emitted.clear()
    with pytest.raises(Conflict):
        merging.merge_persons(uow, keep["id"], dup["id"], actor)
    with pytest.raises(Conflict):
        merging.merge_persons(uow, dup["id"], keep["id"], actor)
    assert uow.emitted == []


def test_a_merged_record_cannot_be_edited(uow, actor, pair):
    keep, dup = pair
    merging.merge_persons(uow, keep["id"], dup["id"], actor)
    with pytest.raises(Conflict) as conflict:
        persons.update_person(uow, dup["id"], {"name": "X"}, None, actor)
    assert conflict.value.details == {"merged_into": keep["id"]}


def test_registering_a_merged_records_nik_points_at_the_kept_record(uow, actor, pair):
    keep, dup = pair
    merging.merge_persons(uow, keep["id"], dup["id"], actor)
    with pytest.raises(Conflict) as conflict:
        register(uow, actor, "Siapa Saja", 2)
    assert conflict.value.details["existing_id"] == keep["id"]


def test_merged_records_are_left_out_of_lists_unless_asked_for(uow, actor, pair):
    keep, dup = pair
    merging.merge_persons(uow, keep["id"], dup["id"], actor)
    assert [p["id"] for p in persons.list_persons(uow, None, {}, 10, None)["items"]] == [keep["id"]]
    assert [p["id"] for p in persons.list_persons(uow, None, {"status": "merged"}, 10, None)["items"]] == [
        dup["id"]]


def test_open_flags_are_listed_by_area_and_paged(uow, actor):
    made = []
    for n, desa in enumerate(("35.07.25.2001", "35.07.25.2001", "35.07.25.2001", "35.73.01.1001",
                              "35.73.01.1001"), start=1):
        made.append(register(uow, actor, "Siti Aminah", n, desa))
    # Lawang: 2 flags against 1 and one more against 2; Blimbing: one flag.
    everywhere = merging.list_duplicate_flags(uow, None, 50, None)["items"]
    assert len(everywhere) == 4
    lawang = merging.list_duplicate_flags(uow, ["35.07.25"], 50, None)["items"]
    assert {f["kecamatan_code"] for f in lawang} == {"35.07.25"} and len(lawang) == 3
    assert merging.list_duplicate_flags(uow, [], 50, None) == {"items": [], "next_cursor": None}

    first = merging.list_duplicate_flags(uow, None, 3, None)
    rest = merging.list_duplicate_flags(uow, None, 3, first["next_cursor"])
    assert [f["id"] for f in first["items"] + rest["items"]] == [f["id"] for f in everywhere]
    assert rest["next_cursor"] is None


def test_dismissing_a_flag(uow, actor, pair):
    keep, dup = pair
    [flag] = merging.list_duplicate_flags(uow, None, 10, None)["items"]
    dismissed = merging.dismiss_duplicate_flag(uow, flag["id"], actor)
    assert (dismissed["status"], dismissed["resolved_by"]) == ("dismissed", "u-staff")
    assert merging.list_duplicate_flags(uow, None, 10, None)["items"] == []
    with pytest.raises(Conflict):
        merging.dismiss_duplicate_flag(uow, flag["id"], actor)
    with pytest.raises(NotFound):
        merging.dismiss_duplicate_flag(uow, "nobody", actor)

    # Two people judged different are not flagged again when one of them is edited.
    persons.update_person(uow, dup["id"], {"name": "Siti Aminah"}, None, actor)
    assert flags(uow) == {(dup["id"], keep["id"]): "dismissed"}


def test_pokja_memberships_and_paguyuban_care_follow_the_kept_record(uow, actor, pair):
    from registry import paguyuban, pokja

    keep, dup = pair
    both = pokja.form_pokja(uow, {"name": "Pokja Lawang", "area_code": "35.07.25", "formed_on": "2025-01-01"}, actor)
    only_dup = pokja.form_pokja(uow, {"name": "Pokja Batik", "area_code": "35.07.25", "formed_on": "2025-01-01"},
                                actor)
    pokja.add_member(uow, both["id"], {"person_id": keep["id"], "role": "anggota", "joined_on": "2025-02-01"}, actor)
    pokja.add_member(uow, both["id"], {"person_id": dup["id"], "role": "anggota", "joined_on": "2025-02-01"}, actor)
    pokja.add_member(uow, only_dup["id"], {"person_id": dup["id"], "role": "ketua", "joined_on": "2025-02-01"},
                     actor)
    family = paguyuban.create_paguyuban(uow, {"kecamatan_code": "35.07.25", "name": "Paguyuban Lawang",
                                              "formed_on": "2025-01-01"}, actor)
    paguyuban.add_member(uow, family["id"], {"name": "Ibu Sri", "relation": "ibu", "cares_for": [dup["id"]]}, actor)

    merging.merge_persons(uow, keep["id"], dup["id"], actor)

    assert sorted((m["left_on"] or "") for m in pokja.list_members(uow, both["id"], include_past=True)
                  if m["person_id"] == keep["id"]) == ["", "2025-06-01"]  # one active, the merged one ended
    assert [(m["person_id"], m["role"]) for m in pokja.list_members(uow, only_dup["id"])] == [(keep["id"], "ketua")]
    members = paguyuban.list_members(uow, family["id"])["items"]
    assert members[0]["cares_for"] == [keep["id"]]
