"""A service process started while RabbitMQ is unreachable waits for it, then serves; it does not exit."""
import os
import subprocess
import sys
import time

import pytest
from nameko.standalone.rpc import ServiceRpcProxy

from tests.support.suite_processes import ROOT, broker_address, proxied_uri
from tests.support.tcp_proxy import TcpProxy
from tests.support.waiting import wait_for

pytestmark = pytest.mark.integration


def test_a_service_started_before_the_broker_serves_once_it_is_reachable(rabbit_config, tmp_path):
    proxy = TcpProxy(*broker_address(rabbit_config["AMQP_URI"])).start()
    proxy.stop()  # keeps its port; nothing answers there yet
    env = {**os.environ, "AMQP_URI": proxied_uri(rabbit_config["AMQP_URI"], proxy.port),
           "DATABASE_URL": f"sqlite:///{tmp_path}/s.db", "LOG_LEVEL": "WARNING"}
    log_path = tmp_path / "slowpoke.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "tests.integration.platform.slow_service"], cwd=ROOT,
                                   env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        time.sleep(4)
        assert process.poll() is None, log_path.read_text()[-2000:]
        proxy.start()
        with ServiceRpcProxy("slowpoke", {"AMQP_URI": rabbit_config["AMQP_URI"]}, timeout=2) as slowpoke:
            def answers():
                try:
                    return slowpoke.take_time(0) == "selesai"
                except Exception:
                    return False

            wait_for(answers, timeout=20, interval=0.5, message="the service to answer once the broker is back")
        assert "broker unreachable" in log_path.read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        proxy.stop()
