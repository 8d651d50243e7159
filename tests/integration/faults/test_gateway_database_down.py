"""The gateway's own database refusing connections for 20 s during a burst of registrations: no 2xx
is lost, and no write is reported as failed yet applied unless its Idempotency-Key now returns it
(issue 7, items 2 and 4). Audit entries of the writes made meanwhile reach the log afterwards."""
import time

import eventlet
import pytest

from gateway.service import GatewayService
from tests.integration.faults.burst import (
    assert_unavailable,
    burst,
    retry_until_answered,
    stored_persons,
    through,
)
from tests.support.gateway_fixtures import PASSWORD
from tests.support.waiting import wait_for

pytestmark = pytest.mark.integration

CUT_SECONDS = 20


@pytest.fixture
def gateway(database_proxy, container_factory, gateway_config, gateway_db, seeded_accounts):
    """The gateway, reaching its database through the proxy."""
    config = dict(gateway_config, DATABASE_URL=through(gateway_db, database_proxy))
    container = container_factory(GatewayService, config)
    container.start()
    return container


def login(web):
    return web.post("/v1/auth/token", json={"grant_type": "password", "username": "admin", "password": PASSWORD})


def test_logins_are_503_while_the_gateway_database_is_away(gateway, database_proxy, web_session):
    database_proxy.stop()
    assert_unavailable(login(web_session))
    database_proxy.start()
    wait_for(lambda: login(web_session).status_code == 200, timeout=10, message="logins to work again")


def test_no_write_is_lost_or_misreported_while_the_gateway_database_is_away(
        gateway, registry_service, database_proxy, migrated_databases, as_user):
    admin = as_user("admin")  # logged in before the cut
    cut = {}

    def cut_for_a_while():
        eventlet.sleep(2)
        cut["from"] = time.monotonic()
        database_proxy.stop()
        eventlet.sleep(CUT_SECONDS)
        database_proxy.start()
        cut["until"] = time.monotonic()

    cutter = eventlet.spawn(cut_for_a_while)
    # Every other write carries an Idempotency-Key: those need the gateway's database to claim it.
    writes = burst(admin, until=lambda: "until" in cut and time.monotonic() > cut["until"] + 2,
                   keyed=lambda n: n % 2 == 0, pause=0.3)
    cutter.wait()

    during = [w for w in writes if cut["from"] + 0.5 < w.sent_at < cut["until"]]
    assert {w.status for w in writes} <= {201, 503}, sorted({w.status for w in writes})
    assert any(w.status == 201 and not w.key for w in during), "writes without a key go on during the cut"
    assert any(w.status == 503 and w.key for w in during), "keyed writes are refused, unapplied, during the cut"
    assert not [w for w in writes if w.status != 201 and not w.key]

    # Each keyed write that failed gets its outcome by its key now; those that succeeded get theirs replayed.
    for write in [w for w in writes if w.key]:
        again = retry_until_answered(admin, write)
        assert again.status == 201, again.status
        if write.status == 201:
            assert again.person_id == write.person_id
        write.person_id = again.person_id

    ids = [w.person_id for w in writes]
    assert len(set(ids)) == len(writes)
    assert stored_persons(migrated_databases("registry")) == len(writes)

    # The registrations made while the database was away are in the audit log now.
    audited = set()
    cursor = None
    while True:
        page = admin.get("/v1/audit", params={"action": "create", "resource": "person", "limit": 200,
                                               **({"cursor": cursor} if cursor else {})}).json()
        audited |= {entry["resource_id"] for entry in page["items"]}
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert set(ids) <= audited
    print(f"\ngateway database cut {CUT_SECONDS}s: sent {len(writes)}, 2xx {sum(w.status == 201 for w in writes)}, "
          f"503 {sum(w.status == 503 for w in writes)}, lost 0, duplicated 0")
