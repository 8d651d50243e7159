"""SIGTERM to a service process: it takes no new work, finishes what it holds, acknowledges nothing
it did not finish, and exits 0."""
import os
import signal
import subprocess
import sys
import time

import pytest
from kombu import Connection, Queue
from nameko.standalone.rpc import ServiceRpcProxy

from inklusi_platform.service import is_alive
from tests.support.suite_processes import ROOT
from tests.support.waiting import wait_for
from tests.support.web import free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def start_slowpoke(rabbit_config, tmp_path):
    processes = []

    def start(grace_seconds: float) -> subprocess.Popen:
        env = {**os.environ, "AMQP_URI": rabbit_config["AMQP_URI"], "DATABASE_URL": f"sqlite:///{tmp_path}/s.db",
               "SHUTDOWN_GRACE_SECONDS": str(grace_seconds), "LOG_LEVEL": "WARNING", "DATA_DIR": str(tmp_path)}
        log = open(tmp_path / "slowpoke.log", "ab")
        process = subprocess.Popen([sys.executable, "-m", "tests.integration.platform.slow_service"], cwd=ROOT,
                                   env=env, stdout=log, stderr=subprocess.STDOUT)
        processes.append(process)
        with ServiceRpcProxy("slowpoke", {"AMQP_URI": rabbit_config["AMQP_URI"]}, timeout=2) as proxy:
            wait_for(lambda: _answers(proxy) or process.poll() is not None, timeout=30, interval=0.5,
                     message="the slowpoke service to answer")
        assert process.poll() is None, (tmp_path / "slowpoke.log").read_text()
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()


def _answers(proxy) -> bool:
    try:
        return proxy.health()["status"] == "up"
    except Exception:
        return False


def waiting_requests(amqp_uri: str) -> int:
    with Connection(amqp_uri) as connection:
        return Queue("rpc-slowpoke")(connection.channel()).queue_declare(passive=True).message_count


def test_sigterm_during_a_slow_rpc_finishes_it_takes_nothing_new_and_exits_0(rabbit_config, start_slowpoke,
                                                                            tmp_path):
    process = start_slowpoke(grace_seconds=20)
    config = {"AMQP_URI": rabbit_config["AMQP_URI"]}
    with ServiceRpcProxy("slowpoke", config, timeout=20) as slow, ServiceRpcProxy("slowpoke", config) as late:
        in_hand = slow.take_time.call_async(3)
        time.sleep(1)  # the worker is running
        process.send_signal(signal.SIGTERM)
        time.sleep(1.5)  # consumers cancelled within a second
        late.take_time.call_async(0)  # sent after SIGTERM: must wait for another replica
        assert is_alive(str(tmp_path), "slowpoke")  # its liveness heartbeat, still fresh while stopping
        assert in_hand.result() == "selesai"
        assert process.wait(timeout=20) == 0
    assert waiting_requests(rabbit_config["AMQP_URI"]) == 1


def test_work_unfinished_when_the_grace_runs_out_is_left_for_another_replica(rabbit_config, start_slowpoke):
    process = start_slowpoke(grace_seconds=1)
    with ServiceRpcProxy("slowpoke", {"AMQP_URI": rabbit_config["AMQP_URI"]}) as slow:
        slow.take_time.call_async(60)
        time.sleep(1)
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        assert time.monotonic() - started < 10
        # Not acknowledged: the broker holds the request for the next replica.
        wait_for(lambda: waiting_requests(rabbit_config["AMQP_URI"]) == 1, timeout=5,
                 message="the unfinished request back in its queue")


def test_a_process_that_never_reached_the_broker_still_waits_and_stops_cleanly(tmp_path):
    unreachable = f"amqp://guest:guest@127.0.0.1:{free_port()}/"
    env = {**os.environ, "AMQP_URI": unreachable, "DATABASE_URL": f"sqlite:///{tmp_path}/s.db",
           "LOG_LEVEL": "WARNING"}
    with open(tmp_path / "slowpoke.log", "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "tests.integration.platform.slow_service"], cwd=ROOT,
                                   env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            time.sleep(4)
            assert process.poll() is None, "it must keep waiting for the broker, not exit"
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=20) == 0, (tmp_path / "slowpoke.log").read_text()[-2000:]
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
