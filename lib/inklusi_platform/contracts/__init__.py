"""The catalogue of event types: the public contract between services and partner systems.

Each type has a marshmallow schema, checked when the event is published and again when it is
consumed. Payloads carry ids, area codes and categories only: never a NIK, phone, name or diagnosis.
"""
from dataclasses import dataclass
from functools import cached_property

from marshmallow import Schema, ValidationError

from inklusi_platform.envelope import Event, build_envelope, read_envelope


@dataclass(frozen=True)
class EventType:
    source: str
    name: str
    version: int
    schema: type[Schema]
    description: str = ""

    @property
    def type(self) -> str:
        return f"{self.source}.{self.name}"

    @cached_property
    def checker(self) -> Schema:
        """The payload schema, built once per event type (building one deep-copies its fields)."""
        return self.schema()


class UnknownEventType(LookupError):
    pass


_catalogue: dict[str, EventType] = {}


def register(source: str, name: str, schema: type[Schema], version: int = 1, description: str = "") -> EventType:
    event_type = EventType(source, name, version, schema, description)
    existing = _catalogue.get(event_type.type)
    if existing is not None and existing != event_type:
        raise ValueError(f"event type {event_type.type} is registered twice with different contracts")
    _catalogue[event_type.type] = event_type
    return event_type


def lookup(type_name: str) -> EventType:
    _load_contract_modules()
    try:
        return _catalogue[type_name]
    except KeyError:
        raise UnknownEventType(type_name) from None


def all_types() -> list[EventType]:
    _load_contract_modules()
    return sorted(_catalogue.values(), key=lambda t: t.type)


def make_event(source: str, name: str, payload: dict, correlation_id: str | None) -> dict:
    """A checked envelope ready for the outbox; raises ValidationError on a payload that breaks its schema."""
    event_type = lookup(f"{source}.{name}")
    dumped = event_type.checker.dump(event_type.checker.load(payload))  # load raises ValidationError
    return build_envelope(source, name, event_type.version, dumped, correlation_id)


def load_event(body) -> Event:
    """The consumer's check: the envelope, then the payload against its type's schema."""
    envelope = read_envelope(body)
    event_type = lookup(envelope["type"])
    if envelope["version"] > event_type.version:
        raise ValidationError({"version": [f"version {envelope['version']} is newer than this consumer knows"]})
    payload = event_type.checker.load(envelope["payload"])
    return Event(
        event_id=str(envelope["event_id"]),
        type=envelope["type"],
        version=envelope["version"],
        occurred_at=envelope["occurred_at"],
        source=envelope["source"],
        correlation_id=envelope["correlation_id"],
        payload=payload,
    )


def _load_contract_modules() -> None:
    # Imported lazily so that the catalogue module itself has no import cycle with its contents.
    from inklusi_platform.contracts import funding, problems, registry, training  # noqa: F401
