"""Shapes of /v1/calendar/feeds: subscription URLs for calendar apps (issue 11)."""
from marshmallow import fields, validate

from gateway.schemas.common import Strict

SCOPE = validate.Regexp(r"^(area|pokja|person)-[0-9A-Za-z.\-]{1,80}$",
                        error="Kalender tidak dikenal; pakai area-<kode>, pokja-<id> atau person-<id>.")


class FeedKeyIn(Strict):
    scope = fields.String(required=True, validate=SCOPE,
                          metadata={"description": "The feed: area-<code>, pokja-<id> or person-<id>."})


class FeedKeyOut(Strict):
    """A feed key as listed: never the secret."""

    id = fields.String()
    scope = fields.String()
    created_at = fields.DateTime()


class FeedKeyCreatedOut(FeedKeyOut):
    url = fields.String(metadata={"description": "The subscription URL with its key; shown this once only."})


class FeedKeysOut(Strict):
    items = fields.List(fields.Nested(FeedKeyOut))


class FeedQuery(Strict):
    key = fields.String(metadata={"description": "A feed key from POST /v1/calendar/feeds, instead of a bearer "
                                                "token: calendar apps cannot send one."})
