"""What the training service accepts from callers. Vocabulary and limits come from the platform's contract.

marshmallow's own field messages are left to the platform-wide default; the rules written here
answer in Bahasa Indonesia.
"""
from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from inklusi_platform.contracts.training import (
    ACCOMMODATIONS,
    ARRANGEMENT_STATUSES,
    AUDIENCES,
    FEATURES,
    LIMITS,
    TOPICS,
)
from inklusi_platform.errors import ValidationFailed
from training.times import from_wib

AREA_CODE = validate.Regexp(r"^\d{2}(\.\d{2}){1,2}(\.\d{4})?$", error="Kode wilayah tidak dikenali.")
DESA_CODE = validate.Regexp(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$", error="Harus kode desa/kelurahan (35.07.25.2001).")


def text(limit: str, **kwargs) -> fields.String:
    size = LIMITS[limit]
    return fields.String(validate=validate.Length(min=1, max=size, error=f"Isi 1 sampai {size} karakter."),
                         **kwargs)


def one_of(options, **kwargs) -> fields.String:
    options = tuple(options)
    return fields.String(validate=validate.OneOf(options, error=f"Pilih salah satu: {', '.join(options)}."),
                         **kwargs)


def at_most(limit: str, minimum: int = 0) -> validate.Length:
    return validate.Length(min=minimum, max=LIMITS[limit],
                           error=f"Isi {minimum} sampai {LIMITS[limit]} butir.")


class Strict(Schema):
    class Meta:
        unknown = RAISE


class ProgrammeInput(Strict):
    title = text("title", required=True)
    topic = one_of(TOPICS, required=True)
    description = text("description", allow_none=True, load_default=None)
    organiser_org = text("organisation", required=True)
    audience = one_of(AUDIENCES, required=True)


class VenueInput(Strict):
    name = text("name", required=True)
    address = text("address", required=True)
    desa_code = fields.String(required=True, validate=DESA_CODE)
    features = fields.List(one_of(FEATURES), load_default=list)
    accessibility_notes = text("note", allow_none=True, load_default=None)


class TrainerInput(Strict):
    name = text("name", required=True)
    organisation = text("organisation", required=True)
    topics = fields.List(one_of(TOPICS), load_default=list)


class SessionInput(Strict):
    # Without an offset a time is WIB (Asia/Jakarta).
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    venue_id = fields.String(required=True)
    trainer_ids = fields.List(fields.String(), load_default=list, validate=at_most("trainers_per_session"))
    capacity = fields.Integer(required=True, validate=validate.Range(
        min=1, max=LIMITS["capacity"], error=f"Kapasitas 1 sampai {LIMITS['capacity']} orang."))

    @validates_schema
    def _order(self, data, **_kwargs):
        if "starts_at" in data and "ends_at" in data and not _ends_after_start(data):
            raise ValidationError("Waktu selesai harus sesudah waktu mulai.", "ends_at")


class TrainingInput(Strict):
    programme_id = fields.String(required=True)
    title = text("title", required=True)
    area_code = fields.String(required=True, validate=AREA_CODE)
    pokja_id = fields.String(allow_none=True, load_default=None)
    sessions = fields.List(fields.Nested(SessionInput), required=True, validate=at_most("sessions", 1))


class RescheduleInput(Strict):
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    venue_id = fields.String()
    trainer_ids = fields.List(fields.String(), validate=at_most("trainers_per_session"))
    reason = text("reason", required=True)

    @validates_schema
    def _order(self, data, **_kwargs):
        if "starts_at" in data and "ends_at" in data and not _ends_after_start(data):
            raise ValidationError("Waktu selesai harus sesudah waktu mulai.", "ends_at")


class ReasonInput(Strict):
    reason = text("reason", required=True)


class EnrolmentInput(Strict):
    person_id = fields.String(required=True)
    # Needs the participant states (a deaf participant asks for an interpreter); added to the
    # ones that follow from their registered categories and communication format.
    needs = fields.List(one_of(ACCOMMODATIONS), load_default=list)


class ArrangementInput(Strict):
    session_id = fields.String(required=True)
    kind = one_of(ACCOMMODATIONS, required=True)
    status = one_of(ARRANGEMENT_STATUSES, required=True)
    reason = text("reason", allow_none=True, load_default=None)
    note = text("note", allow_none=True, load_default=None)

    @validates_schema
    def _waiver_needs_reason(self, data, **_kwargs):
        if data.get("status") == "waived" and not data.get("reason"):
            raise ValidationError("Pengecualian (waived) wajib disertai alasan.", "reason")


class AttendanceRow(Strict):
    person_id = fields.String(required=True)
    present = fields.Boolean(required=True)


class AttendanceInput(Strict):
    session_id = fields.String(required=True)
    sheet = fields.List(fields.Nested(AttendanceRow), required=True, validate=at_most("attendance_sheet", 1))


def _ends_after_start(data) -> bool:
    return from_wib(data["ends_at"]) > from_wib(data["starts_at"])


def load(schema: Schema, data, message: str = "Beberapa isian tidak valid."):
    """The loaded document, or ValidationFailed with every problem under its field."""
    if not isinstance(data, dict):
        raise ValidationFailed(message, {"_schema": ["Harus berupa objek."]})
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ValidationFailed(message, exc.messages) from None
