"""The broker-cut burst, as issue 7 measured it: registrations through the gateway while RabbitMQ is cut off.

    python bench/broker_cut.py [--cut 10] [--senders 6] [--rpc-timeout 5] [--server postgresql://...]

Runs the five processes as the Procfile does (own databases `bench_broker_cut_<service>`, a throwaway
vhost, RabbitMQ reached through a TCP proxy that is cut for --cut seconds mid-burst). Prints sent / 2xx /
failed / applied-after-failure / duplicated / lost, the status counts, event effects in notify and how
long /health took to come back. Asserts nothing.
"""
# isort: off
import inklusi_platform.green  # noqa: F401  (first: monkey-patches before socket is imported)
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root, for tests.support
# isort: on
import argparse
import json
import tempfile
import time
import uuid

import requests
from argon2 import PasswordHasher
from sqlalchemy.orm import sessionmaker

from gateway import accounts
from gateway.access import passwords
from gateway.access.roles import RoleBook
from inklusi_platform.engines import make_engine
from tests.support import broker_cut
from tests.support.databases import reset_database
from tests.support.suite_processes import Suite, broker_address, proxied_uri, suite_env
from tests.support.tcp_proxy import TcpProxy
from tests.support.web import WebSession, free_port

API = "http://guest:guest@127.0.0.1:15672/api"
PASSWORD = "kata-sandi-bench-123"
SECRET = "bench-secret-0123456789-abcdef-0123456789"


def seed_admin(gateway_url: str) -> None:
    passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    engine = make_engine(gateway_url)
    session = sessionmaker(engine)()
    accounts.seed_organisations(session)
    accounts.create_user(session, RoleBook.load(), username="admin", full_name="Admin", org_id="lingkar-sosial",
                         roles=["admin"], areas=[], password=PASSWORD)
    session.commit()
    session.close()
    engine.dispose()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cut", type=float, default=10.0, help="seconds RabbitMQ stays unreachable")
    parser.add_argument("--senders", type=int, default=6, help="concurrent clients")
    parser.add_argument("--rpc-timeout", type=float, default=5.0, help="the gateway's RPC_TIMEOUT_SECONDS")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()

    databases = {service: reset_database(args.server, f"bench_broker_cut_{service}", service)
                 for service in ("registry", "training", "funding", "notify", "gateway")}
    seed_admin(databases["gateway"])
    vhost = f"bench_{uuid.uuid4().hex[:8]}"
    requests.put(f"{API}/vhosts/{vhost}").raise_for_status()
    requests.put(f"{API}/permissions/{vhost}/guest", json={"configure": ".*", "write": ".*", "read": ".*"})
    amqp = f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
    proxy = TcpProxy(*broker_address(amqp)).start()
    address = f"127.0.0.1:{free_port()}"
    logs = Path(tempfile.mkdtemp(prefix="broker_cut_"))
    env = suite_env(proxied_uri(amqp, proxy.port), databases, address, logs, JWT_SECRET=SECRET,
                    RPC_TIMEOUT_SECONDS=args.rpc_timeout)
    base = f"http://{address}"
    web = WebSession(base)
    suite = Suite(env, logs, web)
    try:
        suite.start()
        token = web.post("/v1/auth/token", json={"grant_type": "password", "username": "admin",
                                                 "password": PASSWORD}).json()["access_token"]
        burst = broker_cut.run_burst(base, token, proxy, cut=args.cut, senders=args.senders)
        alive = {name: p.alive for name, p in suite.processes.items()}
        time.sleep(args.rpc_timeout + 5)  # anything that could still be applied late, or reach notify, has
        figures = broker_cut.tally(burst, broker_cut.stored_persons(databases["registry"]),
                                   broker_cut.welcome_counts(databases["notify"]))
        exits = suite.stop()
    finally:
        for process in suite.processes.values():
            if process.alive:
                process.process.kill()
        proxy.stop()
        web.close()
        requests.delete(f"{API}/vhosts/{vhost}")

    applied = figures.pop("applied_failures")
    print(f"broker cut {args.cut:.0f} s mid-burst, {args.senders} senders, RPC timeout {args.rpc_timeout:.0f} s")
    print(f"  sent {figures['sent']}  2xx {figures['2xx']}  failed {figures['failed']}  "
          f"applied-after-failure {figures['applied_after_failure']}  duplicated {figures['duplicated']}  "
          f"lost {figures['lost']}")
    print(f"  statuses {json.dumps(figures['statuses'])}; slowest 503 {figures['slowest_503_seconds']} s")
    for outcome, created_at in applied:
        print(f"    applied although {outcome.status}: committed {created_at.timestamp() - burst.cut_at:+.2f} s "
              f"from the cut")
    print(f"  events: persons without their welcome {figures['events_missing']}, "
          f"with two {figures['events_doubled']}")
    print(f"  /health during the cut: {figures['health_during_cut']}")
    print(f"  /health 200 again {figures['healthy_after_seconds']:.1f} s after the broker's return"
          if figures["healthy_after_seconds"] is not None else "  /health did not come back")
    print(f"  processes alive after the cut: {alive}")
    print(f"  exit codes on SIGTERM: {exits}   (logs in {logs})")


if __name__ == "__main__":
    main()
