"""Event figures through the platform's relay and consumer, on the local PostgreSQL and RabbitMQ.

    python bench/events_bench.py [--events 5000] [--rate 200] [--seconds 10]

Three figures, each in a throwaway vhost and database:
- consumer alone: `--events` events already queued, how fast one consumer process (a service with the
  platform's event_handler and Database) handles them;
- relay and consumer together, sustained: `--events` events written to the outbox in one go, from the
  first commit to the last event handled;
- end-to-end latency at `--rate` events/s offered for `--seconds`: each event written in its own
  transaction (as a service's write does), relayed, consumed; p50/p99 from occurred_at to handled.
Prints figures; asserts nothing.
"""
# isort: off
import inklusi_platform.green  # noqa: F401  (first: monkey-patches before socket is imported)
# isort: on
import argparse
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime

import eventlet
import requests
import sqlalchemy as sa
from marshmallow import Schema, fields
from nameko.containers import ServiceContainer
from sqlalchemy.orm import sessionmaker

from inklusi_platform import contracts, tables, topology
from inklusi_platform.consumer import event_handler
from inklusi_platform.engines import make_engine
from inklusi_platform.outbox import OutboxRelay
from inklusi_platform.publishing import ConfirmedPublisher, Outgoing, events_exchange
from inklusi_platform.service import ServiceBase
from inklusi_platform.unit_of_work import UnitOfWork

API = "http://guest:guest@127.0.0.1:15672/api"
HANDLED: dict[str, float] = {}


class Pinged(Schema):
    n = fields.Integer(required=True)


contracts.register("benchsrc", "pinged", Pinged)


class Sink(ServiceBase):
    name = "benchsink"

    @event_handler("benchsrc", "pinged")
    def on_pinged(self, event):
        self.db.session.execute(sa.text("SELECT 1"))  # the handler's own effect, in its transaction
        HANDLED[event.event_id] = time.time()


