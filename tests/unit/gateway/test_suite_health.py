"""The gateway's view of the suite: last probed reports, nothing probed per request, stale ones down."""
from gateway import health


def suite_with(reports: dict, at: float) -> health.SuiteHealth:
    suite = health.SuiteHealth()
    suite.setup()
    suite.record(reports, now=at)
    return suite


UP = {name: {"service": name, "status": "up", "checks": {}} for name in health.SERVICES}
OWN_UP = {"service": "gateway", "status": "up", "checks": {"database": "up", "broker": "up"}}


def test_fresh_reports_are_answered_as_probed():
    suite = suite_with(UP, at=100.0)
    status, body = health.suite_health(OWN_UP, suite.services(now=101.0))
    assert status == 200 and body["status"] == "up"
    assert body["services"] == UP


def test_a_service_never_probed_or_probed_too_long_ago_is_down():
    suite = suite_with({"registry": UP["registry"]}, at=100.0)
    services = suite.services(now=100.0 + health.STALE_SECONDS + 0.1)
    assert services["registry"] == {"service": "registry", "status": "down", "reason": "stale"}
    assert services["notify"] == {"service": "notify", "status": "down", "reason": "not_probed_yet"}
    assert health.suite_health(OWN_UP, services)[0] == 503


def test_the_gateway_itself_down_is_503_even_with_every_service_up():
    own = {**OWN_UP, "status": "down"}
    assert health.suite_health(own, suite_with(UP, at=1.0).services(now=1.0))[0] == 503


class Client:
    def __init__(self, answer):
        self.answer = answer

    def health(self, timeout):
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def test_a_probe_round_records_each_service_and_a_failed_probe_as_down():
    reports = health.probe_all({"registry": Client(UP["registry"]), "notify": Client(TimeoutError())})
    assert reports == {"registry": UP["registry"],
                       "notify": {"service": "notify", "status": "down", "reason": "TimeoutError"}}
