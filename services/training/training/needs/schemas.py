"""What the needs inventory accepts from callers; choices and limits come from the platform's contract."""
from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from inklusi_platform.contracts.problems import (
    ADVOCACY_KINDS,
    EVIDENCE_KINDS,
    FIELDS,
    LIMITS,
    LINK_KINDS,
    RAISER_KINDS,
    SEVERITIES,
    STATUSES,
)
from training.schemas import AREA_CODE, Strict, one_of


def text(limit: str, **kwargs) -> fields.String:
    size = LIMITS[limit]
    return fields.String(validate=validate.Length(min=1, max=size, error=f"Isi 1 sampai {size} karakter."),
                         **kwargs)


def items(limit: str, minimum: int = 0) -> validate.Length:
    return validate.Length(min=minimum, max=LIMITS[limit], error=f"Isi {minimum} sampai {LIMITS[limit]} butir.")


PEOPLE = validate.Range(min=0, max=LIMITS["people_affected"],
                        error=f"Jumlah orang 0 sampai {LIMITS['people_affected']}.")


class RaiserInput(Strict):
    kind = one_of(RAISER_KINDS, required=True)
    ref_id = fields.String(validate=validate.Length(min=1, max=36), allow_none=True, load_default=None)
    organisation = text("organisation", allow_none=True, load_default=None)
    raised_on = fields.Date(allow_none=True, load_default=None)

    @validates_schema
    def _names_who(self, data, **_kwargs):
        if data.get("kind") == "organisasi" and not data.get("organisation"):
            raise ValidationError("Sebutkan nama organisasi anggota forum.", "organisation")
        if data.get("kind") in ("pokja", "paguyuban", "person") and not data.get("ref_id"):
            raise ValidationError("Sebutkan id pokja, paguyuban atau orang dari registry.", "ref_id")


class EvidenceInput(Strict):
    kind = one_of(EVIDENCE_KINDS, required=True)
    note = text("note", allow_none=True, load_default=None)
    filename = text("filename", allow_none=True, load_default=None)
    media_type = text("media_type", allow_none=True, load_default=None)
    size_bytes = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(
        min=0, max=LIMITS["attachment_bytes"], error="Ukuran berkas tidak valid."))

    @validates_schema
    def _complete(self, data, **_kwargs):
        if data.get("kind") == "note" and not data.get("note"):
            raise ValidationError("Catatan bukti wajib diisi.", "note")
        if data.get("kind") == "attachment" and not data.get("filename"):
            raise ValidationError("Nama berkas lampiran wajib diisi.", "filename")


class ProblemInput(Strict):
    title = text("title", required=True)
    description = text("description", required=True)
    field = one_of(FIELDS, required=True)
    area_code = fields.String(required=True, allow_none=True, validate=AREA_CODE)
    people_affected = fields.Integer(required=True, validate=PEOPLE)
    severity = one_of(SEVERITIES, load_default="sedang")
    raisers = fields.List(fields.Nested(RaiserInput), required=True, validate=items("raisers", 1))
    evidence = fields.List(fields.Nested(EvidenceInput), load_default=list, validate=items("evidence"))
    raised_on = fields.Date(allow_none=True, load_default=None)


class ProblemChangeInput(Strict):
    """A triage step: any of these; `reason` is required for ditolak."""
    title = text("title")
    description = text("description")
    field = one_of(FIELDS)
    people_affected = fields.Integer(validate=PEOPLE)
    severity = one_of(SEVERITIES)
    status = one_of(STATUSES)
    reason = text("reason", allow_none=True, load_default=None)


class MergeInput(Strict):
    duplicate_id = fields.String(required=True)


class CommentInput(Strict):
    body = text("comment", required=True)


class LinkInput(Strict):
    kind = one_of(LINK_KINDS, required=True)
    target_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


class AdvocacyInput(Strict):
    title = text("title", required=True)
    kind = one_of(ADVOCACY_KINDS, required=True)
    held_on = fields.Date(required=True)
    counterpart_org = text("organisation", required=True)
    outcome = text("outcome", allow_none=True, load_default=None)
    area_code = fields.String(allow_none=True, load_default=None, validate=AREA_CODE)
