"""The registry over real RabbitMQ and PostgreSQL: RPC in, events out, refusals that cross RPC as themselves."""
import json

import eventlet
import pytest
import sqlalchemy as sa
from kombu import Connection, Queue
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy.orm import sessionmaker

from inklusi_platform.engines import make_engine
from inklusi_platform.errors import Conflict, PreconditionFailed, ValidationFailed
from inklusi_platform.publishing import events_exchange
from inklusi_platform.unit_of_work import UnitOfWork
from registry import persons, stats
from registry.service import RegistryService
from tests.support.waiting import wait_for

pytestmark = pytest.mark.integration

ACTOR = {"user_id": "u-staff", "org_id": "lingkar-sosial", "name": "Petugas Uji"}


@pytest.fixture
def registry_db(pg_database):
    return pg_database("registry")


@pytest.fixture
def query(registry_db):
    engine = sa.create_engine(registry_db)

    def run(statement: str, **params):
        with engine.connect() as connection:
            return connection.execute(sa.text(statement), params).all()

    yield run
    engine.dispose()


@pytest.fixture
def event_tap(rabbit_config):
    """A queue bound to registry.events; returns every envelope published so far in the test."""
    connection = Connection(rabbit_config["AMQP_URI"])
    queue = Queue("registry-test-tap", exchange=events_exchange("registry"), routing_key="#",
                  durable=False)(connection.channel())
    queue.declare()
    seen = []

    def get_all():
        while (message := queue.get(no_ack=True)) is not None:
            seen.append(json.loads(message.body))
        return list(seen)

    yield get_all
    connection.release()


@pytest.fixture
def registry(container_factory, make_config, registry_db, rabbit_config):
    container = container_factory(RegistryService, make_config("registry", registry_db))
    container.start()
    with ServiceRpcProxy("registry", {"AMQP_URI": rabbit_config["AMQP_URI"]}, timeout=20) as proxy:
        yield proxy


def registration(name="Siti Aminah", serial=1, desa="35.07.25.2001", **extra):
    data = {
        "nik": f"35072552039{serial:05d}", "kk": "3507250101200001", "name": name, "birth_date": "1990-03-12",
        "sex": "P", "desa_code": desa, "phone": "0812-3456-7890",
        "disability": {"categories": ["fisik", "sensorik"], "diagnosis": "low vision"},
        "consent": {"purpose": "pendataan", "given_by": "self", "form": "read_aloud", "given_on": "2025-05-01"},
    }
    data.update(extra)
    return data


def events_named(tap, name, count=1):
    def arrived():
        found = [e for e in tap() if e["type"] == f"registry.{name}"]
        return found if len(found) >= count else None

    return wait_for(arrived, timeout=15, message=f"{count} {name} event(s)")


def test_registration_is_stored_and_announced_without_personal_data(registry, event_tap, query):
    data = registration()
    person = registry.register_person(data, ACTOR)
    assert person["kecamatan_code"] == "35.07.25"
    assert person["disability"]["categories"] == ["fisik", "sensorik", "ganda"]

    [envelope] = events_named(event_tap, "person_registered")
    assert envelope["payload"] == {"person_id": person["id"], "kecamatan_code": "35.07.25",
                                   "desa_code": "35.07.25.2001", "categories": ["fisik", "sensorik", "ganda"]}
    body = json.dumps(envelope)
    for secret in (data["nik"], data["kk"], "Siti", "Aminah", "81234567890", "low vision"):
        assert secret not in body
    assert query("SELECT count(*) FROM persons") == [(1,)]
    assert query("SELECT count(*) FROM outbox WHERE published_at IS NULL") == [(0,)]


def test_a_known_nik_is_a_conflict_and_stores_nothing(registry, query):
    first = registry.register_person(registration(), ACTOR)
    with pytest.raises(Conflict) as conflict:
        registry.register_person(registration(name="Orang Lain"), ACTOR)
    assert conflict.value.details == {"existing_id": first["id"], "desa_code": "35.07.25.2001"}
    assert query("SELECT count(*) FROM persons") == [(1,)]
    assert query("SELECT count(*) FROM outbox") == [(1,)]


def test_a_bad_nik_is_refused_field_by_field(registry, query):
    data = registration(birth_date="1991-03-12", sex="L")
    with pytest.raises(ValidationFailed) as failed:
        registry.register_person(data, ACTOR)
    assert [e["code"] for e in failed.value.details["nik"]] == ["nik.birth_date_mismatch", "nik.sex_mismatch"]
    assert query("SELECT count(*) FROM persons") == [(0,)]


def test_updates_check_the_version_and_announce_field_names(registry, event_tap, query):
    person = registry.register_person(registration(), ACTOR)
    updated = registry.update_person(person["id"], {"name": "Siti Aminah Rahayu"}, 1, ACTOR)
    assert updated["version"] == 2
    with pytest.raises(PreconditionFailed):
        registry.update_person(person["id"], {"name": "Siti Lain"}, 1, ACTOR)
    assert query("SELECT name, version FROM persons") == [("Siti Aminah Rahayu", 2)]

    registry.update_person(person["id"], {"desa_code": "35.73.01.1003"}, 2, ACTOR)
    [changed] = events_named(event_tap, "person_updated")
    assert changed["payload"]["changed_fields"] == ["name"]
    [moved] = events_named(event_tap, "person_moved")
    assert moved["payload"] == {"person_id": person["id"], "kecamatan_code": "35.73.01",
                                "from_kecamatan_code": "35.07.25", "desa_code": "35.73.01.1003"}


