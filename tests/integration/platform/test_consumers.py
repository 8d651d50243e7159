"""Consumers against the real RabbitMQ and PostgreSQL: no lost events, no double effects, no silent drops."""
import json
import uuid

import pytest
from kombu import Connection, Producer

from inklusi_platform import contracts, deadletters, topology
from inklusi_platform.publishing import events_exchange
from tests.integration.platform.services import LedgerService, Switches, TallyService
from tests.support.waiting import wait_for

pytestmark = pytest.mark.integration

TALLY_QUEUE = topology.consumer_queue_name("ledger", "entry_recorded", "tally", "on_entry_recorded")


def publish(amqp_uri, body, routing_key="entry_recorded"):
    with Connection(amqp_uri) as connection:
        producer = Producer(connection.channel())
        exchange = events_exchange("ledger")
        producer.publish(body if isinstance(body, (str, bytes)) else json.dumps(body), exchange=exchange,
                         routing_key=routing_key, content_type="application/json", content_encoding="utf-8",
                         declare=[exchange], delivery_mode=2)


def queue_depth(amqp_uri, name):
    with Connection(amqp_uri) as connection:
        return connection.channel().queue_declare(name, passive=True).message_count


def test_event_published_before_the_consumer_ever_started_is_not_lost(
        container_factory, make_config, databases, query, ledger_rpc, rabbit_config):
    # Deploy time: the consumer's queues exist before its service has ever run.
    declared = topology.declare_service_topology(TallyService, rabbit_config["AMQP_URI"])
    assert TALLY_QUEUE in declared and "tally.dlq" in declared

    ledger = container_factory(LedgerService, make_config("ledger", databases["ledger"]))
    ledger.start()
    with ledger_rpc("early") as rpc:
        rpc.record("early-1", 3)
    wait_for(lambda: queue_depth(rabbit_config["AMQP_URI"], TALLY_QUEUE) == 1, message="event waiting in queue")

    tally = container_factory(TallyService, make_config("tally", databases["tally"]))
    tally.start()
    rows = wait_for(lambda: query("tally", "SELECT entry_id, correlation_id FROM tally_effects"),
                    message="tally to handle the early event")
    assert rows == [("early-1", "early")]


def test_event_delivered_twice_has_one_effect(container_factory, make_config, databases, query, rabbit_config):
    tally = container_factory(TallyService, make_config("tally", databases["tally"]))
    tally.start()
    envelope = contracts.make_event("ledger", "entry_recorded", {"entry_id": "dup", "amount": 1}, "c-dup")
    publish(rabbit_config["AMQP_URI"], envelope)
    publish(rabbit_config["AMQP_URI"], envelope)
    wait_for(lambda: query("tally", "SELECT count(*) FROM processed_events") == [(1,)], message="first delivery")
    wait_for(lambda: queue_depth(rabbit_config["AMQP_URI"], TALLY_QUEUE) == 0, message="second delivery acked")
    import eventlet

    eventlet.sleep(0.3)
    assert query("tally", "SELECT entry_id FROM tally_effects") == [("dup",)]
    assert query("tally", "SELECT event_id FROM processed_events") == [(envelope["event_id"],)]


def test_poison_event_ends_in_the_dlq_with_its_error_and_can_be_replayed(
        container_factory, make_config, databases, query, rabbit_config):
    amqp = rabbit_config["AMQP_URI"]
    tally = container_factory(TallyService, make_config("tally", databases["tally"], EVENT_MAX_ATTEMPTS=3))
    tally.start()
    envelope = contracts.make_event("ledger", "entry_recorded", {"entry_id": "bad", "amount": -1}, "c-bad")
    publish(amqp, envelope)

    letters = wait_for(lambda: deadletters.list_dead_letters(amqp, "tally"), message="the dead letter")
    assert len(letters) == 1
    letter = letters[0]
    assert letter.event_id == envelope["event_id"]
    assert letter.attempts == 3
    assert letter.error == "ValueError: negative amount"
    assert letter.queue == TALLY_QUEUE
    assert query("tally", "SELECT count(*) FROM tally_effects") == [(0,)]  # each failed attempt rolled back
    assert len(deadletters.list_dead_letters(amqp, "tally")) == 1  # listing does not consume

    Switches.accept_negative = True  # the fix is deployed
    replayed = deadletters.replay(amqp, "tally", {envelope["event_id"]})
    assert [r.event_id for r in replayed] == [envelope["event_id"]]
    wait_for(lambda: query("tally", "SELECT entry_id FROM tally_effects") == [("bad",)], message="replayed effect")
    assert deadletters.list_dead_letters(amqp, "tally") == []


def test_malformed_event_is_dead_lettered_at_once(container_factory, make_config, databases, query, rabbit_config):
    amqp = rabbit_config["AMQP_URI"]
    tally = container_factory(TallyService, make_config("tally", databases["tally"]))
    tally.start()
    envelope = contracts.make_event("ledger", "entry_recorded", {"entry_id": "x", "amount": 1}, None)
    envelope["payload"] = {"entry_id": "x"}  # amount missing
    publish(amqp, envelope)
    publish(amqp, b"not json at all")

    letters = wait_for(lambda: (found := deadletters.list_dead_letters(amqp, "tally")) and len(found) == 2 and found,
                       message="two dead letters")
    assert all(letter.attempts == 1 for letter in letters)
    assert all(letter.error.startswith("invalid event") for letter in letters)
    assert query("tally", "SELECT count(*) FROM tally_effects") == [(0,)]


def test_replay_of_unknown_event_id_replays_nothing(rabbit_config):
    assert deadletters.replay(rabbit_config["AMQP_URI"], "tally", {str(uuid.uuid4())}) == []
