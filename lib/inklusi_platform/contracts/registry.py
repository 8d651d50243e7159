"""The registry's vocabulary and field limits, and the events it publishes (ids, area codes, categories only).

The gateway's HTTP schemas, the registry's input schemas and its tables all take their choices and
lengths from here, so the two sides cannot drift apart.
"""
from marshmallow import Schema, fields, validate

from inklusi_platform.contracts import register

# --- vocabulary ----------------------------------------------------------------------------------
SEXES = ("L", "P")
# The four categories of UU 8/2016 Pasal 4 that a caller names; 'ganda' is derived, never chosen.
CHOSEN_CATEGORIES = ("fisik", "intelektual", "mental", "sensorik")
GANDA = "ganda"
CATEGORIES = (*CHOSEN_CATEGORIES, GANDA)
CHANNELS = ("whatsapp", "sms", "email", "none")
FORMATS = ("plain_text", "easy_read", "large_print")
# inventarisasi_masalah: naming the person as a raiser of a problem in the needs inventory.
PURPOSES = ("pendataan", "komunikasi", "pelatihan", "bantuan_usaha", "berbagi_data_mitra", "inventarisasi_masalah")
GIVERS = ("self", "guardian")
CONSENT_FORMS = ("read_aloud", "sign_language", "easy_read", "written")
# Where a consent record comes from: entered by whoever recorded it, an import's Persetujuan column,
# an uploader's declaration that signed forms exist, or assumed by imports before that was asked.
CONSENT_SOURCES = ("recorded", "import_file", "import_declaration", "assumed_on_import")
PERSON_STATUSES = ("active", "moved_away", "deceased", "merged")
EDITABLE_STATUSES = ("active", "moved_away", "deceased")  # 'merged' only comes from a merge
POKJA_STAGES = ("rintisan", "berkembang", "mandiri")
POKJA_ROLES = ("ketua", "sekretaris", "bendahara", "anggota")
ACTIVITY_KINDS = ("therapy_children", "parenting", "elderly_care", "other")  # paguyuban activities

# --- field limits (characters, or entries of a list) ----------------------------------------------
NAME_MAX = 200
RELATION_MAX = 60
NUMBER_MAX = 30  # NIK and KK as typed, spaces and dots included
PHONE_MAX = 30
EMAIL_MAX = 254
CATEGORY_MAX = 60
CATEGORIES_MAX = 4
LIST_ITEM_MAX = 200  # a functional limitation or an assistive device
LIST_MAX = 20
DIAGNOSIS_MAX = 500
SECTOR_MAX = 120
BUSINESS_STATUS_MAX = 60
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$"
WITHDRAWAL_REASON_MAX = 300
NAME_QUERY_MAX = 100

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
