"""The gateway in front of the real registry and notify services, on RabbitMQ and PostgreSQL."""
import pytest

from notify.service import NotifyService
from registry.service import RegistryService

LAWANG_DESA = "35.07.25.2001"  # Sidoluhur, Lawang, Kabupaten Malang
BATU_DESA = "35.79.01.1001"  # Temas, Kecamatan Batu, Kota Batu


def person_payload(nik: str, desa_code: str, name: str = "Siti Aminah", **overrides) -> dict:
    payload = {
        "nik": nik, "name": name, "birth_date": "1990-03-12", "sex": "P", "desa_code": desa_code,
        "phone": "0812-3456-7890",
        "disability": {"categories": ["fisik"], "functional_limitations": ["berjalan jauh"],
                       "assistive_devices": ["kruk"], "diagnosis": "pascapolio"},
        "consent": {"purpose": "pendataan", "given_by": "self", "form": "read_aloud", "given_on": "2026-11-01"},
        "communication": {"channels": ["whatsapp", "sms"], "language": "id", "format": "plain_text",
                          "copy_guardian": False},
    }
    payload.update(overrides)
    return payload


def comparable(response) -> dict:
    """A problem body without what must differ between two requests: their correlation id and path."""
    body = response.json()
    body.pop("correlation_id", None)
    body.pop("instance", None)
    return body


@pytest.fixture
def registry_service(container_factory, make_config, pg_database):
    container = container_factory(RegistryService, make_config("registry", pg_database("registry")))
    container.start()
    return container


@pytest.fixture
def notify_service(container_factory, make_config, pg_database):
    container = container_factory(NotifyService, make_config("notify", pg_database("notify")))
    container.start()
    return container


@pytest.fixture
def two_persons(gateway, registry_service, as_user):
    """One person in Lawang (Kabupaten Malang) and one in Kota Batu, registered by the admin."""
    admin = as_user("admin")
    lawang = admin.post("/v1/persons", json=person_payload("3507255203900001", LAWANG_DESA))
    batu = admin.post("/v1/persons", json=person_payload("3579015203900002", BATU_DESA, name="Dewi Lestari"))
    assert lawang.status_code == 201, lawang.text
    assert batu.status_code == 201, batu.text
    return {"lawang": lawang.json(), "batu": batu.json()}
