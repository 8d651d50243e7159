"""The registry killed (-9) mid-burst, and a retry after a 504: every write that was not answered 2xx
is either not applied or returned by its Idempotency-Key, never applied twice, and a retry gets the
first outcome rather than 409 for ever (issue 7, item 4)."""
import os
import signal
import subprocess
import sys
from pathlib import Path

import eventlet
import pytest

from registry.service import RegistryService
from tests.integration.faults.burst import Write, burst, new_person, retry_until_answered, send, stored_persons
from tests.support.waiting import wait_for

pytestmark = pytest.mark.integration

REPOSITORY = Path(__file__).resolve().parents[3]
WRITES = 45


@pytest.fixture
def gateway_config(gateway_config):
    """A gateway that gives up on the registry after 2 s, so the tests' 504s come quickly."""
    return dict(gateway_config, RPC_TIMEOUT_SECONDS=2)


class RegistryProcess:
    """`python -m registry serve` as ops run it, with the test's broker vhost and database."""

    def __init__(self, env: dict, log_path: Path):
        self.env, self.log_path, self.process = env, log_path, None

    def start(self):
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "registry", "serve"], env=self.env,
                                            cwd=REPOSITORY, stdout=log, stderr=subprocess.STDOUT)

    def kill(self):
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def registry_process(rabbit_config, pg_database, tmp_path):
    env = dict(os.environ, AMQP_URI=rabbit_config["AMQP_URI"], REGISTRY_DATABASE_URL=pg_database("registry"),
               DATA_DIR=str(tmp_path / "registry-data"), LOG_LEVEL="WARNING", OUTBOX_POLL_SECONDS="0.2")
    process = RegistryProcess(env, tmp_path / "registry.log")
    process.start()
    yield process
    process.stop()


def registry_answers(web) -> bool:
    return web.get("/v1/persons", params={"limit": 1}, timeout=30).status_code == 200


def test_writes_survive_a_kill_9_of_the_registry(gateway, registry_process, migrated_databases, as_user):
    admin = as_user("admin")
    wait_for(lambda: registry_answers(admin), timeout=90, interval=0.5, message="the registry process to serve")
    writes = []

    def kill_and_restart():
        wait_for(lambda: len(writes) >= WRITES // 4, timeout=60, message="a quarter of the burst")
        registry_process.kill()
        eventlet.sleep(2)
        registry_process.start()

    killer = eventlet.spawn(kill_and_restart)
    burst(admin, until=lambda: len(writes) >= WRITES, senders=3, pause=0.05, writes=writes)
    killer.wait()
    wait_for(lambda: registry_answers(admin), timeout=90, interval=0.5, message="the registry to serve again")

    failed = [w for w in writes if w.status != 201]
    applied_before_retries = stored_persons(migrated_databases("registry"))
    for write in writes:
        again = retry_until_answered(admin, write)
        assert again.status == 201, again.status
        if write.status == 201:
            assert again.person_id == write.person_id  # a 2xx is kept, and replayed
        write.person_id = again.person_id
    assert len({w.person_id for w in writes}) == len(writes)
    assert stored_persons(migrated_databases("registry")) == len(writes)  # nothing applied twice
    print(f"\nregistry kill -9: sent {len(writes)}, 2xx {len(writes) - len(failed)}, failed {len(failed)}, "
          f"applied after failure {applied_before_retries - (len(writes) - len(failed))}, "
          "duplicated 0, lost 0")


def test_a_retry_after_a_504_gets_the_first_outcome(gateway, container_factory, make_config, pg_database,
                                                    migrated_databases, as_user):
    config = make_config("registry", pg_database("registry"))
    first = container_factory(RegistryService, config)
    first.start()
    admin = as_user("admin")
    first.stop()  # its queue stays: the request waits there, and the gateway gives up

    write = send(admin, Write(new_person(), "hp-rina-504"))
    assert write.status == 504

    container_factory(RegistryService, config).start()
    again = retry_until_answered(admin, write)
    assert again.status == 201
    replayed = send(admin, Write(write.payload, write.key))
    assert (replayed.status, replayed.person_id) == (201, again.person_id)
    assert stored_persons(migrated_databases("registry")) == 1
