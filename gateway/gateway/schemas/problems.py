"""HTTP shapes of the needs inventory: problems, their triage, history, comments, links; advocacy actions; stats.

The vocabulary and limits come from the platform's problems contract, the same the training service checks.
"""
from marshmallow import fields, validate

from gateway.schemas.common import AREA_CODE, AreaPageQuery, Strict
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

MALANG_RAYA = {"description": "A desa, kecamatan or kabupaten/kota code; null: all of Malang Raya."}


def text(limit: str, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=LIMITS[limit]), **kwargs)


def one_of(options, **kwargs) -> fields.String:
    return fields.String(validate=validate.OneOf(tuple(options)), **kwargs)


PEOPLE = validate.Range(min=0, max=LIMITS["people_affected"])


class RaiserIn(Strict):
    kind = one_of(RAISER_KINDS, required=True)
    ref_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=36), metadata={
        "description": "Registry id of the pokja, paguyuban or person (a person only with consent "
                       "inventarisasi_masalah)."})
    organisation = text("organisation", allow_none=True, metadata={"description": "A forum member organisation."})
    raised_on = fields.Date(allow_none=True)


class EvidenceIn(Strict):
    kind = one_of(EVIDENCE_KINDS, required=True)
    note = text("note", allow_none=True)
    filename = text("filename", allow_none=True)
    media_type = text("media_type", allow_none=True)
    size_bytes = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=LIMITS["attachment_bytes"]))


class ProblemIn(Strict):
    title = text("title", required=True)
    description = text("description", required=True, metadata={"description": "In plain language."})
    field = one_of(FIELDS, required=True)
    area_code = fields.String(required=True, allow_none=True, validate=AREA_CODE, metadata=MALANG_RAYA)
    people_affected = fields.Integer(required=True, validate=PEOPLE)
    severity = one_of(SEVERITIES)
    raisers = fields.List(fields.Nested(RaiserIn), required=True,
                          validate=validate.Length(min=1, max=LIMITS["raisers"]))
    evidence = fields.List(fields.Nested(EvidenceIn), validate=validate.Length(max=LIMITS["evidence"]))
    raised_on = fields.Date(allow_none=True, metadata={"description": "Default: today."})


class ProblemChangeIn(Strict):
    title = text("title")
    description = text("description")
    field = one_of(FIELDS)
    people_affected = fields.Integer(validate=PEOPLE)
    severity = one_of(SEVERITIES)
    status = one_of(STATUSES, metadata={"description": "baru -> dikaji -> diprogramkan -> selesai; ditolak "
                                                       "needs a reason."})
    reason = text("reason", allow_none=True)


class DuplicateIn(Strict):
    duplicate_id = fields.String(required=True, metadata={"description": "The duplicate folded into this one."})


class RaiserOut(Strict):
    kind = fields.String(required=True)
    ref_id = fields.String(allow_none=True)
    organisation = fields.String(allow_none=True)
    raised_on = fields.String(required=True)


class EvidenceOut(Strict):
    kind = fields.String(required=True)
    note = fields.String()
    filename = fields.String()
    media_type = fields.String()
    size_bytes = fields.Integer()


class PriorityPartOut(Strict):
    factor = fields.String(required=True)
    value = fields.Raw(required=True)
    points = fields.Integer(required=True)
    explanation = fields.String(required=True)


class PriorityOut(Strict):
    total = fields.Integer(required=True)
    parts = fields.List(fields.Nested(PriorityPartOut), required=True)


class LinkOut(Strict):
    kind = fields.String(required=True)
    target_id = fields.String(required=True)
    title = fields.String(allow_none=True)
    linked_at = fields.String(required=True)


class ProblemOut(Strict):
    id = fields.String(required=True)
    version = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    field = fields.String(required=True)
    area_code = fields.String(required=True, allow_none=True)
    people_affected = fields.Integer(required=True)
    severity = fields.String(required=True)
    evidence = fields.List(fields.Nested(EvidenceOut), required=True)
    status = fields.String(required=True)
    reject_reason = fields.String(allow_none=True)
    raised_on = fields.String(required=True)
    raisers = fields.List(fields.Nested(RaiserOut), required=True, metadata={
        "description": "Persons appear only to callers who may read persons; others see raiser_counts."})
    raiser_counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    priority = fields.Nested(PriorityOut, required=True)
    links = fields.List(fields.Nested(LinkOut), required=True)
    programmed_at = fields.String(allow_none=True)
    resolved_at = fields.String(allow_none=True)
    merged_into_id = fields.String(allow_none=True)
    created_at = fields.String()
    updated_at = fields.String()


class ProblemQuery(AreaPageQuery):
    field = one_of(FIELDS)
    status = one_of(STATUSES)


class ChangeOut(Strict):
    at = fields.String(required=True)
    actor = fields.String(required=True)
    action = fields.String(required=True)
    changes = fields.Dict(required=True)
    reason = fields.String(allow_none=True)


class CommentIn(Strict):
    body = text("comment", required=True)


class CommentOut(Strict):
    id = fields.String(required=True)
    problem_id = fields.String(required=True)
    body = fields.String(required=True)
    author = fields.String(required=True)
    author_org = fields.String(allow_none=True)
    created_at = fields.String(required=True)


class LinkIn(Strict):
    kind = one_of(LINK_KINDS, required=True)
    target_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


class AdvocacyIn(Strict):
    title = text("title", required=True)
    kind = one_of(ADVOCACY_KINDS, required=True, metadata={"description": "audiensi (meeting), surat_kebijakan "
                                                                          "(policy letter), dengar_pendapat "
                                                                          "(hearing), lainnya."})
    held_on = fields.Date(required=True)
    counterpart_org = text("organisation", required=True)
    outcome = text("outcome", allow_none=True)
    area_code = fields.String(allow_none=True, validate=AREA_CODE, metadata=MALANG_RAYA)


class AdvocacyOut(Strict):
    id = fields.String(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True)
    held_on = fields.String(required=True)
    counterpart_org = fields.String(required=True)
    outcome = fields.String(allow_none=True)
    area_code = fields.String(allow_none=True)
    problem_ids = fields.List(fields.String(), required=True)
    created_at = fields.String()


class ProgrammedOut(Strict):
    problem_id = fields.String(required=True)
    title = fields.String(required=True)
    field = fields.String(required=True)
    area_code = fields.String(allow_none=True)
    status = fields.String(required=True)
    raised_on = fields.String(required=True)
    days = fields.Integer(required=True, metadata={"description": "Days from raised to programmed."})


class ProblemStatsOut(Strict):
    open_total = fields.Integer(required=True)
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    open_by_field = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    open_by_area = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True, metadata={
        "description": "By kecamatan code; malang_raya: problems about all of Malang Raya."})
    open_by_age = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                              metadata={"description": "Days since raised: 0-30, 31-90, 91-180, >180."})
    programmed = fields.List(fields.Nested(ProgrammedOut), required=True)
    median_days_to_programme = fields.Float(allow_none=True, required=True)


class StatsQuery(Strict):
    area = fields.List(fields.String(validate=AREA_CODE),
                       metadata={"description": "Only problems in these areas (repeatable)."})
