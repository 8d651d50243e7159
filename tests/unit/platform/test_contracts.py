import uuid

import pytest
from marshmallow import ValidationError

from inklusi_platform import contracts


def registered_payload():
    return {"person_id": str(uuid.uuid4()), "kecamatan_code": "35.07.25", "desa_code": "35.07.25.2001",
            "categories": ["fisik", "sensorik", "ganda"]}


def test_make_event_wraps_payload_in_full_envelope():
    envelope = contracts.make_event("registry", "person_registered", registered_payload(), "req-1")
    assert envelope["type"] == "registry.person_registered"
    assert envelope["version"] == 1
    assert envelope["source"] == "registry"
    assert envelope["correlation_id"] == "req-1"
    uuid.UUID(envelope["event_id"])
    assert envelope["occurred_at"].endswith("+00:00")


def test_make_event_refuses_payload_that_breaks_its_schema():
    payload = registered_payload() | {"kecamatan_code": "Lawang"}
    with pytest.raises(ValidationError) as error:
        contracts.make_event("registry", "person_registered", payload, None)
    assert "kecamatan_code" in error.value.messages


def test_make_event_drops_fields_outside_the_contract_such_as_a_nik():
    # A field outside the schema is refused, so personal data cannot slip into an event by accident.
    payload = registered_payload() | {"nik": "3507255203900001"}
    with pytest.raises(ValidationError) as error:
        contracts.make_event("registry", "person_registered", payload, None)
    assert "nik" in error.value.messages


def test_unknown_event_type_is_refused():
    with pytest.raises(contracts.UnknownEventType):
        contracts.make_event("registry", "person_teleported", {}, None)


def test_load_event_round_trips_and_checks_payload_again():
    envelope = contracts.make_event("registry", "person_registered", registered_payload(), "c")
    event = contracts.load_event(envelope)
    assert event.name == "person_registered"
    assert event.payload["categories"] == ["fisik", "sensorik", "ganda"]
    envelope["payload"]["categories"] = ["unknown"]
    with pytest.raises(ValidationError):
        contracts.load_event(envelope)


@pytest.mark.parametrize("body", [None, "text", [], {"type": "registry.person_registered"}])
def test_load_event_refuses_malformed_envelopes(body):
    with pytest.raises(ValidationError):
        contracts.load_event(body)


def test_load_event_refuses_a_version_newer_than_known():
    envelope = contracts.make_event("registry", "person_registered", registered_payload(), None)
    envelope["version"] = 2
    with pytest.raises(ValidationError) as error:
        contracts.load_event(envelope)
    assert "version" in error.value.messages


def test_no_contract_carries_personal_fields():
    forbidden = {"nik", "kk", "name", "phone", "diagnosis", "email", "address"}
    for event_type in contracts.all_types():
        assert not forbidden & set(event_type.schema().fields), event_type.type
