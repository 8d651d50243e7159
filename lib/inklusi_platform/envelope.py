"""The envelope around every event: id, type, version, time, source, correlation id and payload."""
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate


class EnvelopeSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # newer producers may add envelope fields; old consumers must not choke

    event_id = fields.UUID(required=True)
    type = fields.String(required=True, validate=validate.Regexp(r"^[a-z_]+\.[a-z_]+$"))
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(required=True, default_timezone=UTC)
    source = fields.String(required=True)
    correlation_id = fields.String(load_default=None, allow_none=True)
    payload = fields.Dict(required=True)


_ENVELOPE = EnvelopeSchema()  # built once: building one per event deep-copies its fields


@dataclass(frozen=True)
class Event:
    """An event as a consumer sees it: envelope checked, payload loaded by its schema."""

    event_id: str
    type: str
    version: int
    occurred_at: datetime
    source: str
    correlation_id: str | None
    payload: dict

    @property
    def name(self) -> str:
        return self.type.split(".", 1)[1]


def build_envelope(source: str, name: str, version: int, payload: dict, correlation_id: str | None) -> dict:
    return {
        "event_id": str(uuid.uuid4()),
        "type": f"{source}.{name}",
        "version": version,
        "occurred_at": datetime.now(UTC).isoformat(),
        "source": source,
        "correlation_id": correlation_id,
        "payload": payload,
    }


def read_envelope(body) -> dict:
    """Check an incoming body's envelope; raises marshmallow.ValidationError."""
    if not isinstance(body, dict):
        raise ValidationError({"_schema": ["event body is not a JSON object"]})
    return _ENVELOPE.load(body)
