"""A registry database that refuses connections answers 503 with Retry-After, never 500, and the
registry serves again without a restart once it is back (issue 7, item 2)."""
import pytest

from registry.service import RegistryService
from tests.integration.faults.burst import assert_unavailable, new_person, through
from tests.support.waiting import wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def registry_via_proxy(database_proxy, container_factory, make_config, pg_database):
    config = make_config("registry", through(pg_database("registry"), database_proxy))
    container = container_factory(RegistryService, config)
    container.start()
    return container


def test_registry_database_down_is_503_then_recovers_without_restart(gateway, registry_via_proxy,
                                                                     database_proxy, as_user):
    admin = as_user("admin")
    created = admin.post("/v1/persons", json=new_person())
    assert created.status_code == 201, created.text
    person_id = created.json()["id"]

    database_proxy.stop()
    refused = new_person()
    for _ in range(3):
        assert_unavailable(admin.get(f"/v1/persons/{person_id}"))
        assert_unavailable(admin.get("/v1/persons"))
        assert_unavailable(admin.post("/v1/persons", json=refused, headers={"Idempotency-Key": "hp-uji-1"}))
    # Probed in the background: the registry's readiness and the gateway's probe each lag a second or two.
    wait_for(lambda: admin.get("/health").status_code == 503, timeout=10, message="/health to say 503")

    database_proxy.start()
    wait_for(lambda: admin.get(f"/v1/persons/{person_id}").status_code == 200, timeout=10,
             message="reads to work again")
    registered = admin.post("/v1/persons", json=refused, headers={"Idempotency-Key": "hp-uji-1"})
    assert registered.status_code == 201, registered.text
    listed = admin.get("/v1/persons", params={"limit": 200}).json()["items"]
    assert sorted(p["id"] for p in listed) == sorted([person_id, registered.json()["id"]])
