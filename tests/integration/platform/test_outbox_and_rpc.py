"""The outbox against the real RabbitMQ and PostgreSQL: atomic with the data, and patient through outages."""
import json

import pytest
from kombu import Connection, Exchange, Queue
from nameko.exceptions import RemoteError
from sqlalchemy.orm import sessionmaker

from inklusi_platform.engines import make_engine
from inklusi_platform.errors import ValidationFailed
from inklusi_platform.outbox import OutboxRelay
from inklusi_platform.publishing import BatchNotConfirmed, ConfirmedPublisher, Outgoing, events_exchange
from inklusi_platform.unit_of_work import UnitOfWork
from tests.integration.platform.services import LedgerService
from tests.support.tcp_proxy import TcpProxy
from tests.support.waiting import wait_for

pytestmark = pytest.mark.integration


def test_rpc_commits_data_and_event_together(container_factory, make_config, databases, query, event_tap,
                                             ledger_rpc):
    container = container_factory(LedgerService, make_config("ledger", databases["ledger"]))
    container.start()
    with ledger_rpc("req-123") as ledger:
        assert ledger.record("e1", 10) == "e1"

    assert query("ledger", "SELECT id, amount FROM ledger_entries") == [("e1", 10)]
    messages = wait_for(event_tap, message="the entry_recorded event")
    envelope = json.loads(messages[0].body)
    assert envelope["type"] == "ledger.entry_recorded"
    assert envelope["payload"] == {"entry_id": "e1", "amount": 10}
    assert envelope["correlation_id"] == "req-123"
    assert messages[0].headers["nameko.correlation_id"] == "req-123"
    # The relay marks a row sent after the broker confirmed it, which may be just after it arrived.
    wait_for(lambda: query("ledger", "SELECT count(*) FROM outbox WHERE published_at IS NULL") == [(0,)],
             message="the outbox row marked as published")


def test_failed_worker_keeps_neither_data_nor_event(container_factory, make_config, databases, query, ledger_rpc):
    container = container_factory(LedgerService, make_config("ledger", databases["ledger"]))
    container.start()
    with ledger_rpc() as ledger, pytest.raises(ValidationFailed) as refused:
        ledger.record("e2", 5, refuse_after_emit=True)
    assert refused.value.details == {"amount": ["ditolak"]}  # the error crossed RPC as itself
    assert query("ledger", "SELECT count(*) FROM ledger_entries") == [(0,)]
    assert query("ledger", "SELECT count(*) FROM outbox") == [(0,)]


def test_a_reply_is_encoded_once_and_an_unencodable_one_becomes_an_error(container_factory, make_config,
                                                                         databases, ledger_rpc):
    container = container_factory(LedgerService, make_config("ledger", databases["ledger"]))
    container.start()
    with ledger_rpc() as ledger:
        with pytest.raises(RemoteError) as refused:
            ledger.unencodable()
        assert refused.value.exc_type == "UnserializableValueError"
        assert ledger.record("e3", 7) == "e3"  # and the service goes on answering


def test_events_written_while_broker_is_unreachable_arrive_in_order_after_it_returns(
        rabbit_config, databases, query):
    amqp = rabbit_config["AMQP_URI"]
    # Bind a queue first, as a subscriber would have: events then have somewhere to go.
    with Connection(amqp) as connection:
        Queue("outage-tap", exchange=events_exchange("ledger"), routing_key="entry_recorded",
              durable=True)(connection.channel()).declare()

    host_port = amqp.split("@", 1)[1].split("/", 1)[0]
    host, port = host_port.split(":") if ":" in host_port else (host_port, "5672")
    proxy = TcpProxy(host, int(port)).start()
    proxied = amqp.replace(host_port, f"127.0.0.1:{proxy.port}")
    engine = make_engine(databases["ledger"])
    sessions = sessionmaker(engine)
    relay = OutboxRelay(sessions, ConfirmedPublisher(proxied), poll_seconds=0.1, max_backoff=0.3)
    import eventlet

    runner = eventlet.spawn(relay.run)
    try:
        proxy.stop()  # RabbitMQ unreachable from here on
        for n in range(5):
            uow = UnitOfWork(sessions(), "ledger")
            uow.emit("entry_recorded", {"entry_id": f"o{n}", "amount": n})
            uow.commit()  # writes succeed while the broker is away
            uow.close()
        eventlet.sleep(1.0)
        assert query("ledger", "SELECT count(*) FROM outbox WHERE published_at IS NULL") == [(5,)]
        assert query("ledger", "SELECT max(attempts) FROM outbox")[0][0] >= 1

        proxy.start()  # the broker is back, on the same address
        wait_for(lambda: query("ledger", "SELECT count(*) FROM outbox WHERE published_at IS NULL") == [(0,)],
                 timeout=15, message="the outbox to drain")
    finally:
        relay.stop()
        runner.wait()
        relay.publisher.close()
        proxy.stop()
        engine.dispose()

    with Connection(amqp) as connection:
        queue = Queue("outage-tap")(connection.channel())
        received = []
        while (message := queue.get(no_ack=True)) is not None:
            received.append(json.loads(message.body)["payload"]["entry_id"])
    assert received == [f"o{n}" for n in range(5)]


def test_relay_publishes_batches_in_order_and_marks_each_batch_sent(rabbit_config, databases, query, event_tap):
    engine = make_engine(databases["ledger"])
    sessions = sessionmaker(engine)
    uow = UnitOfWork(sessions(), "ledger")
    for n in range(250):
        uow.emit("entry_recorded", {"entry_id": f"b{n}", "amount": n})
    uow.commit()
    uow.close()
    relay = OutboxRelay(sessions, ConfirmedPublisher(rabbit_config["AMQP_URI"]), batch_size=100)
    try:
        assert [relay.publish_pending() for _ in range(4)] == [100, 100, 50, 0]
    finally:
        relay.publisher.close()
        engine.dispose()
    assert query("ledger", "SELECT count(*) FROM outbox WHERE published_at IS NULL") == [(0,)]
    received = wait_for(lambda: (m := event_tap()) and len(m) == 250 and m, message="250 events")
    assert [json.loads(m.body)["payload"]["entry_id"] for m in received] == [f"b{n}" for n in range(250)]


def test_a_batch_the_broker_refuses_is_not_confirmed_and_the_publisher_recovers(rabbit_config, event_tap):
    publisher = ConfirmedPublisher(rabbit_config["AMQP_URI"])
    body = json.dumps({"payload": {"entry_id": "x"}})
    missing = Exchange("no-such-exchange", type="topic", passive=True)  # the broker closes the channel
    try:
        with pytest.raises(BatchNotConfirmed) as refused:
            publisher.publish_batch([Outgoing(body, events_exchange("ledger"), "entry_recorded"),
                                     Outgoing(body, missing, "entry_recorded")])
        assert refused.value.confirmed <= 1  # never the refused one
        publisher.publish_batch([Outgoing(body, events_exchange("ledger"), "entry_recorded")])
    finally:
        publisher.close()
    assert 1 <= len(wait_for(event_tap, message="the event after the refusal")) <= 2
