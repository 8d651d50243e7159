"""HTTP shapes of login, token refresh and revocation, and of the audit log."""
from datetime import timedelta

from marshmallow import ValidationError, fields, validate, validates_schema

from gateway.schemas.common import PageQuery, Strict

GRANTS = ("password", "refresh_token", "client_credentials")


class TokenIn(Strict):
    grant_type = fields.String(required=True, validate=validate.OneOf(GRANTS))
    username = fields.String(validate=validate.Length(min=1, max=80))
    password = fields.String(validate=validate.Length(min=1, max=200))
    refresh_token = fields.String(validate=validate.Length(min=1, max=200))
    client_id = fields.String(validate=validate.Length(min=1, max=80))
    client_secret = fields.String(validate=validate.Length(min=1, max=200))

    @validates_schema
    def _needs_its_fields(self, data, **_):
        needed = {"password": ("username", "password"), "refresh_token": ("refresh_token",),
                  "client_credentials": ("client_id", "client_secret")}[data.get("grant_type", "password")]
        missing = {name: ["Wajib diisi untuk grant_type ini."] for name in needed if not data.get(name)}
        if missing:
            raise ValidationError(missing)


class TokenOut(Strict):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True)
    refresh_token = fields.String(required=True)


class RevokeIn(Strict):
    refresh_token = fields.String(required=True, validate=validate.Length(min=1, max=200))


def _real_offset(moment) -> None:
    # ISO 8601 allows any offset; PostgreSQL only real ones (at most 15:59 either side).
    if abs(moment.utcoffset()) > timedelta(hours=14):
        raise ValidationError("Zona waktu di luar rentang -14:00 sampai +14:00.")


class AuditQuery(PageQuery):
    user_id = fields.String()
    client_id = fields.String()
    org_id = fields.String()
    action = fields.String(validate=validate.OneOf(("read", "create", "update", "delete", "export", "login")))
    resource = fields.String()
    resource_id = fields.String()
    outcome = fields.String(validate=validate.OneOf(("success", "denied", "not_found", "failed")))
    correlation_id = fields.String()
    since = fields.AwareDateTime(validate=_real_offset)
    until = fields.AwareDateTime(validate=_real_offset)


class AuditEntryOut(Strict):
    id = fields.Integer(required=True)
    at = fields.String(required=True)
    user_id = fields.String(allow_none=True)
    client_id = fields.String(allow_none=True)
    org_id = fields.String(allow_none=True)
    action = fields.String(required=True)
    resource = fields.String(required=True)
    resource_id = fields.String(allow_none=True)
    correlation_id = fields.String(allow_none=True)
    outcome = fields.String(required=True)
    detail = fields.String(allow_none=True)
