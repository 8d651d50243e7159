"""Shapes shared by many routes: paging, area filters, actor references."""
from marshmallow import RAISE, Schema, fields, validate

AREA_CODE = validate.Regexp(r"^\d{2}(\.\d{2}){1,2}(\.\d{4})?$", error="Kode wilayah tidak dikenali.")


class Strict(Schema):
    class Meta:
        unknown = RAISE  # an unknown field is an error, not silently ignored


class PageQuery(Strict):
    limit = fields.Integer(validate=validate.Range(min=1, max=200), metadata={"description": "At most 200."})
    cursor = fields.String(metadata={"description": "next_cursor of the previous page."})


class AreaPageQuery(PageQuery):
    area = fields.List(fields.String(validate=AREA_CODE),
                       metadata={"description": "Only records in these areas (repeatable)."})


class AuditActor(Strict):
    user_id = fields.String(allow_none=True)
    org_id = fields.String(allow_none=True)
