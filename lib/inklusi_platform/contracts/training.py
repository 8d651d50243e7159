"""The training service's vocabulary and events. Ids, area codes, counts and codes only: no names.

The vocabulary (topics, audiences, venue features, accommodation kinds, statuses, field limits) is
defined here once; the gateway's HTTP schemas and the service's input schemas both use it.
"""
from marshmallow import Schema, fields, validate

from inklusi_platform.contracts import register

TOPICS = ("kewirausahaan", "paralegal", "advokasi", "keuangan", "administrasi", "pemasaran", "lainnya")
AUDIENCES = ("anggota_pokja", "paguyuban", "terbuka_wilayah")  # pokja members, paguyuban, open to an area

# Venue accessibility features, with the words a participant reads in the calendar.
FEATURES = {
    "step_free_entrance": "pintu masuk tanpa tangga",
    "accessible_toilet": "toilet aksesibel",
    "parking": "parkir",
    "quiet_room": "ruang tenang",
    "hearing_loop": "hearing loop (induksi pendengaran)",
}

# What organisers may have to arrange for a participant.
ACCOMMODATIONS = {
    "sign_language_interpreter": "juru bahasa isyarat (Bisindo)",
    "braille_or_large_print": "materi braille atau cetak besar",
    "easy_read": "materi mudah dibaca",
    "companion_seat": "kursi untuk pendamping",
    "step_free_access": "akses tanpa tangga",
}

# Needs that follow from a disability category. The registry records `sensorik` without saying
# whether sight or hearing, so `sensorik` alone implies no need: the participant states it at
# enrolment. `netra`, `rungu` and `wicara` are mapped for when the registry records them.
CATEGORY_NEEDS = {
    "fisik": ("step_free_access",),
    "intelektual": ("easy_read",),
    "ganda": ("companion_seat",),
    "netra": ("braille_or_large_print",),
    "rungu": ("sign_language_interpreter",),
    "wicara": ("sign_language_interpreter",),
}
# Needs that follow from the registry's communication format preference.
FORMAT_NEEDS = {"easy_read": ("easy_read",), "large_print": ("braille_or_large_print",)}

SESSION_STATUSES = ("scheduled", "confirmed", "cancelled")
ENROLMENT_STATUSES = ("confirmed", "waitlisted", "cancelled")
ARRANGEMENT_STATUSES = ("arranged", "waived")
# Why an enrolment ended; `person_*` ones follow registry events.
CANCEL_REASONS = ("requested", "person_deceased", "consent_withdrawn", "person_merged", "session_cancelled")
# A withdrawn consent for one of these purposes cancels the person's open enrolments.
ENROLMENT_CONSENTS = ("pendataan", "pelatihan")

DEFAULT_COMPLETION_SHARE = 0.75

LIMITS = {
    "title": 200,
    "description": 2000,
    "name": 200,
    "organisation": 120,
    "address": 300,
    "reason": 500,
    "note": 500,
    "capacity": 1000,
    "sessions": 60,
    "trainers_per_session": 10,
    "attendance_sheet": 500,
    "person_ids": 200,
}

AREA = validate.Regexp(r"^\d{2}(\.\d{2}){1,2}(\.\d{4})?$")


class SessionRef(Schema):
    training_id = fields.String(required=True)
    session_id = fields.String(required=True)
    area_code = fields.String(required=True, validate=AREA)


class SessionScheduled(SessionRef):
    starts_at = fields.String(required=True)  # ISO 8601 in UTC
    ends_at = fields.String(required=True)
    venue_id = fields.String(required=True)


class SessionRescheduled(SessionScheduled):
    previous_starts_at = fields.String(required=True)
    previous_ends_at = fields.String(required=True)
    # Shown to participants by notify: says what changed, never who.
    reason = fields.String(required=True, validate=validate.Length(min=1, max=LIMITS["reason"]))
    person_ids = fields.List(fields.String(), required=True)  # everyone enrolled, to be told


class SessionCancelled(SessionRef):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=LIMITS["reason"]))
    person_ids = fields.List(fields.String(), required=True)


class EnrolmentRef(Schema):
    enrolment_id = fields.String(required=True)
    training_id = fields.String(required=True)
    person_id = fields.String(required=True)
    area_code = fields.String(required=True, validate=AREA)


class EnrolmentWaitlisted(EnrolmentRef):
    position = fields.Integer(required=True)


class EnrolmentCancelled(EnrolmentRef):
    reason = fields.String(required=True, validate=validate.OneOf(CANCEL_REASONS))


class AttendanceRecorded(SessionRef):
    present_person_ids = fields.List(fields.String(), required=True)
    absent_person_ids = fields.List(fields.String(), required=True)


class TrainingCompleted(Schema):
    training_id = fields.String(required=True)
    person_id = fields.String(required=True)
    area_code = fields.String(required=True, validate=AREA)
    topic = fields.String(required=True, validate=validate.OneOf(TOPICS))
    attended_sessions = fields.Integer(required=True)
    total_sessions = fields.Integer(required=True)


register("training", "session_scheduled", SessionScheduled, description="A training session was scheduled.")
register("training", "session_rescheduled", SessionRescheduled,
         description="A session moved; the enrolled persons are to be told why.")
register("training", "session_cancelled", SessionCancelled,
         description="A session was cancelled; the enrolled persons are to be told why.")
register("training", "enrolment_confirmed", EnrolmentRef, description="A person has a place in a training.")
register("training", "enrolment_waitlisted", EnrolmentWaitlisted,
         description="A training was full; the person waits at this position.")
register("training", "enrolment_promoted", EnrolmentRef,
         description="A place freed up and the first waitlisted person now has it.")
register("training", "enrolment_cancelled", EnrolmentCancelled, description="An enrolment ended before the training.")
register("training", "attendance_recorded", AttendanceRecorded, description="Attendance of a session was recorded.")
register("training", "training_completed", TrainingCompleted,
         description="A person attended the required share of a training's sessions.")
