"""HTTP shapes of imports and exports."""
from marshmallow import fields, validate

from gateway.schemas.common import AREA_CODE, Strict
from inklusi_platform.contracts.registry import CONSENT_FORMS


class ImportQuery(Strict):
    mode = fields.String(load_default="valid_rows", validate=validate.OneOf(("valid_rows", "all_or_nothing")),
                         metadata={"description": "valid_rows imports the good rows; all_or_nothing none if one "
                                                  "is bad."})
    # The uploader's declaration, recorded with them as its source; rows whose Persetujuan cell is
    # blank are refused without it. Both or neither.
    consent_form = fields.String(validate=validate.OneOf(CONSENT_FORMS), metadata={
        "description": "Declares that signed consent forms exist for the rows without a Persetujuan cell: "
                       "the form they were given in. Requires consent_given_on."})
    consent_given_on = fields.Date(metadata={"description": "The date of those consent forms (YYYY-MM-DD)."})


class ImportJobOut(Strict):
    id = fields.String(required=True)
    filename = fields.String(required=True)
    mode = fields.String(required=True)
    status = fields.String(required=True)
    counts = fields.Dict(required=True)
    created_at = fields.String(allow_none=True)
    started_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)
    failure_reason = fields.String(allow_none=True)
    requested_by = fields.String(allow_none=True, metadata={"description": "Principal that uploaded the file."})
    areas = fields.List(fields.String(), allow_none=True)
    consent_declaration = fields.Dict(allow_none=True, metadata={
        "description": "The uploader's consent declaration (form, given_on, declared_by, declared_at), if made."})


class ExportQuery(Strict):
    format = fields.String(load_default="csv", validate=validate.OneOf(("csv", "xlsx")))
    area = fields.List(fields.String(validate=AREA_CODE))
