"""Accommodations: gathered from participants, and a session is confirmed only when each is arranged or waived."""
import pytest

from inklusi_platform.errors import Conflict, ValidationFailed
from tests.unit.training.conftest import ACTOR, make_training, profile
from training import accommodations, enrolment, trainings


def test_needs_follow_categories_format_and_what_the_participant_states():
    assert accommodations.needs_for(profile("a", categories=["fisik"])) == ["step_free_access"]
    assert accommodations.needs_for(profile("b", categories=["intelektual"], fmt="large_print")) == [
        "braille_or_large_print", "easy_read"]
    assert accommodations.needs_for(profile("c", categories=["sensorik"])) == []  # sight or hearing: not said
    assert accommodations.needs_for(profile("c", categories=["sensorik"]), ["sign_language_interpreter"]) == [
        "sign_language_interpreter"]
    assert accommodations.needs_for(profile("d", categories=["rungu"])) == ["sign_language_interpreter"]
    assert accommodations.needs_for(profile("e", categories=["fisik", "sensorik", "ganda"])) == [
        "companion_seat", "step_free_access"]


def test_a_session_with_a_deaf_participant_is_confirmed_only_once_an_interpreter_is_arranged(uow, setting):
    training = make_training(uow, setting)
    session_id = training["sessions"][0]["id"]
    enrolment.enrol(uow, training["id"], {"person_id": "tuli", "needs": ["sign_language_interpreter"]},
                    profile("tuli", categories=["sensorik"]), ACTOR)
    enrolment.enrol(uow, training["id"], {"person_id": "daksa"}, profile("daksa", categories=["fisik"]), ACTOR)
    gathered = accommodations.gather(uow, training["id"])
    assert [(i["kind"], i["participants"], i["sessions"][0]["status"]) for i in gathered["items"]] == [
        ("sign_language_interpreter", 1, "needed"), ("step_free_access", 1, "needed")]

    with pytest.raises(Conflict) as refused:
        trainings.confirm_session(uow, training["id"], session_id, ACTOR)
    assert refused.value.details["unmet"] == ["sign_language_interpreter", "step_free_access"]
    assert "juru bahasa isyarat" in refused.value.message

    with pytest.raises(ValidationFailed) as no_reason:
        accommodations.record_arrangement(uow, training["id"], {"session_id": session_id, "kind": "step_free_access",
                                                                "status": "waived"}, ACTOR)
    assert "reason" in no_reason.value.details
    accommodations.record_arrangement(uow, training["id"], {"session_id": session_id, "kind": "step_free_access",
                                                            "status": "waived", "reason": "Tempat sudah landai"},
                                      ACTOR)
    with pytest.raises(Conflict) as still:
        trainings.confirm_session(uow, training["id"], session_id, ACTOR)
    assert still.value.details["unmet"] == ["sign_language_interpreter"]

    accommodations.record_arrangement(uow, training["id"], {"session_id": session_id,
                                                            "kind": "sign_language_interpreter",
                                                            "status": "arranged", "note": "JBI dari Gerkatin"}, ACTOR)
    assert trainings.confirm_session(uow, training["id"], session_id, ACTOR)["status"] == "confirmed"


def test_waitlisted_participants_do_not_count_yet(uow, setting):
    training = make_training(uow, setting, sessions=[{
        "starts_at": "2026-12-05T09:00:00", "ends_at": "2026-12-05T12:00:00", "venue_id": setting["venue"]["id"],
        "trainer_ids": [], "capacity": 1}])
    enrolment.enrol(uow, training["id"], {"person_id": "a"}, profile("a", categories=["mental"]), ACTOR)
    enrolment.enrol(uow, training["id"], {"person_id": "b"}, profile("b", categories=["fisik"]), ACTOR)
    assert accommodations.gather(uow, training["id"])["items"] == []
    assert trainings.confirm_session(uow, training["id"], training["sessions"][0]["id"], ACTOR)["status"] == \
        "confirmed"


def test_sessions_soon_with_needs_not_yet_arranged_are_listed_for_the_organisers_reminder(uow, setting):
    from datetime import UTC, datetime

    training = make_training(uow, setting)  # one session, 5 December 2026 09.00 WIB (02.00 UTC)
    session_id = training["sessions"][0]["id"]
    enrolment.enrol(uow, training["id"], {"person_id": "daksa"}, profile("daksa", categories=["fisik"]), ACTOR)
    three_days_before = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    assert accommodations.missing_before(uow, 3, three_days_before) == [{
        "training_id": training["id"], "session_id": session_id, "area_code": "35.07.25",
        "starts_at": "2026-12-05T02:00:00+00:00", "missing": ["step_free_access"],
        "organiser_ids": [ACTOR["user_id"]]}]
    assert accommodations.missing_before(uow, 2, three_days_before) == []  # not yet that close
    assert accommodations.missing_before(uow, 3, datetime(2026, 12, 5, 3, 0, tzinfo=UTC)) == []  # begun
    accommodations.record_arrangement(uow, training["id"], {"session_id": session_id, "kind": "step_free_access",
                                                            "status": "arranged"}, ACTOR)
    assert accommodations.missing_before(uow, 3, three_days_before) == []
