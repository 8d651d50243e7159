"""Scheduling: WIB in and UTC stored, double-booking refused with the clash, reschedule and cancel with reasons."""
import pytest

from inklusi_platform.errors import Conflict, PreconditionFailed, ValidationFailed
from tests.unit.training.conftest import ACTOR, emitted, make_training, session_doc
from training import trainings
from training.models.schedule import Session


def test_times_are_given_in_wib_and_stored_in_utc(uow, setting):
    training = make_training(uow, setting)
    session = uow.session.get(Session, training["sessions"][0]["id"])
    assert session.starts_at.replace(tzinfo=None).isoformat() == "2026-12-05T02:00:00"
    assert training["sessions"][0]["starts_at"] == "2026-12-05T09:00:00+07:00"
    assert emitted(uow, "session_scheduled")[0]["starts_at"] == "2026-12-05T02:00:00+00:00"


def test_a_trainer_booked_twice_at_overlapping_times_is_refused_naming_the_clash(uow, setting):
    first = make_training(uow, setting)
    with pytest.raises(Conflict) as refused:
        make_training(uow, setting, title="Paralegal", sessions=[
            session_doc(setting, "2026-12-05T11:00:00", "2026-12-05T14:00:00", venue="hall")])
    clash = refused.value.details["clash"]
    assert clash["resource"] == "trainer" and clash["resource_id"] == setting["trainers"][0]["id"]
    assert clash["session_id"] == first["sessions"][0]["id"]
    assert "Kewirausahaan Sosial Lawang" in refused.value.message and "09:00" in refused.value.message
    assert "Pelatih Satu" not in refused.value.message  # a trainer's name stays out of messages and logs


def test_a_venue_booked_twice_is_refused_but_back_to_back_sessions_are_fine(uow, setting):
    make_training(uow, setting)
    with pytest.raises(Conflict) as refused:
        make_training(uow, setting, sessions=[session_doc(setting, "2026-12-05T10:00:00", "2026-12-05T11:00:00",
                                                          trainer=1)])
    assert refused.value.details["clash"]["resource"] == "venue"
    later = make_training(uow, setting, sessions=[session_doc(setting, "2026-12-05T12:00:00",
                                                              "2026-12-05T15:00:00")])
    assert later["sessions"][0]["starts_at"] == "2026-12-05T12:00:00+07:00"


def test_end_before_start_and_unknown_venue_are_refused_by_field(uow, setting):
    with pytest.raises(ValidationFailed) as refused:
        make_training(uow, setting, sessions=[session_doc(setting, "2026-12-05T12:00:00", "2026-12-05T09:00:00")])
    assert "ends_at" in str(refused.value.details)
    bad = session_doc(setting) | {"venue_id": "nope"}
    with pytest.raises(ValidationFailed) as refused:
        make_training(uow, setting, sessions=[bad])
    assert refused.value.details["venue_id"]


def test_reschedule_needs_a_reason_and_the_current_version_and_tells_the_enrolled(uow, setting):
    from tests.unit.training.conftest import profile
    from training import enrolment

    training = make_training(uow, setting)
    enrolment.enrol(uow, training["id"], {"person_id": "p-1"}, profile("p-1"), ACTOR)
    session_id = training["sessions"][0]["id"]
    current = trainings.get_training(uow, training["id"])["version"]
    change = {"starts_at": "2026-12-06T09:00:00", "ends_at": "2026-12-06T12:00:00"}
    with pytest.raises(ValidationFailed):
        trainings.reschedule_session(uow, training["id"], session_id, change, current, ACTOR)
    with pytest.raises(PreconditionFailed):
        trainings.reschedule_session(uow, training["id"], session_id, change | {"reason": "Hujan"}, current - 1, ACTOR)
    moved = trainings.reschedule_session(uow, training["id"], session_id, change | {"reason": "Balai dipakai"},
                                         current, ACTOR)
    assert moved["starts_at"] == "2026-12-06T09:00:00+07:00"
    event = emitted(uow, "session_rescheduled")[0]
    assert event["person_ids"] == ["p-1"] and event["reason"] == "Balai dipakai"
    assert event["previous_starts_at"] == "2026-12-05T02:00:00+00:00"


def test_cancelling_the_last_session_ends_the_enrolments(uow, setting):
    from tests.unit.training.conftest import profile
    from training import enrolment

    training = make_training(uow, setting)
    enrolment.enrol(uow, training["id"], {"person_id": "p-1"}, profile("p-1"), ACTOR)
    with pytest.raises(ValidationFailed):
        trainings.cancel_session(uow, training["id"], training["sessions"][0]["id"], {}, ACTOR)
    trainings.cancel_session(uow, training["id"], training["sessions"][0]["id"], {"reason": "Pelatih sakit"}, ACTOR)
    assert emitted(uow, "session_cancelled")[0]["person_ids"] == ["p-1"]
    assert emitted(uow, "enrolment_cancelled")[0]["reason"] == "session_cancelled"
    # the trainer and the venue are free again
    make_training(uow, setting, title="Pengganti")
