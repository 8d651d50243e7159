"""HTTP shapes of programmes, venues, trainers, trainings, enrolments, accommodations and attendance.

The vocabulary and limits come from the platform's training contract, the same the service checks.
Times without an offset are WIB (Asia/Jakarta); answers give them with +07:00.
"""
from marshmallow import fields, validate

from gateway.schemas.common import AREA_CODE, AreaPageQuery, Strict
from inklusi_platform.contracts.training import (
    ACCOMMODATIONS,
    ARRANGEMENT_STATUSES,
    AUDIENCES,
    CANCEL_REASONS,
    ENROLMENT_STATUSES,
    FEATURES,
    LIMITS,
    SESSION_STATUSES,
    TOPICS,
)

DESA_CODE = validate.Regexp(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$", error="Harus kode desa/kelurahan (35.07.25.2001).")


def text(limit: str, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=LIMITS[limit]), **kwargs)


def one_of(options, **kwargs) -> fields.String:
    return fields.String(validate=validate.OneOf(tuple(options)), **kwargs)


WIB_TIME = {"description": "ISO 8601; without an offset the time is WIB (Asia/Jakarta)."}


class ProgrammeIn(Strict):
    title = text("title", required=True)
    topic = one_of(TOPICS, required=True)
    description = text("description", allow_none=True)
    organiser_org = text("organisation", required=True, metadata={"description": "The organising organisation."})
    audience = one_of(AUDIENCES, required=True)


class ProgrammeOut(Strict):
    id = fields.String(required=True)
    title = fields.String(required=True)
    topic = fields.String(required=True)
    description = fields.String(allow_none=True)
    organiser_org = fields.String(required=True)
    audience = fields.String(required=True)
    created_at = fields.String()
    problem_ids = fields.List(fields.String(), metadata={
        "description": "Problems of the needs inventory this programme answers (directly or by a training)."})


class VenueIn(Strict):
    name = text("name", required=True)
    address = text("address", required=True)
    desa_code = fields.String(required=True, validate=DESA_CODE)
    features = fields.List(one_of(FEATURES), metadata={"description": "Accessibility features checked there."})
    accessibility_notes = text("note", allow_none=True)


class VenueOut(Strict):
    id = fields.String(required=True)
    name = fields.String(required=True)
    address = fields.String(required=True)
    desa_code = fields.String(required=True)
    kecamatan_code = fields.String()
    features = fields.List(fields.String())
    accessibility_notes = fields.String(allow_none=True)
    created_at = fields.String()


class TrainerIn(Strict):
    name = text("name", required=True)
    organisation = text("organisation", required=True)
    topics = fields.List(one_of(TOPICS))


class TrainerOut(Strict):
    id = fields.String(required=True)
    name = fields.String(required=True)
    organisation = fields.String(required=True)
    topics = fields.List(fields.String())


class SessionIn(Strict):
    starts_at = fields.DateTime(required=True, metadata=WIB_TIME)
    ends_at = fields.DateTime(required=True, metadata=WIB_TIME)
    venue_id = fields.String(required=True)
    trainer_ids = fields.List(fields.String(), validate=validate.Length(max=LIMITS["trainers_per_session"]))
    capacity = fields.Integer(required=True, validate=validate.Range(min=1, max=LIMITS["capacity"]))


class RescheduleIn(Strict):
    starts_at = fields.DateTime(required=True, metadata=WIB_TIME)
    ends_at = fields.DateTime(required=True, metadata=WIB_TIME)
    venue_id = fields.String()
    trainer_ids = fields.List(fields.String(), validate=validate.Length(max=LIMITS["trainers_per_session"]))
    reason = text("reason", required=True, metadata={"description": "Told to everyone enrolled; name no one."})


class ReasonIn(Strict):
    reason = text("reason", required=True, metadata={"description": "Told to everyone enrolled; name no one."})


class TrainingIn(Strict):
    programme_id = fields.String(required=True)
    title = text("title", required=True)
    area_code = fields.String(required=True, validate=AREA_CODE,
                              metadata={"description": "The kabupaten/kota, kecamatan or desa the training is for."})
    pokja_id = fields.String(allow_none=True, metadata={"description": "When it is for one pokja's members."})
    sessions = fields.List(fields.Nested(SessionIn), required=True,
                           validate=validate.Length(min=1, max=LIMITS["sessions"]))


class SessionVenueOut(Strict):
    id = fields.String(required=True)
    name = fields.String(required=True)
    desa_code = fields.String(required=True)
    features = fields.List(fields.String())
    accessibility_notes = fields.String(allow_none=True)


