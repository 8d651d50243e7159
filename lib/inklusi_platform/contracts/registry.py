"""Events the registry publishes. Ids, area codes and categories only."""
from marshmallow import Schema, fields, validate

from inklusi_platform.contracts import register

CATEGORIES = ("fisik", "intelektual", "mental", "sensorik", "ganda")
AREA = validate.Regexp(r"^\d{2}(\.\d{2}){1,2}(\.\d{4})?$")


class PersonRef(Schema):
    person_id = fields.String(required=True)
    kecamatan_code = fields.String(required=True, validate=AREA)


class PersonRegistered(PersonRef):
    desa_code = fields.String(required=True, validate=AREA)
    categories = fields.List(fields.String(validate=validate.OneOf(CATEGORIES)), required=True)


class PersonUpdated(PersonRef):
    changed_fields = fields.List(fields.String(), required=True)


class PersonMoved(PersonRef):
    from_kecamatan_code = fields.String(required=True, validate=AREA)
    desa_code = fields.String(required=True, validate=AREA)


class PersonDeceased(PersonRef):
    pass


class PersonsMerged(Schema):
    kept_person_id = fields.String(required=True)
    merged_person_id = fields.String(required=True)
    kecamatan_code = fields.String(required=True, validate=AREA)


class ConsentWithdrawn(PersonRef):
    consent_id = fields.String(required=True)
    purpose = fields.String(required=True)


class PokjaRef(Schema):
    pokja_id = fields.String(required=True)
    kecamatan_code = fields.String(required=True, validate=AREA)


class PokjaFormed(PokjaRef):
    area_code = fields.String(required=True, validate=AREA)
    stage = fields.String(required=True)


class PokjaMemberJoined(PokjaRef):
    person_id = fields.String(required=True)
    role = fields.String(required=True)


class PokjaMemberLeft(PokjaRef):
    person_id = fields.String(required=True)


class PokjaStageChanged(PokjaRef):
    from_stage = fields.String(required=True)
    to_stage = fields.String(required=True)


register("registry", "person_registered", PersonRegistered, description="A person with a disability was registered.")
register("registry", "person_updated", PersonUpdated, description="A person's record changed (field names only).")
register("registry", "person_moved", PersonMoved, description="A person's residence moved to another desa/kelurahan.")
register("registry", "person_deceased", PersonDeceased, description="A person was recorded as deceased.")
register("registry", "persons_merged", PersonsMerged, description="Two records of one person were merged.")
register("registry", "consent_withdrawn", ConsentWithdrawn, description="A person withdrew consent for a purpose.")
register("registry", "pokja_formed", PokjaFormed, description="A pokja was formed.")
register("registry", "pokja_member_joined", PokjaMemberJoined, description="A person joined a pokja.")
register("registry", "pokja_member_left", PokjaMemberLeft, description="A person left a pokja.")
register("registry", "pokja_stage_changed", PokjaStageChanged, description="A pokja moved to another stage.")
