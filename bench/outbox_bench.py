"""Outbox figures on this machine: write rate of events with their data, and the relay's publish rate.

    python bench/outbox_bench.py [--events 5000] [--database postgresql://postgres@127.0.0.1:5432/inklusi_bench]

Uses the local PostgreSQL and RabbitMQ (a throwaway vhost). Prints figures; asserts nothing.
"""
# isort: off
import inklusi_platform.green  # noqa: F401  (first: monkey-patches before socket is imported)
# isort: on
import argparse
import time
import uuid

import requests
import sqlalchemy as sa
from kombu import Connection, Queue
from sqlalchemy.orm import sessionmaker

from inklusi_platform import tables
from inklusi_platform.engines import make_engine
from inklusi_platform.outbox import OutboxRelay
from inklusi_platform.publishing import ConfirmedPublisher, events_exchange
from inklusi_platform.unit_of_work import UnitOfWork

API = "http://guest:guest@127.0.0.1:15672/api"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args()

    admin = sa.create_engine(f"{args.server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text("DROP DATABASE IF EXISTS inklusi_bench WITH (FORCE)"))
        connection.execute(sa.text("CREATE DATABASE inklusi_bench"))
    engine = make_engine(f"{args.server}/inklusi_bench")
    tables.metadata.create_all(engine)
    sessions = sessionmaker(engine)

    vhost = f"bench_{uuid.uuid4().hex[:8]}"
    requests.put(f"{API}/vhosts/{vhost}").raise_for_status()
    requests.put(f"{API}/permissions/{vhost}/guest", json={"configure": ".*", "write": ".*", "read": ".*"})
    amqp = f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
    try:
        with Connection(amqp) as connection:
            Queue("bench", exchange=events_exchange("registry"), routing_key="#", durable=True)(
                connection.channel()).declare()

        payload = {"person_id": "p", "kecamatan_code": "35.07.25", "desa_code": "35.07.25.2001",
                   "categories": ["fisik"]}
        started = time.perf_counter()
        for _ in range(args.events):
            uow = UnitOfWork(sessions(), "registry", "bench")
            uow.emit("person_registered", payload)
            uow.commit()
            uow.close()
        write_seconds = time.perf_counter() - started

        relay = OutboxRelay(sessions, ConfirmedPublisher(amqp), batch_size=500)
        started = time.perf_counter()
        published = 0
        while (count := relay.publish_pending()):
            published += count
        relay_seconds = time.perf_counter() - started
        relay.publisher.close()

        with Connection(amqp) as connection:
            depth = connection.channel().queue_declare("bench", passive=True).message_count
        print(f"events:                 {args.events}")
        print(f"write (1 event per tx): {args.events / write_seconds:,.0f} transactions/s")
        print(f"relay (confirmed):      {published / relay_seconds:,.0f} events/s "
              f"({relay_seconds:.2f} s for {published})")
        print(f"queue depth afterwards: {depth}")
    finally:
        requests.delete(f"{API}/vhosts/{vhost}")
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text("DROP DATABASE IF EXISTS inklusi_bench WITH (FORCE)"))


if __name__ == "__main__":
    main()
