"""Publishing to RabbitMQ with publisher confirms; the one place that touches kombu producers."""
from kombu import Connection, Exchange
from kombu.pools import producers

PERSISTENT = 2
# Reconnect once on a dead pooled connection; longer outages are the caller's to retry.
RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}


def events_exchange(source: str) -> Exchange:
    # Same declaration as nameko's get_event_exchange, so nameko's own event_handler can bind to it too.
    return Exchange(f"{source}.events", type="topic", durable=True, delivery_mode=PERSISTENT, auto_delete=False)


class ConfirmedPublisher:
    def __init__(self, amqp_uri: str):
        self.connection = Connection(amqp_uri, transport_options={"confirm_publish": True}, connect_timeout=5)

    def publish_json(self, body: str, *, exchange, routing_key: str, headers: dict | None = None, declare=()):
        """Publish an already-serialised JSON body; returns once the broker has confirmed it."""
        self._publish(body.encode("utf-8"), "application/json", "utf-8", exchange, routing_key, headers, declare)

    def publish_raw(self, body: bytes, content_type: str, content_encoding: str, *, routing_key: str,
                    headers: dict, expiration: float | None = None):
        """Re-publish a received message unchanged to a queue through the default exchange."""
        self._publish(body, content_type, content_encoding, "", routing_key, headers, (), expiration)

    def _publish(self, body, content_type, content_encoding, exchange, routing_key, headers, declare, expiration=None):
        with producers[self.connection].acquire(block=True, timeout=10) as producer:
            producer.publish(
                body,
                exchange=exchange,
                routing_key=routing_key,
                headers=headers or {},
                content_type=content_type,
                content_encoding=content_encoding,
                delivery_mode=PERSISTENT,
                declare=list(declare),
                expiration=expiration,
                retry=True,
                retry_policy=RETRY_POLICY,
            )

    def close(self) -> None:
        producers[self.connection].force_close_all()
        self.connection.release()
