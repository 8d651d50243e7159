"""The training events (nine, and three of the needs inventory): payloads hold ids, area codes, counts, codes."""
import pytest
from marshmallow import ValidationError

from inklusi_platform import contracts

EVENTS = {"session_scheduled", "session_rescheduled", "session_cancelled", "enrolment_confirmed",
          "enrolment_waitlisted", "enrolment_promoted", "enrolment_cancelled", "attendance_recorded",
          "training_completed", "problem_raised", "problem_programmed", "problem_resolved"}
# Every field a training event may carry; a new one has to be added here on purpose.
ALLOWED = {"training_id", "session_id", "enrolment_id", "person_id", "person_ids", "present_person_ids",
           "absent_person_ids", "area_code", "venue_id", "starts_at", "ends_at", "previous_starts_at",
           "previous_ends_at", "reason", "position", "topic", "attended_sessions", "total_sessions",
           "problem_id", "field", "link_kind", "target_id"}


def test_the_twelve_events_are_registered_with_fields_that_name_no_one():
    found = {t.name: t for t in contracts.all_types() if t.source == "training"}
    assert set(found) == EVENTS
    for event_type in found.values():
        assert set(event_type.schema().fields) <= ALLOWED, event_type.name


def test_a_cancellation_reason_is_a_code_and_a_name_cannot_slip_in():
    payload = {"enrolment_id": "e", "training_id": "t", "person_id": "p", "area_code": "35.07.25"}
    contracts.make_event("training", "enrolment_cancelled", payload | {"reason": "person_deceased"}, None)
    with pytest.raises(ValidationError):
        contracts.make_event("training", "enrolment_cancelled", payload | {"reason": "Bu Siti meninggal"}, None)
    with pytest.raises(ValidationError):
        contracts.make_event("training", "enrolment_confirmed", payload | {"name": "Siti"}, None)
