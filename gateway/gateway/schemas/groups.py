"""HTTP shapes of pokja, paguyuban, coverage and statistics."""
from marshmallow import fields, validate

from gateway.schemas.common import AREA_CODE, AreaPageQuery, Strict
from inklusi_platform.contracts.registry import ACTIVITY_KINDS
from inklusi_platform.contracts.registry import POKJA_ROLES as MEMBER_ROLES
from inklusi_platform.contracts.registry import POKJA_STAGES as STAGES


class PokjaIn(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    area_code = fields.String(required=True, validate=AREA_CODE,
                              metadata={"description": "A kecamatan, or the desa/kelurahan the pokja is based in."})
    stage = fields.String(load_default="rintisan", validate=validate.OneOf(STAGES))
    business_lines = fields.List(fields.String(validate=validate.Length(min=1, max=120)), load_default=list)
    formed_on = fields.Date(required=True)


class PokjaPatch(Strict):
    name = fields.String(validate=validate.Length(min=1, max=200))
    stage = fields.String(validate=validate.OneOf(STAGES))
    business_lines = fields.List(fields.String(validate=validate.Length(min=1, max=120)))


class AssessmentIn(Strict):
    assessed_on = fields.Date(required=True)
    production = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    administration = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    finance = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    marketing = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    notes = fields.String(allow_none=True, validate=validate.Length(max=1000))


class PokjaOut(Strict):
    id = fields.String(required=True)
    version = fields.Integer(required=True)
    name = fields.String(required=True)
    area_code = fields.String(required=True)
    area_name = fields.String(allow_none=True, metadata={"description": "Name of the desa/kelurahan or kecamatan."})
    kecamatan_code = fields.String(required=True)
    kecamatan_name = fields.String()
    stage = fields.String(required=True)
    business_lines = fields.List(fields.String())
    formed_on = fields.String(allow_none=True)
    latest_assessment = fields.Dict(allow_none=True)
    member_count = fields.Integer()


class PokjaQuery(AreaPageQuery):
    stage = fields.String(validate=validate.OneOf(STAGES))
    kecamatan_code = fields.String(validate=AREA_CODE)


class MemberIn(Strict):
    person_id = fields.String(required=True)
    role = fields.String(load_default="anggota", validate=validate.OneOf(MEMBER_ROLES))
    joined_on = fields.Date(required=True)


class MemberEndIn(Strict):
    left_on = fields.Date(required=True)


class MemberOut(Strict):
    person_id = fields.String(required=True)
    role = fields.String(required=True)
    joined_on = fields.String(required=True)
    left_on = fields.String(allow_none=True)


class MembersQuery(Strict):
    include_past = fields.Boolean(load_default=False)


class PaguyubanIn(Strict):
    kecamatan_code = fields.String(required=True, validate=AREA_CODE)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    formed_on = fields.Date(required=True)


class PaguyubanOut(Strict):
    id = fields.String(required=True)
    version = fields.Integer()
    kecamatan_code = fields.String(required=True)
    kecamatan_name = fields.String()
    name = fields.String(required=True)
    formed_on = fields.String(allow_none=True)
    member_count = fields.Integer()


class FamilyMemberIn(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    relation = fields.String(required=True, validate=validate.Length(min=1, max=60))
    phone = fields.String(allow_none=True)
    cares_for = fields.List(fields.String(), required=True, validate=validate.Length(min=1))


class ActivityIn(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(ACTIVITY_KINDS))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    held_on = fields.Date(required=True)
    participants = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0))
    notes = fields.String(allow_none=True, validate=validate.Length(max=2000))


class StatsQuery(Strict):
    area = fields.List(fields.String(validate=AREA_CODE))
    format = fields.String(validate=validate.OneOf(("json", "csv", "xlsx")),
                           metadata={"description": "json (default), or a file for reports: csv or xlsx."})


class CoverageKecamatan(Strict):
    code = fields.String(required=True)
    name = fields.String(required=True)
    kabupaten_code = fields.String(required=True)
    kabupaten_name = fields.String(required=True)
    pokja_count = fields.Integer(required=True)
    covered = fields.Boolean(required=True)


class CoverageOut(Strict):
    total = fields.Integer(required=True)
    covered = fields.Integer(required=True)
    not_covered = fields.Integer(required=True)
    kecamatan = fields.List(fields.Nested(CoverageKecamatan), required=True)


class StatsCount(Strict):
    count = fields.Integer(allow_none=True, metadata={"description": "null when suppressed"})
    suppressed = fields.Boolean(metadata={"description": "Hidden: below the threshold, or it would reveal one."})


class KecamatanCount(StatsCount):
    kecamatan_code = fields.String(required=True)
    kecamatan_name = fields.String(allow_none=True)


class SexAgeCount(KecamatanCount):
    sex = fields.String(required=True)
    age_band = fields.String(required=True)


class CategoryCount(SexAgeCount):
    category = fields.String(required=True)


class StatsOut(Strict):
    threshold = fields.Integer(allow_none=True, metadata={
        "description": "Smallest count shown to this caller; null when nothing is suppressed."})
    total_persons = fields.Nested(StatsCount, required=True)
    kecamatan = fields.List(fields.Nested(KecamatanCount), required=True,
                            metadata={"description": "Distinct active persons per kecamatan."})
    totals = fields.List(fields.Nested(SexAgeCount), required=True,
                         metadata={"description": "Distinct active persons per kecamatan, sex and age band."})
    persons = fields.List(fields.Nested(CategoryCount), required=True, metadata={
        "description": "Per category: a person with several categories counts under each (and under ganda)."})
    pokja_by_stage = fields.List(fields.Dict(), required=True)
    paguyuban = fields.List(fields.Dict(), required=True)
