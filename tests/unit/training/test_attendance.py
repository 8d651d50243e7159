"""Attendance sheets, completion at the configured share, and the history the funding service reads."""
import pytest

from inklusi_platform.errors import ValidationFailed
from tests.unit.training.conftest import ACTOR, emitted, make_training, profile, session_doc
from training import attendance, enrolment, history


@pytest.mark.parametrize(("total", "share", "needed"), [(4, 0.75, 3), (3, 0.75, 3), (8, 0.75, 6), (1, 0.75, 1),
                                                         (4, 0.5, 2), (10, 0.7, 7), (0, 0.75, 0)])
def test_required_sessions(total, share, needed):
    assert attendance.required_sessions(total, share) == needed


def four_sessions(setting):
    return [session_doc(setting, f"2026-12-0{d}T09:00:00", f"2026-12-0{d}T12:00:00", capacity=5) for d in (1, 2, 3, 4)]


def test_completion_at_three_of_four_sessions_is_announced_once(uow, setting):
    training = make_training(uow, setting, sessions=four_sessions(setting))
    for person in ("rajin", "jarang"):
        enrolment.enrol(uow, training["id"], {"person_id": person}, profile(person), ACTOR)
    sessions = [s["id"] for s in training["sessions"]]
    for i, session_id in enumerate(sessions):
        result = attendance.record_sheet(uow, training["id"], {"session_id": session_id, "sheet": [
            {"person_id": "rajin", "present": True}, {"person_id": "jarang", "present": i == 0}]}, ACTOR)
        assert result["completed_person_ids"] == (["rajin"] if i == 2 else [])
    completed = emitted(uow, "training_completed")
    assert [(c["person_id"], c["attended_sessions"], c["total_sessions"], c["topic"]) for c in completed] == [
        ("rajin", 3, 4, "kewirausahaan")]
    assert len(emitted(uow, "attendance_recorded")) == 4
    found = history.completions_of(uow, ["rajin", "jarang"])
    assert [c["topic"] for c in found["rajin"]] == ["kewirausahaan"] and found["jarang"] == []
    assert [(h["status"], h["completed_at"] is None) for h in history.training_history(uow, "jarang")] == [
        ("confirmed", True)]
    summary = attendance.attendance_of(uow, training["id"])
    assert {p["person_id"]: p["attended_sessions"] for p in summary["participants"]} == {"rajin": 4, "jarang": 1}


def test_a_sheet_naming_someone_not_enrolled_is_refused_whole(uow, setting):
    training = make_training(uow, setting)
    enrolment.enrol(uow, training["id"], {"person_id": "a"}, profile("a"), ACTOR)
    with pytest.raises(ValidationFailed) as refused:
        attendance.record_sheet(uow, training["id"], {"session_id": training["sessions"][0]["id"], "sheet": [
            {"person_id": "a", "present": True}, {"person_id": "orang-lain", "present": True}]}, ACTOR)
    assert list(refused.value.details["sheet"]) == [1]
    assert emitted(uow, "attendance_recorded") == []


def test_a_lower_configured_share_completes_sooner(uow, setting):
    training = make_training(uow, setting, sessions=four_sessions(setting))
    enrolment.enrol(uow, training["id"], {"person_id": "a"}, profile("a"), ACTOR)
    for session in training["sessions"][:2]:
        result = attendance.record_sheet(uow, training["id"], {"session_id": session["id"], "sheet": [
            {"person_id": "a", "present": True}]}, ACTOR, share=0.5)
    assert result["completed_person_ids"] == ["a"]
    with pytest.raises(ValueError):
        attendance.check_share(1.5)


def test_completions_of_refuses_a_bad_request(uow):
    with pytest.raises(ValidationFailed):
        history.completions_of(uow, "p-1")
    assert history.completions_of(uow, []) == {}
