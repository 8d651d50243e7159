"""Persons through the gateway and the real registry: correlation, audit, ETags, idempotency, bad input."""
import json

import pytest
from kombu import Connection, Queue

from inklusi_platform.publishing import events_exchange
from tests.integration.suite.conftest import BATU_DESA, LAWANG_DESA, person_payload
from tests.support.waiting import wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def registry_events(rabbit_config):
    """Everything the registry publishes, as a partner system would see it."""
    connection = Connection(rabbit_config["AMQP_URI"])
    queue = Queue("partner-tap", exchange=events_exchange("registry"), routing_key="#")(connection.channel())
    queue.declare()

    def received():
        messages = []
        while (message := queue.get(no_ack=True)) is not None:
            messages.append(json.loads(message.body))
        return messages

    yield received
    connection.release()


def test_gateway_request_id_travels_into_the_event_and_its_consumer(
        gateway, registry_service, notify_service, as_user, registry_events, pg_database):
    response = as_user("staf_lawang").post("/v1/persons", json=person_payload("3507255203900001", LAWANG_DESA),
                                           headers={"X-Request-ID": "field-visit-42"})
    assert response.status_code == 201, response.text
    assert response.headers["X-Request-ID"] == "field-visit-42"
    person_id = response.json()["id"]

    events = wait_for(registry_events, message="person_registered on registry.events")
    registered = [e for e in events if e["type"] == "registry.person_registered"]
    assert registered[0]["correlation_id"] == "field-visit-42"
    assert registered[0]["payload"]["person_id"] == person_id
    # What partners see holds no NIK, name, phone or diagnosis.
    text = json.dumps(registered[0])
    for personal in ("3507255203900001", "Siti", "812345", "pascapolio"):
        assert personal not in text

    import sqlalchemy as sa

    engine = sa.create_engine(_notify_url(pg_database))
    rows = wait_for(lambda: engine.connect().execute(
        sa.text("SELECT correlation_id FROM notifications WHERE person_id = :p AND recipient_kind = 'person'"),
                {"p": person_id}).all(),
        message="notify's welcome notification")
    engine.dispose()
    assert rows == [("field-visit-42",)]


def _notify_url(pg_database):
    # pg_database empties the database it returns; notify's was emptied when its service started.
    from tests.conftest import POSTGRES_URL
    from tests.support.databases import database_name

    return f"{POSTGRES_URL}/{database_name('notify')}"


def test_every_personal_read_is_in_the_audit(two_persons, as_user):
    person_id = two_persons["batu"]["id"]
    as_user("dinsos_batu").get(f"/v1/persons/{person_id}", headers={"X-Request-ID": "audit-me"})
    as_user("staf_lawang").get(f"/v1/persons/{person_id}")  # outside Lawang: refused, and recorded
    as_user("dinsos_batu").get("/v1/persons")
    entries = as_user("admin").get("/v1/audit", params={"resource": "person", "resource_id": person_id}).json()
    reads = [(e["action"], e["outcome"], e["correlation_id"]) for e in entries["items"]]
    assert ("read", "success", "audit-me") in reads
    assert any(action == "read" and outcome == "denied" for action, outcome, _ in reads)
    assert sum(1 for action, outcome, _ in reads if (action, outcome) == ("read", "success")) >= 2


def test_stale_update_gets_412_and_overwrites_nothing(two_persons, as_user):
    web = as_user("staf_lawang")
    url = f"/v1/persons/{two_persons['lawang']['id']}"
    first = web.get(url)
    etag = first.headers["ETag"]
    assert web.patch(url, json={"name": "Siti Aminah Putri"}, headers={"If-Match": etag}).status_code == 200
    stale = web.patch(url, json={"name": "Nama Lama"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    now = web.get(url).json()
    assert now["name"] == "Siti Aminah Putri"
    assert now["version"] == first.json()["version"] + 1
    assert web.patch(url, json={"name": "X"}).status_code == 428


def test_retried_post_with_idempotency_key_creates_one_record(gateway, registry_service, as_user):
    web = as_user("staf_lawang")
    payload = person_payload("3507255203900003", LAWANG_DESA, name="Rina Wati")
    first = web.post("/v1/persons", json=payload, headers={"Idempotency-Key": "hp-rina-1"})
    again = web.post("/v1/persons", json=payload, headers={"Idempotency-Key": "hp-rina-1"})
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    listed = web.get("/v1/persons", params={"q": "Rina"}).json()["items"]
    assert len(listed) == 1
    other = web.post("/v1/persons", json=payload | {"name": "Lain"}, headers={"Idempotency-Key": "hp-rina-1"})
    assert other.status_code == 422


def test_duplicate_nik_is_409_linking_the_record_only_for_those_who_may_see_it(two_persons, as_user):
    again = person_payload("3579015203900002", BATU_DESA, name="Dewi Lestari")
    seen = as_user("admin").post("/v1/persons", json=again)
    assert seen.status_code == 409
    assert seen.json()["existing"] == f"/v1/persons/{two_persons['batu']['id']}"
    hidden = as_user("ppd_malang").post("/v1/persons", json=person_payload("3579015203900002", LAWANG_DESA))
    assert hidden.status_code == 409
    assert "existing" not in hidden.json()


@pytest.mark.parametrize("nik, fragment", [
    ("3507253203900001", "tanggal"),  # 32 March is no date
    ("3507251203900001", "jenis kelamin"),  # a man's date code for a woman
    ("9999995203900001", "kode kecamatan"),  # no such region
])
def test_bad_nik_gets_a_clear_422_and_nothing_is_stored(gateway, registry_service, as_user, nik, fragment):
    web = as_user("staf_lawang")
    response = web.post("/v1/persons", json=person_payload(nik, LAWANG_DESA))
    assert response.status_code == 422, response.text
    messages = " ".join(e["message"] if isinstance(e, dict) else e for e in response.json()["errors"]["nik"]).lower()
    assert fragment in messages
    assert web.get("/v1/persons").json()["items"] == []


def test_likely_duplicates_are_flagged_reviewed_and_merged(two_persons, as_user):
    staff = as_user("staf_lawang")
    again = staff.post("/v1/persons", json=person_payload("3507255203900009", LAWANG_DESA, name="Siti Aminah."))
    assert again.status_code == 201
    assert [d["person_id"] for d in again.json()["likely_duplicates"]] == [two_persons["lawang"]["id"]]
    flags = staff.get("/v1/duplicate-flags").json()["items"]
    assert len(flags) == 1
    assert as_user("dinsos_batu").get("/v1/duplicate-flags").status_code == 403
    assert as_user("admin").get("/v1/duplicate-flags", params={"area": "35.79"}).json()["items"] == []

    merged = staff.post(f"/v1/persons/{two_persons['lawang']['id']}/merge", json={"merge_id": again.json()["id"]})
    assert merged.status_code == 200, merged.text
    assert staff.get("/v1/duplicate-flags").json()["items"] == []
    signpost = as_user("admin").get(f"/v1/persons/{again.json()['id']}").json()
    assert (signpost["status"], signpost["merged_into"]) == ("merged", two_persons["lawang"]["id"])
