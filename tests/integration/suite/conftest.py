"""The gateway in front of the real registry and notify services, on RabbitMQ and PostgreSQL."""
import threading

import pytest
from sqlalchemy.orm import sessionmaker

from inklusi_platform.engines import make_engine
from notify.service import NotifyService
from registry.importing import worker
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


@pytest.fixture
def registry_service(container_factory, make_config, pg_database):
    container = container_factory(RegistryService, make_config("registry", pg_database("registry")))
    container.start()
    return container


@pytest.fixture
def import_worker(registry_service, migrated_databases):
    """The import worker beside the registry, on its database: it runs the jobs the registry queues."""
    url = migrated_databases("registry")
    engine, heartbeat_engine = make_engine(url), make_engine(url)
    stop = threading.Event()
    settings = worker.WorkerSettings(lease_seconds=30, heartbeat_seconds=5, poll_seconds=0.1)
    thread = threading.Thread(target=worker.work, daemon=True, args=(
        sessionmaker(engine, expire_on_commit=False), sessionmaker(heartbeat_engine), settings, stop))
    thread.start()
    yield
    stop.set()
    thread.join(timeout=30)
    engine.dispose()
    heartbeat_engine.dispose()


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
