"""The gateway in front of the real registry and notify services, on RabbitMQ and PostgreSQL."""
import threading

import pytest
from sqlalchemy.orm import sessionmaker

from inklusi_platform.engines import make_engine
from notify.service import NotifyService
from registry.importing import worker
from registry.service import RegistryService
from training.service import TrainingService

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
def training_service(container_factory, make_config, pg_database):
    container = container_factory(TrainingService, make_config("training", pg_database("training")))
    container.start()
    return container


# The fixture that starts each service the gateway routes to: a service that gains routes is one line here.
SERVICE_FIXTURES = {"registry": "registry_service", "training": "training_service",
                    "funding": "funding_beside_training", "notify": "notify_service"}


def routed_service_names() -> set[str]:
    from gateway.clients import ServiceClient
    from gateway.service import GatewayService

    return {client.target_service for client in vars(GatewayService).values() if isinstance(client, ServiceClient)}


@pytest.fixture
def routed_services(request):
    """Every service the gateway holds a client of, started on the real broker and databases."""
    names = routed_service_names()
    assert names <= SERVICE_FIXTURES.keys(), f"add a fixture for {names - SERVICE_FIXTURES.keys()}"
    return {name: request.getfixturevalue(SERVICE_FIXTURES[name]) for name in sorted(names)}


@pytest.fixture
def two_persons(gateway, registry_service, as_user):
    """One person in Lawang (Kabupaten Malang) and one in Kota Batu, registered by the admin."""
    admin = as_user("admin")
    lawang = admin.post("/v1/persons", json=person_payload("3507255203900001", LAWANG_DESA))
    batu = admin.post("/v1/persons", json=person_payload("3579015203900002", BATU_DESA, name="Dewi Lestari"))
    assert lawang.status_code == 201, lawang.text
    assert batu.status_code == 201, batu.text
    return {"lawang": lawang.json(), "batu": batu.json()}


# --- funding ---------------------------------------------------------------------------------------

SUKUN_DESA = "35.73.04.1001"  # Ciptomulyo, Kecamatan Sukun, Kota Malang


@pytest.fixture
def training_stand_in(container_factory, make_config):
    """The training service's completions_of contract, answered from a dict the test fills in."""
    from tests.support.funding_cases import TrainingStandIn

    TrainingStandIn.completions = []
    container = container_factory(TrainingStandIn, make_config("training", "sqlite://"))
    container.start()
    return TrainingStandIn.completions


@pytest.fixture
def funding_service(container_factory, make_config, pg_database, tmp_path, registry_service, training_stand_in):
    from funding.service import FundingService

    config = make_config("funding", pg_database("funding"), FUNDING_STORAGE_DIR=str(tmp_path / "documents"))
    container = container_factory(FundingService, config)
    container.start()
    return container


@pytest.fixture
def funding_beside_training(container_factory, make_config, pg_database, tmp_path, registry_service,
                            training_service):
    """The funding service asking the real training service (not the stand-in) for completions."""
    from funding.service import FundingService

    config = make_config("funding", pg_database("funding"), FUNDING_STORAGE_DIR=str(tmp_path / "documents"))
    container = container_factory(FundingService, config)
    container.start()
    return container


@pytest.fixture
def dinsos_malang(gateway_db, seeded_accounts):
    """A Dinas Sosial officer of Kabupaten Malang, where Lawang lies."""
    from sqlalchemy.orm import sessionmaker

    from gateway import accounts
    from gateway.access.roles import RoleBook
    from inklusi_platform.engines import make_engine
    from tests.support.gateway_fixtures import PASSWORD

    engine = make_engine(gateway_db)
    with sessionmaker(engine)() as session:
        accounts.create_user(session, RoleBook.load(), username="dinsos_malang", full_name="Dinsos Malang",
                             org_id="dinsos-kab-malang", roles=["dinsos_officer"], areas=["35.07"], password=PASSWORD)
        session.commit()
    engine.dispose()
    return "dinsos_malang"


@pytest.fixture
def funding_people(gateway, registry_service, as_user):
    """Twelve persons in Lawang and one in Sukun, registered by the admin; returns their ids."""
    admin = as_user("admin")
    ids = {}
    for serial in range(1, 13):
        made = admin.post("/v1/persons", json=person_payload(f"35072552039{serial:05d}", LAWANG_DESA,
                                                             name=f"Warga Lawang {chr(64 + serial)}"))
        assert made.status_code == 201, made.text
        ids[f"lawang{serial}"] = made.json()["id"]
    made = admin.post("/v1/persons", json=person_payload("3573045203900099", SUKUN_DESA, name="Warga Sukun"))
    assert made.status_code == 201, made.text
    ids["sukun"] = made.json()["id"]
    return ids


@pytest.fixture
def kube_programme(funding_service, as_user, training_stand_in, funding_people):
    training_stand_in.extend({"person_id": person_id, "training_id": "t1", "programme_id": "tp1",
                              "topic": "kewirausahaan", "completed_at": "2026-10-01T09:00:00+00:00"}
                             for person_id in funding_people.values())
    made = as_user("approver").post("/v1/funding-programmes", json={
        "programme": "KUBE", "year": 2026, "budget": 20_000_000, "kube_max_per_group": 15_000_000,
        "required_training_topic": "kewirausahaan", "reports_required": 1})
    assert made.status_code == 201, made.text
    return made.json()


@pytest.fixture
def lawang_training(gateway, registry_service, training_service, as_user):
    """A programme, a venue in Lawang, two trainers and a one-session training with two places."""
    admin = as_user("admin")
    programme = admin.post("/v1/programmes", json={
        "title": "Workshop Kewirausahaan Sosial", "topic": "kewirausahaan", "organiser_org": "Lingkar Sosial",
        "audience": "anggota_pokja"}).json()
    venue = admin.post("/v1/venues", json={
        "name": "Agrowisata Petik Madu", "address": "Jl. Ahmad Yani, Lawang", "desa_code": LAWANG_DESA,
        "features": ["step_free_entrance", "accessible_toilet"]})
    assert venue.status_code == 201, venue.text
    trainer = admin.post("/v1/trainers", json={"name": "Pelatih NLR", "organisation": "NLR",
                                               "topics": ["kewirausahaan"]}).json()
    training = admin.post("/v1/trainings", json={
        "programme_id": programme["id"], "title": "Kewirausahaan Sosial Lawang", "area_code": "35.07.25",
        "sessions": [{"starts_at": "2026-12-05T09:00:00", "ends_at": "2026-12-05T12:00:00",
                      "venue_id": venue.json()["id"], "trainer_ids": [trainer["id"]], "capacity": 2}]})
    assert training.status_code == 201, training.text
    return {"programme": programme, "venue": venue.json(), "trainer": trainer, "training": training.json()}


def register(admin, serial: int, desa=LAWANG_DESA, name="Peserta", **overrides) -> str:
    nik = ("350725" if desa == LAWANG_DESA else "357901") + f"5203900{serial:03d}"
    response = admin.post("/v1/persons", json=person_payload(nik, desa, name=f"{name} {serial}", **overrides))
    assert response.status_code == 201, response.text
    return response.json()["id"]
