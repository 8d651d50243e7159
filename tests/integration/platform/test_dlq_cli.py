"""`python -m <service> dlq list|replay`, run as ops would run it, against a fresh vhost."""
import json
import os
import subprocess
import sys
import uuid

import pytest
from kombu import Connection, Producer, Queue

from inklusi_platform import topology
from inklusi_platform.consumer import ATTEMPTS_HEADER, ERROR_HEADER, QUEUE_HEADER

pytestmark = pytest.mark.integration


def cli(amqp_uri, tmp_path, *args):
    env = dict(os.environ, AMQP_URI=amqp_uri, DATA_DIR=str(tmp_path), LOG_LEVEL="WARNING")
    return subprocess.run([sys.executable, "-m", "notify", "dlq", *args], env=env, capture_output=True, text=True,
                          timeout=120)


def test_ops_list_and_replay_dead_letters(rabbit_config, tmp_path):
    amqp = rabbit_config["AMQP_URI"]
    origin = topology.consumer_queue_name("registry", "person_registered", "notify", "on_person_registered")
    event_id = str(uuid.uuid4())
    with Connection(amqp) as connection:
        channel = connection.channel()
        Queue(origin, durable=True)(channel).declare()
        topology.dead_letter_queue("notify")(channel).declare()
        Producer(channel).publish(json.dumps({"event_id": event_id, "type": "registry.person_registered"}),
                                  routing_key="notify.dlq", content_type="application/json",
                                  headers={ATTEMPTS_HEADER: 5, ERROR_HEADER: "ValueError: boom", QUEUE_HEADER: origin})

    listed = cli(amqp, tmp_path, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    [letter] = [json.loads(line) for line in listed.stdout.splitlines()]
    assert (letter["event_id"], letter["attempts"], letter["error"], letter["queue"]) == (
        event_id, 5, "ValueError: boom", origin)

    missing = cli(amqp, tmp_path, "replay", "--event-id", "no-such-event")
    assert missing.returncode == 1 and "no-such-event" in missing.stderr
    replayed = cli(amqp, tmp_path, "replay", "--event-id", event_id)
    assert replayed.returncode == 0 and "replayed 1" in replayed.stdout

    with Connection(amqp) as connection:
        channel = connection.channel()
        assert channel.queue_declare(origin, passive=True).message_count == 1
        assert channel.queue_declare("notify.dlq", passive=True).message_count == 0