def test_lists_page_and_filter_on_postgresql(registry):
    ids = {}
    for serial, (name, desa, categories) in enumerate([
            ("Dewi", "35.07.25.2001", ["fisik"]), ("ahmad", "35.07.25.2002", ["mental", "sensorik"]),
            ("Budi", "35.73.01.1001", ["intelektual"]), ("Citra", "35.07.24.1011", ["fisik"])], start=1):
        ids[name] = registry.register_person(registration(name=name, serial=serial, desa=desa,
                                                          disability={"categories": categories}), ACTOR)["id"]
    seen, cursor = [], None
    while True:
        page = registry.list_persons(["35.07"], {}, 2, cursor)
        seen += [p["name"] for p in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert sorted(seen) == sorted(["Dewi", "ahmad", "Citra"]) and len(seen) == 3
    # The same page again runs the statement SQLAlchemy compiled and cached the first time; a second
    # consent neither repeats the person nor takes a place on the page.
    registry.record_consent(ids["Dewi"], {"purpose": "komunikasi", "given_by": "self", "form": "written",
                                          "given_on": "2025-05-02"}, ACTOR)
    first = registry.list_persons(["35.07.25"], {}, 10, None)
    assert registry.list_persons(["35.07.25"], {}, 10, None) == first
    assert [p["name"] for p in first["items"]] == ["Dewi", "ahmad"]
    assert [p["consent_active"] for p in first["items"]] == [["pendataan", "komunikasi"], ["pendataan"]]
    assert [p["name"] for p in registry.list_persons(["35.07"], {}, 2, None)["items"]] == ["Citra", "Dewi"]
    assert [p["name"] for p in registry.list_persons(None, {"category": "ganda"}, 10, None)["items"]] == ["ahmad"]
    assert [p["name"] for p in registry.list_persons(None, {"q": "UDI"}, 10, None)["items"]] == ["Budi"]
    assert registry.list_persons([], {}, 10, None) == {"items": [], "next_cursor": None}


def test_withdrawn_consent_and_merge_are_announced(registry, event_tap):
    keep = registry.register_person(registration(), ACTOR)
    dup = registry.register_person(registration(name="Hj. Siti Aminah", serial=2), ACTOR)
    assert dup["likely_duplicates"] == [{"person_id": keep["id"], "score": 100.0}]
    given = registry.record_consent(dup["id"], {"purpose": "komunikasi", "given_by": "self", "form": "written",
                                                "given_on": "2025-05-02"}, ACTOR)
    registry.withdraw_consent(dup["id"], given["id"], "tidak mau dihubungi", ACTOR)
    kept = registry.merge_persons(keep["id"], dup["id"], ACTOR)
    assert kept["consent_active"] == ["pendataan"]
    assert len(registry.list_consents(keep["id"])) == 3

    [withdrawn] = events_named(event_tap, "consent_withdrawn")
    assert withdrawn["payload"] == {"person_id": dup["id"], "kecamatan_code": "35.07.25",
                                    "consent_id": given["id"], "purpose": "komunikasi"}
    [merged] = events_named(event_tap, "persons_merged")
    assert merged["payload"]["kept_person_id"] == keep["id"]
    assert registry.contact_details(dup["id"])["may_contact"] is False


def test_racing_writers_cannot_both_win_on_postgresql(registry_db):
    engine = make_engine(registry_db)
    sessions = sessionmaker(engine, expire_on_commit=False)
    try:
        setup = UnitOfWork(sessions(), "registry")
        person = persons.register_person(setup, registration(), ACTOR)
        setup.commit()

        mine, theirs = UnitOfWork(sessions(), "registry"), UnitOfWork(sessions(), "registry")
        persons.get_person(mine, person["id"])  # both read version 1
        persons.get_person(theirs, person["id"])
        persons.update_person(theirs, person["id"], {"name": "Siti Lain"}, 1, ACTOR)
        theirs.commit()
        with pytest.raises(PreconditionFailed):
            persons.update_person(mine, person["id"], {"name": "Siti Saya"}, 1, ACTOR)
        mine.rollback()
        check = UnitOfWork(sessions(), "registry")
        assert persons.get_person(check, person["id"])["name"] == "Siti Lain"
        for unit in (setup, mine, theirs, check):
            unit.close()
    finally:
        engine.dispose()


def test_a_nik_taken_by_a_writer_still_in_flight_is_a_conflict_once_it_commits(registry_db):
    engine = make_engine(registry_db)
    sessions = sessionmaker(engine, expire_on_commit=False)
    units = [UnitOfWork(sessions(), "registry") for _ in range(3)]
    first, racing, check = units
    try:
        # The racing unit has registered someone in the same cell already (an import batch does):
        # its counts are only written at commit, so neither unit waits for the other's count rows.
        earlier = persons.register_person(racing, registration(name="Rina Wati", serial=2), ACTOR)
        taken = persons.register_person(first, registration(), ACTOR)  # not committed yet

        attempt = eventlet.spawn(persons.register_person, racing, registration(name="Siti Kembar"), ACTOR)
        eventlet.sleep(0.3)
        assert not attempt.dead  # the insert waits to learn whether the other writer's NIK stays
        first.commit()
        with pytest.raises(Conflict) as conflict:
            attempt.wait()
        assert conflict.value.details == {"existing_id": taken["id"], "desa_code": "35.07.25.2001"}

        racing.commit()  # the unit's earlier work survived the refused insert, without a savepoint
        assert persons.get_person(check, earlier["id"])["name"] == "Rina Wati"
        assert persons.list_persons(check, None, {"q": "Kembar"}, 10, None)["items"] == []
        assert stats.registry_stats(check, None)["total_persons"]["count"] == 2
    finally:
        for unit in units:
            unit.close()
        engine.dispose()
