"""HTTP shapes of the region reference data."""
from marshmallow import fields

from gateway.schemas.common import AREA_CODE, Strict


class AreaQuery(Strict):
    parent = fields.String(validate=AREA_CODE, metadata={"description": "e.g. 35.07 for Kabupaten Malang."})


class AreaOut(Strict):
    code = fields.String(required=True)
    name = fields.String(required=True)
    level = fields.String(required=True)
    parent_code = fields.String(allow_none=True)
