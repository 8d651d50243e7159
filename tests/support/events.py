"""Reading what a service published: a temporary queue bound to its events exchange."""
import contextlib
import json

from kombu import Connection, Queue

from inklusi_platform.publishing import events_exchange


@contextlib.contextmanager
def event_tap(amqp_uri: str, source: str):
    """Yields a function returning every envelope `source` published since the tap opened."""
    connection = Connection(amqp_uri)
    queue = Queue(f"{source}-test-tap", exchange=events_exchange(source), routing_key="#",
                  durable=False)(connection.channel())
    queue.declare()
    seen = []

    def get_all():
        while (message := queue.get(no_ack=True)) is not None:
            seen.append(json.loads(message.body))
        return list(seen)

    try:
        yield get_all
    finally:
        connection.release()
