"""HTTP shapes of the registry's resources."""
from marshmallow import fields, validate

from gateway.schemas.common import AREA_CODE, AreaPageQuery, AuditActor, PageQuery, Strict

CATEGORIES = ("fisik", "intelektual", "mental", "sensorik")
CHANNELS = ("whatsapp", "sms", "email", "none")
FORMATS = ("plain_text", "easy_read", "large_print")
PURPOSES = ("pendataan", "komunikasi", "pelatihan", "bantuan_usaha", "berbagi_data_mitra")
CONSENT_FORMS = ("read_aloud", "sign_language", "easy_read", "written")
STATUSES = ("active", "moved_away", "deceased", "merged")


class DisabilityIn(Strict):
    categories = fields.List(fields.String(validate=validate.OneOf(CATEGORIES)), required=True,
                             validate=validate.Length(min=1))
    functional_limitations = fields.List(fields.String(validate=validate.Length(max=200)), load_default=list)
    assistive_devices = fields.List(fields.String(validate=validate.Length(max=200)), load_default=list)
    diagnosis = fields.String(allow_none=True, validate=validate.Length(max=500))


class DisabilityPatch(Strict):
    """Without defaults: a PATCH that names only the categories must not clear the other lists."""

    categories = fields.List(fields.String(validate=validate.OneOf(CATEGORIES)), validate=validate.Length(min=1))
    functional_limitations = fields.List(fields.String(validate=validate.Length(max=200)))
    assistive_devices = fields.List(fields.String(validate=validate.Length(max=200)))
    diagnosis = fields.String(allow_none=True, validate=validate.Length(max=500))


class GuardianIn(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    relation = fields.String(required=True, validate=validate.Length(min=1, max=60))
    phone = fields.String(allow_none=True)


class ConsentIn(Strict):
    purpose = fields.String(required=True, validate=validate.OneOf(PURPOSES))
    given_by = fields.String(required=True, validate=validate.OneOf(("self", "guardian")))
    form = fields.String(required=True, validate=validate.OneOf(CONSENT_FORMS))
    given_on = fields.Date(required=True)


class CommunicationIn(Strict):
    channels = fields.List(fields.String(validate=validate.OneOf(CHANNELS)), validate=validate.Length(min=1))
    language = fields.String(validate=validate.Length(min=2, max=10))
    format = fields.String(validate=validate.OneOf(FORMATS))
    copy_guardian = fields.Boolean()


class BusinessIn(Strict):
    sector = fields.String(validate=validate.Length(max=120))
    status = fields.String(validate=validate.Length(max=60))
    started_on = fields.Date(allow_none=True)


class PersonIn(Strict):
    nik = fields.String(required=True, metadata={"description": "16 digits; checked against birth date and sex."})
    kk = fields.String(allow_none=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    birth_date = fields.Date(required=True)
    sex = fields.String(required=True, validate=validate.OneOf(("L", "P")))
    desa_code = fields.String(required=True, validate=AREA_CODE)
    phone = fields.String(allow_none=True)
    email = fields.Email(allow_none=True)
    disability = fields.Nested(DisabilityIn, required=True)
    guardian = fields.Nested(GuardianIn, allow_none=True)
    consent = fields.Nested(ConsentIn, required=True)
    communication = fields.Nested(CommunicationIn)
    business = fields.Nested(BusinessIn, allow_none=True)


class PersonPatch(Strict):
    kk = fields.String(allow_none=True)
    name = fields.String(validate=validate.Length(min=1, max=200))
    birth_date = fields.Date()
    sex = fields.String(validate=validate.OneOf(("L", "P")))
    nik = fields.String()
    desa_code = fields.String(validate=AREA_CODE)
    phone = fields.String(allow_none=True)
    email = fields.Email(allow_none=True)
    disability = fields.Nested(DisabilityPatch)
    guardian = fields.Nested(GuardianIn, allow_none=True)
    communication = fields.Nested(CommunicationIn)
    business = fields.Nested(BusinessIn, allow_none=True)
    status = fields.String(validate=validate.OneOf(("active", "moved_away", "deceased")))


class DisabilityOut(Strict):
    categories = fields.List(fields.String(), required=True)
    functional_limitations = fields.List(fields.String())
    assistive_devices = fields.List(fields.String())
    diagnosis = fields.String(allow_none=True)


class PersonOut(Strict):
    id = fields.String(required=True)
    version = fields.Integer(required=True)
    nik = fields.String(required=True, metadata={"description": "Masked (3507************) unless the role needs it."})
    kk = fields.String(allow_none=True)
    name = fields.String(required=True)
    birth_date = fields.String(required=True)
    sex = fields.String(required=True)
    age = fields.Integer(allow_none=True)
    desa_code = fields.String(required=True)
    kecamatan_code = fields.String(required=True)
    kabupaten_code = fields.String()
    nik_region_code = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    disability = fields.Nested(DisabilityOut, required=True)
    guardian = fields.Dict(allow_none=True)
    communication = fields.Dict(allow_none=True)
    business = fields.Dict(allow_none=True)
    status = fields.String(required=True)
    merged_into = fields.String(allow_none=True)
    consent_active = fields.List(fields.String())
    likely_duplicates = fields.List(fields.Dict())
    created_at = fields.String()
    updated_at = fields.String()


class PersonQuery(AreaPageQuery):
    q = fields.String(validate=validate.Length(min=1, max=100), metadata={"description": "Part of the name."})
    category = fields.String(validate=validate.OneOf((*CATEGORIES, "ganda")))
    status = fields.String(validate=validate.OneOf(STATUSES))
    sex = fields.String(validate=validate.OneOf(("L", "P")))
    kecamatan_code = fields.String(validate=AREA_CODE)
    desa_code = fields.String(validate=AREA_CODE)


class ConsentOut(Strict):
    id = fields.String(required=True)
    purpose = fields.String(required=True)
    given_by = fields.String(required=True)
    form = fields.String(required=True)
    given_on = fields.String(required=True)
    recorded_by = fields.Raw(allow_none=True)
    withdrawn_on = fields.String(allow_none=True)
    withdrawn_by = fields.Raw(allow_none=True)
    withdrawal_reason = fields.String(allow_none=True)
    active = fields.Boolean()
    source = fields.String(metadata={"description": "recorded, import_file, import_declaration, or "
                                                    "assumed_on_import (recorded by an import before consent was "
                                                    "asked: needs confirming)."})


class ConsentWithdrawalIn(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=300))


class HistoryEntryOut(Strict):
    at = fields.String(required=True)
    actor = fields.Nested(AuditActor, required=True)
    action = fields.String(required=True)
    changes = fields.Dict(required=True)


class MergeIn(Strict):
    merge_id = fields.String(required=True, metadata={"description": "The duplicate record folded into this one."})


class HistoryQuery(PageQuery):
    pass


class DuplicateFlagOut(Strict):
    id = fields.String(required=True)
    person_id = fields.String(required=True)
    candidate_id = fields.String(required=True)
    score = fields.Float(required=True)
    status = fields.String(required=True)
    kecamatan_code = fields.String(allow_none=True)
    created_at = fields.String(allow_none=True)
    resolved_at = fields.String(allow_none=True)
    resolved_by = fields.String(allow_none=True)