class SessionOut(Strict):
    id = fields.String(required=True)
    training_id = fields.String(required=True)
    starts_at = fields.String(required=True, metadata={"description": "WIB, with +07:00."})
    ends_at = fields.String(required=True)
    venue = fields.Nested(SessionVenueOut, required=True)
    trainer_ids = fields.List(fields.String())
    capacity = fields.Integer(required=True)
    status = one_of(SESSION_STATUSES, required=True)
    change_reason = fields.String(allow_none=True)


class ProgrammeRefOut(Strict):
    id = fields.String(required=True)
    title = fields.String(required=True)
    topic = fields.String(required=True)
    organiser_org = fields.String()
    audience = fields.String()


class TrainingOut(Strict):
    id = fields.String(required=True)
    version = fields.Integer(required=True)
    title = fields.String(required=True)
    programme = fields.Nested(ProgrammeRefOut, required=True)
    area_code = fields.String(required=True)
    pokja_id = fields.String(allow_none=True)
    capacity = fields.Integer(metadata={"description": "Places: the smallest live session's capacity."})
    confirmed_count = fields.Integer()
    waitlisted_count = fields.Integer()
    sessions = fields.List(fields.Nested(SessionOut))
    created_at = fields.String()
    updated_at = fields.String()


class TrainingQuery(AreaPageQuery):
    pokja_id = fields.String()
    topic = one_of(TOPICS)


class EnrolmentIn(Strict):
    person_id = fields.String(required=True)
    needs = fields.List(one_of(ACCOMMODATIONS), metadata={
        "description": "Needs the participant states, added to those that follow from their registered "
                       "categories and communication format."})


class EnrolmentOut(Strict):
    id = fields.String(required=True)
    training_id = fields.String(required=True)
    person_id = fields.String(required=True)
    status = one_of(ENROLMENT_STATUSES, required=True)
    position = fields.Integer(allow_none=True, metadata={"description": "Place on the waitlist, from 1."})
    needs = fields.List(fields.String())
    requested_at = fields.String()
    confirmed_at = fields.String(allow_none=True)
    cancelled_at = fields.String(allow_none=True)
    cancel_reason = fields.String(allow_none=True, validate=validate.OneOf(CANCEL_REASONS))
    completed_at = fields.String(allow_none=True)


class EnrolmentQuery(Strict):
    include_cancelled = fields.Boolean(load_default=False)


class ArrangementIn(Strict):
    session_id = fields.String(required=True)
    kind = one_of(ACCOMMODATIONS, required=True)
    status = one_of(ARRANGEMENT_STATUSES, required=True)
    reason = text("reason", allow_none=True, metadata={"description": "Required when waived."})
    note = text("note", allow_none=True)


class ArrangementOut(Strict):
    session_id = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "needed, arranged or waived"})
    reason = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    recorded_at = fields.String(allow_none=True)


class NeedOut(Strict):
    kind = fields.String(required=True)
    label = fields.String(required=True)
    participants = fields.Integer(required=True)
    sessions = fields.List(fields.Nested(ArrangementOut))


class AccommodationsOut(Strict):
    training_id = fields.String(required=True)
    items = fields.List(fields.Nested(NeedOut), required=True)


class AttendanceRowIn(Strict):
    person_id = fields.String(required=True)
    present = fields.Boolean(required=True)


class AttendanceIn(Strict):
    session_id = fields.String(required=True)
    sheet = fields.List(fields.Nested(AttendanceRowIn), required=True,
                        validate=validate.Length(min=1, max=LIMITS["attendance_sheet"]))


class AttendanceResultOut(Strict):
    training_id = fields.String(required=True)
    session_id = fields.String(required=True)
    recorded = fields.Integer(required=True)
    completed_person_ids = fields.List(fields.String(), required=True)


class SheetRowOut(Strict):
    person_id = fields.String(required=True)
    present = fields.Boolean(required=True)


class SessionSheetOut(Strict):
    session_id = fields.String(required=True)
    sheet = fields.List(fields.Nested(SheetRowOut))


class ParticipantOut(Strict):
    person_id = fields.String(required=True)
    attended_sessions = fields.Integer(required=True)
    completed_at = fields.String(allow_none=True)


class AttendanceOut(Strict):
    training_id = fields.String(required=True)
    total_sessions = fields.Integer(required=True)
    sessions = fields.List(fields.Nested(SessionSheetOut))
    participants = fields.List(fields.Nested(ParticipantOut))


