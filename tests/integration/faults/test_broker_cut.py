"""RabbitMQ cut off for 10 s in the middle of a burst of registrations, with the suite running as real processes.

The broker is cut with the TCP proxy in front of it (never stopped: other tests share it). Afterwards
every process is still running, /health is 200 again within 10 s, every 2xx person is stored once, no
failed write is applied later, and every person_registered had its one effect in notify.
"""
import time

import pytest

from tests.support import broker_cut
from tests.support.gateway_fixtures import JWT_SECRET, PASSWORD
from tests.support.suite_processes import Suite, broker_address, proxied_uri, suite_env
from tests.support.tcp_proxy import TcpProxy
from tests.support.waiting import wait_for
from tests.support.web import WebSession

pytestmark = pytest.mark.integration

CUT_SECONDS = 10
RPC_TIMEOUT_SECONDS = 5
# The one failure that may be stored: committed just before the cut, its answer lost with the
# connection (504). The client's Idempotency-Key retry is what tells it the outcome.
DETECTION_SECONDS = 1.0


@pytest.fixture
def suite_databases(pg_database, gateway_db, seeded_accounts):
    urls = {name: pg_database(name) for name in ("registry", "training", "funding", "notify")}
    return {**urls, "gateway": gateway_db}


@pytest.fixture
def broker_proxy(rabbit_config):
    proxy = TcpProxy(*broker_address(rabbit_config["AMQP_URI"])).start()
    yield proxy
    proxy.stop()


@pytest.fixture
def suite(rabbit_config, broker_proxy, suite_databases, web_address, tmp_path):
    env = suite_env(proxied_uri(rabbit_config["AMQP_URI"], broker_proxy.port), suite_databases, web_address,
                    tmp_path, JWT_SECRET=JWT_SECRET, RPC_TIMEOUT_SECONDS=RPC_TIMEOUT_SECONDS)
    with WebSession(f"http://{web_address}") as web:
        running = Suite(env, tmp_path, web)
        try:
            yield running.start()
        finally:
            for process in running.processes.values():
                if process.alive:
                    process.process.kill()
            for process in running.processes.values():
                process.process.wait()


def test_the_suite_rides_out_a_broker_cut_mid_burst(suite, broker_proxy, suite_databases, web_address):
    base = f"http://{web_address}"
    with WebSession(base) as web:
        answer = web.post("/v1/auth/token", json={"grant_type": "password", "username": "admin",
                                                  "password": PASSWORD})
    assert answer.status_code == 200, answer.text

    burst = broker_cut.run_burst(base, answer.json()["access_token"], broker_proxy, cut=CUT_SECONDS)

    logs = "\n".join(f"--- {name}\n{p.log_tail()}" for name, p in suite.processes.items())
    assert suite.dead() == [], logs
    assert burst.health_during_cut == 503
    assert burst.healthy_after_seconds is not None and burst.healthy_after_seconds <= 10, logs

    # Let every event reach notify, and every request that could still be applied late (none should)
    # outlive its deadline.
    def settled():
        persons = broker_cut.stored_persons(suite_databases["registry"])
        welcomes = broker_cut.welcome_counts(suite_databases["notify"])
        return {p[0] for p in persons} <= set(welcomes)

    wait_for(settled, timeout=20, interval=0.5, message="notify to hear of every registered person")
    time.sleep(max(0.0, burst.outcomes[-1].sent_at + RPC_TIMEOUT_SECONDS + 1 - time.time()))
    figures = broker_cut.tally(burst, broker_cut.stored_persons(suite_databases["registry"]),
                               broker_cut.welcome_counts(suite_databases["notify"]))
    summary = {k: v for k, v in figures.items() if k != "applied_failures"}

    # The burst went through the cut: writes succeeded before and after it, and failed during it.
    ok_times = [o.sent_at for o in burst.outcomes if 200 <= o.status < 300]
    assert min(ok_times) < burst.cut_at and max(ok_times) > burst.restored_at, summary
    assert figures["failed"] > 0, summary
    assert 500 not in figures["statuses"] and 0 not in figures["statuses"], summary
    assert figures["slowest_503_seconds"] < RPC_TIMEOUT_SECONDS, summary  # "unavailable" at once, not a hang

    assert figures["lost"] == 0 and figures["duplicated"] == 0, summary
    for outcome, created_at in figures["applied_failures"]:
        assert outcome.status == 504, summary
        assert created_at.timestamp() <= burst.cut_at + DETECTION_SECONDS, summary
    assert figures["events_missing"] == 0 and figures["events_doubled"] == 0, summary

    # SIGTERM: every process stops on its own, with exit code 0.
    assert suite.stop() == {name: 0 for name in suite.processes}, logs