def wait_until(condition, timeout: float, interval: float = 0.01):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        eventlet.sleep(interval)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--prefix", default=os.environ.get("TEST_DB_PREFIX", "bench"))
    parser.add_argument("--replicas", type=int, default=2,
                        help="consumer processes sharing the queue in the last measurement (0: skip it)")
    parser.add_argument("--serve", nargs=2, metavar=("AMQP_URI", "DATABASE_URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve_consumer(*args.serve)

    database = f"{args.prefix}_events_bench"
    admin = sa.create_engine(f"{args.server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        connection.execute(sa.text(f"CREATE DATABASE {database}"))
    url = f"{args.server}/{database}"
    engine = make_engine(url)
    tables.metadata.create_all(engine)
    sessions = sessionmaker(engine)
    vhost = f"bench_{uuid.uuid4().hex[:8]}"
    requests.put(f"{API}/vhosts/{vhost}").raise_for_status()
    requests.put(f"{API}/permissions/{vhost}/guest", json={"configure": ".*", "write": ".*", "read": ".*"})
    amqp = f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
    config = {"AMQP_URI": amqp, "DATABASE_URL": url, "max_workers": int(os.environ.get("MAX_WORKERS", "10")),
              "SERIALIZER": "json", "DATA_DIR": "/tmp"}
    topology.declare(amqp, topology.service_queues(Sink), exchanges=[events_exchange("benchsrc")])
    publisher = ConfirmedPublisher(amqp)
    container = ServiceContainer(Sink, config)
    try:
        # 1. Consumer alone: the queue filled first, then the consumer started.
        batch = [contracts.make_event("benchsrc", "pinged", {"n": n}, None) for n in range(args.events)]
        for start in range(0, len(batch), 500):
            publisher.publish_batch([Outgoing(json.dumps(e), events_exchange("benchsrc"), "pinged")
                                     for e in batch[start:start + 500]])
        started = time.perf_counter()
        container.start()
        wait_until(lambda: len(HANDLED) >= args.events, 300)
        consumer_rate = args.events / (time.perf_counter() - started)

        # 2. Relay and consumer together: the outbox filled in one transaction, then relayed.
        HANDLED.clear()
        relay = OutboxRelay(sessions, publisher, batch_size=500, poll_seconds=0.05)
        uow = UnitOfWork(sessions(), "benchsrc")
        for n in range(args.events):
            uow.emit("pinged", {"n": n})
        uow.commit()
        uow.close()
        started = time.perf_counter()
        runner = eventlet.spawn(relay.run)
        wait_until(lambda: len(HANDLED) >= args.events, 300)
        sustained = args.events / (time.perf_counter() - started)

        # 3. End-to-end latency at a steady offered rate, one event per transaction, relay woken on commit.
        HANDLED.clear()
        relay.poll_seconds = 1.0
        sent: dict[str, float] = {}
        interval = 1.0 / args.rate
        began = time.perf_counter()
        for n in range(args.rate * args.seconds):
            due = began + n * interval
            eventlet.sleep(max(0.0, due - time.perf_counter()))
            uow = UnitOfWork(sessions(), "benchsrc")
            event_id = uow.emit("pinged", {"n": n})
            uow.commit()
            uow.close()
            relay.wake()  # what Database.finish does after a unit of work that emitted
            sent[event_id] = datetime.fromisoformat(uow.emitted[0]["occurred_at"]).timestamp()
        offered = len(sent) / (time.perf_counter() - began)
        wait_until(lambda: len(HANDLED) >= len(sent), 120)
        latencies = sorted((HANDLED[e] - sent[e]) * 1000 for e in sent)
        container.stop()

        # 4. The same consumer in `--replicas` processes of its own, sharing the queue (competing
        # consumers), the relay in this one: how the consumer side scales out.
        replicas_rate = None
        if args.replicas:
            def handled() -> int:
                with engine.connect() as connection:
                    return connection.execute(sa.text("SELECT count(*) FROM processed_events")).scalar()

            replicas = [subprocess.Popen([sys.executable, __file__, "--serve", amqp, url])
                        for _ in range(args.replicas)]
            try:
                eventlet.sleep(3)  # started and consuming
                before = handled()
                uow = UnitOfWork(sessions(), "benchsrc")
                for n in range(args.events):
                    uow.emit("pinged", {"n": n})
                uow.commit()
                uow.close()
                started = time.perf_counter()
                relay.wake()
                wait_until(lambda: handled() - before >= args.events, 300, interval=0.25)
                replicas_rate = args.events / (time.perf_counter() - started)
            finally:
                for replica in replicas:
                    replica.terminate()
                    replica.wait()
        relay.stop()
        runner.wait()

        print(f"consumer alone:              {consumer_rate:,.0f} events/s ({args.events} queued)")
        print(f"relay + consumer, sustained: {sustained:,.0f} events/s ({args.events} in the outbox)")
        print(f"end to end at {offered:,.0f}/s offered: p50 {latencies[len(latencies) // 2]:.1f} ms, "
              f"p99 {latencies[int(len(latencies) * 0.99) - 1]:.1f} ms, max {latencies[-1]:.1f} ms")
        if replicas_rate is not None:
            print(f"relay + {args.replicas} consumer processes: {replicas_rate:,.0f} events/s "
                  f"({args.events} in the outbox)")
        print(f"(at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, MAX_WORKERS={config['max_workers']})")
    finally:
        container.stop()  # a no-op when measurement 4 stopped it already
        publisher.close()
        requests.delete(f"{API}/vhosts/{vhost}")
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))


def serve_consumer(amqp: str, url: str) -> None:
    """One consumer process for measurement 4: runs until terminated."""
    container = ServiceContainer(Sink, {"AMQP_URI": amqp, "DATABASE_URL": url, "SERIALIZER": "json",
                                        "DATA_DIR": "/tmp", "max_workers": int(os.environ.get("MAX_WORKERS", "10"))})
    container.start()
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))  # a measurement: nothing to finish
    container.wait()


if __name__ == "__main__":
    main()
