"""HTTP shapes of the registry's resources; choices and limits come from the registry's contract."""
from marshmallow import fields, validate

from gateway.schemas.common import AREA_CODE, AreaPageQuery, AuditActor, PageQuery, Strict
from inklusi_platform.contracts import registry as vocabulary
from inklusi_platform.contracts.registry import (
    CATEGORIES,
    CHANNELS,
    CHOSEN_CATEGORIES,
    CONSENT_FORMS,
    CONSENT_SOURCES,
    EDITABLE_STATUSES,
    FORMATS,
    GIVERS,
    PERSON_STATUSES,
    PURPOSES,
    SEXES,
)


def _text_list():
    return fields.List(fields.String(validate=validate.Length(max=vocabulary.LIST_ITEM_MAX)),
                       validate=validate.Length(max=vocabulary.LIST_MAX))


def _categories(**kwargs):
    return fields.List(fields.String(validate=validate.OneOf(CHOSEN_CATEGORIES)),
                       validate=validate.Length(min=1, max=vocabulary.CATEGORIES_MAX), **kwargs)


def _diagnosis():
    return fields.String(allow_none=True, validate=validate.Length(max=vocabulary.DIAGNOSIS_MAX))


class DisabilityIn(Strict):
    categories = _categories(required=True)
    functional_limitations = _text_list()
    assistive_devices = _text_list()
    diagnosis = _diagnosis()


class DisabilityPatch(Strict):
    """Without defaults: a PATCH that names only the categories must not clear the other lists."""

    categories = _categories()
    functional_limitations = _text_list()
    assistive_devices = _text_list()
    diagnosis = _diagnosis()


class GuardianIn(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=vocabulary.NAME_MAX))
    relation = fields.String(required=True, validate=validate.Length(min=1, max=vocabulary.RELATION_MAX))
    phone = fields.String(allow_none=True, validate=validate.Length(max=vocabulary.PHONE_MAX))


class ConsentIn(Strict):
    purpose = fields.String(required=True, validate=validate.OneOf(PURPOSES))
    given_by = fields.String(required=True, validate=validate.OneOf(GIVERS))
    form = fields.String(required=True, validate=validate.OneOf(CONSENT_FORMS))
    given_on = fields.Date(required=True)


class CommunicationIn(Strict):
    channels = fields.List(fields.String(validate=validate.OneOf(CHANNELS)), validate=validate.Length(min=1))
    language = fields.String(validate=validate.Regexp(vocabulary.LANGUAGE_PATTERN,
                                                      error="Kode bahasa tidak dikenali (contoh: id, jv)."))
    format = fields.String(validate=validate.OneOf(FORMATS))
    copy_guardian = fields.Boolean()


class BusinessIn(Strict):
    sector = fields.String(allow_none=True, validate=validate.Length(max=vocabulary.SECTOR_MAX))
    status = fields.String(allow_none=True, validate=validate.Length(max=vocabulary.BUSINESS_STATUS_MAX))
    started_on = fields.Date(allow_none=True)


class _PersonFields(Strict):
    kk = fields.String(allow_none=True, validate=validate.Length(max=vocabulary.NUMBER_MAX))
    phone = fields.String(allow_none=True, validate=validate.Length(max=vocabulary.PHONE_MAX))
    # Checked by the registry, where a blank one means none; here only its length.
    email = fields.String(allow_none=True, validate=validate.Length(max=vocabulary.EMAIL_MAX),
                          metadata={"format": "email"})
    guardian = fields.Nested(GuardianIn, allow_none=True)
    communication = fields.Nested(CommunicationIn)
    business = fields.Nested(BusinessIn, allow_none=True)


class PersonIn(_PersonFields):
    nik = fields.String(required=True, validate=validate.Length(max=vocabulary.NUMBER_MAX),
                        metadata={"description": "16 digits; checked against birth date and sex."})
    name = fields.String(required=True, validate=validate.Length(min=1, max=vocabulary.NAME_MAX))
    birth_date = fields.Date(required=True)
    sex = fields.String(required=True, validate=validate.OneOf(SEXES))
    desa_code = fields.String(required=True, validate=AREA_CODE)
    disability = fields.Nested(DisabilityIn, required=True)
    consent = fields.Nested(ConsentIn, required=True)


class PersonPatch(_PersonFields):
    name = fields.String(validate=validate.Length(min=1, max=vocabulary.NAME_MAX))
    birth_date = fields.Date()
    sex = fields.String(validate=validate.OneOf(SEXES))
    nik = fields.String(validate=validate.Length(max=vocabulary.NUMBER_MAX))
    desa_code = fields.String(validate=AREA_CODE)
    disability = fields.Nested(DisabilityPatch)
    status = fields.String(validate=validate.OneOf(EDITABLE_STATUSES))


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
    q = fields.String(validate=validate.Length(min=1, max=vocabulary.NAME_QUERY_MAX),
                      metadata={"description": "Part of the name, or a whole NIK (an exact lookup)."})
    nik = fields.String(validate=validate.Length(min=1, max=vocabulary.NUMBER_MAX),
                        metadata={"description": "A whole NIK: the one person holding it, if in your area."})
    birth_date = fields.Date(metadata={"description": "Exact birth date (YYYY-MM-DD); with q, name and birth date."})
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    status = fields.String(validate=validate.OneOf(PERSON_STATUSES))
    sex = fields.String(validate=validate.OneOf(SEXES))
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
    source = fields.String(validate=validate.OneOf(CONSENT_SOURCES), metadata={
        "description": "assumed_on_import: recorded by an import before consent was asked, needs confirming."})


class ConsentWithdrawalIn(Strict):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=vocabulary.WITHDRAWAL_REASON_MAX))


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
