"""Enrolment: active registered persons only, capacity with a waitlist, promotion, registry events."""
import pytest

from inklusi_platform.errors import Conflict, NotFound
from tests.unit.training.conftest import ACTOR, emitted, make_training, profile
from training import enrolment


def enrol(uow, training, person_id, **kwargs):
    return enrolment.enrol(uow, training["id"], {"person_id": person_id}, profile(person_id, **kwargs), ACTOR)


def test_one_more_than_capacity_waits_and_a_cancellation_promotes_them(uow, setting):
    training = make_training(uow, setting)  # capacity 2
    first, second, third = (enrol(uow, training, p) for p in ("p-1", "p-2", "p-3"))
    assert [first["status"], second["status"]] == ["confirmed", "confirmed"]
    assert third["status"] == "waitlisted" and third["position"] == 1
    assert emitted(uow, "enrolment_waitlisted") == [{"enrolment_id": third["id"], "training_id": training["id"],
                                                     "person_id": "p-3", "area_code": "35.07.25", "position": 1}]

    enrolment.cancel(uow, training["id"], first["id"], ACTOR)
    assert [e["person_id"] for e in emitted(uow, "enrolment_promoted")] == ["p-3"]
    statuses = {e["person_id"]: e["status"] for e in enrolment.list_enrolments(uow, training["id"], True)}
    assert statuses == {"p-1": "cancelled", "p-2": "confirmed", "p-3": "confirmed"}


def test_the_waitlist_is_first_come_first_served(uow, setting):
    training = make_training(uow, setting)
    enrolled = [enrol(uow, training, f"p-{i}") for i in range(5)]
    assert [e["position"] for e in enrolled[2:]] == [1, 2, 3]
    enrolment.cancel(uow, training["id"], enrolled[0]["id"], ACTOR)
    listed = enrolment.list_enrolments(uow, training["id"])
    assert [(e["person_id"], e["position"]) for e in listed] == [
        ("p-1", None), ("p-2", None), ("p-3", 1), ("p-4", 2)]


def test_only_an_active_registered_person_with_consent_may_enrol(uow, setting):
    training = make_training(uow, setting)
    with pytest.raises(NotFound):
        enrolment.enrol(uow, training["id"], {"person_id": "ghost"}, None, ACTOR)
    with pytest.raises(Conflict) as refused:
        enrol(uow, training, "p-dead", status="deceased")
    assert "aktif" in refused.value.message
    with pytest.raises(Conflict):
        enrol(uow, training, "p-withdrawn", consents=())
    enrol(uow, training, "p-1")
    with pytest.raises(Conflict) as twice:
        enrol(uow, training, "p-1")
    assert "sudah terdaftar" in twice.value.message


def test_death_or_withdrawn_consent_cancels_open_enrolments_and_passes_the_place_on(uow, setting):
    training = make_training(uow, setting)
    enrol(uow, training, "p-1")
    enrol(uow, training, "p-2")
    enrol(uow, training, "p-3")
    assert enrolment.cancel_for_person(uow, "p-1", "person_deceased") == 1
    assert [e["person_id"] for e in emitted(uow, "enrolment_promoted")] == ["p-3"]
    assert emitted(uow, "enrolment_cancelled")[0] == {
        "enrolment_id": emitted(uow, "enrolment_cancelled")[0]["enrolment_id"], "training_id": training["id"],
        "person_id": "p-1", "area_code": "35.07.25", "reason": "person_deceased"}
    assert enrolment.cancel_for_person(uow, "p-1", "person_deceased") == 0  # a redelivery changes nothing


def test_merged_records_keep_one_enrolment_under_the_kept_id(uow, setting):
    training = make_training(uow, setting)
    other = make_training(uow, setting, title="Keuangan", sessions=[{
        "starts_at": "2026-12-10T09:00:00", "ends_at": "2026-12-10T12:00:00", "venue_id": setting["venue"]["id"],
        "trainer_ids": [], "capacity": 5}])
    enrol(uow, training, "kept")
    enrol(uow, training, "dup")
    enrolment.enrol(uow, other["id"], {"person_id": "dup"}, profile("dup"), ACTOR)
    enrolment.merge_person(uow, "kept", "dup")
    first = {e["person_id"]: e["status"] for e in enrolment.list_enrolments(uow, training["id"], True)}
    assert first == {"kept": "confirmed", "dup": "cancelled"}
    assert [e["person_id"] for e in enrolment.list_enrolments(uow, other["id"])] == ["kept"]
