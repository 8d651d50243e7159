"""GET /health: the gateway probes each service's health RPC in the background; one missing service makes it 503."""
import pytest

from funding.service import FundingService
from tests.support.waiting import wait_for
from training.service import TrainingService

pytestmark = pytest.mark.integration


@pytest.fixture
def other_services(container_factory, make_config, pg_database):
    for cls in (TrainingService, FundingService):
        container_factory(cls, make_config(cls.name, pg_database(cls.name))).start()


def test_health_is_200_when_every_service_answers(gateway, registry_service, notify_service, other_services,
                                                  web_session):
    # The gateway started before the services: its next probe round (every second) finds them up.
    response = wait_for(lambda: (r := web_session.get("/health")).status_code == 200 and r, timeout=10,
                        message="/health to turn 200")
    body = response.json()
    assert body["status"] == "up"
    assert body["gateway"]["checks"] == {"database": "up", "broker": "up"}
    assert {name: s["status"] for name, s in body["services"].items()} == {
        "registry": "up", "training": "up", "funding": "up", "notify": "up"}


def test_health_is_503_and_names_the_service_that_is_down(gateway, registry_service, other_services,
                                                          web_session):
    wait_for(lambda: web_session.get("/health").json()["services"]["registry"]["status"] == "up", timeout=10,
             message="the registry probed up")
    response = web_session.get("/health")
    assert response.status_code == 503
    services = response.json()["services"]
    assert services["notify"]["status"] == "down"
    assert services["registry"]["status"] == "up"
