"""Publishing to RabbitMQ with publisher confirms; the one place that touches kombu producers."""
import time
from dataclasses import dataclass, field

from kombu import Connection, Exchange, Producer
from kombu.pools import producers

PERSISTENT = 2
# Reconnect once on a dead pooled connection; longer outages are the caller's to retry.
RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CONFIRM_TIMEOUT_SECONDS = 10.0


def events_exchange(source: str) -> Exchange:
    # Same declaration as nameko's get_event_exchange, so nameko's own event_handler can bind to it too.
    return Exchange(f"{source}.events", type="topic", durable=True, delivery_mode=PERSISTENT, auto_delete=False)


@dataclass(frozen=True)
class Outgoing:
    """One already-serialised JSON message of a batch."""

    body: str
    exchange: Exchange
    routing_key: str
    headers: dict = field(default_factory=dict)


class BatchNotConfirmed(Exception):
    """The broker did not confirm the whole batch; its first `confirmed` messages are safe."""

    def __init__(self, confirmed: int, cause: BaseException | str):
        super().__init__(f"{type(cause).__name__}: {cause}" if isinstance(cause, BaseException) else cause)
        self.confirmed = confirmed


class ConfirmedPublisher:
    def __init__(self, amqp_uri: str, confirm_timeout: float = CONFIRM_TIMEOUT_SECONDS):
        self.connection = Connection(amqp_uri, transport_options={"confirm_publish": True}, connect_timeout=5)
        # The batch path selects confirms on its own channel and waits once for the lot; a connection
        # with confirm_publish would wait after every message instead.
        self.batch_connection = Connection(amqp_uri, connect_timeout=5)
        self.confirm_timeout = confirm_timeout

    def publish_json(self, body: str, *, exchange, routing_key: str, headers: dict | None = None, declare=()):
        """Publish an already-serialised JSON body; returns once the broker has confirmed it."""
        self._publish(body.encode("utf-8"), "application/json", "utf-8", exchange, routing_key, headers, declare)

    def publish_batch(self, messages: list[Outgoing]) -> None:
        """Publish every message in order, then wait for the broker's confirms once for the batch.

        Returns when all are confirmed; otherwise raises BatchNotConfirmed naming how many of the first
        messages were (a confirm covers every message up to its delivery tag when `multiple` is set).
        """
        if not messages:
            return
        confirmed = {"upto": 0, "nacked": None, "single": set()}

        def on_ack(delivery_tag, multiple):
            # Confirms may come out of order: `upto` is the unbroken run of confirmed messages from the first.
            if multiple:
                confirmed["upto"] = max(confirmed["upto"], delivery_tag)
            else:
                confirmed["single"].add(delivery_tag)
            while confirmed["upto"] + 1 in confirmed["single"]:
                confirmed["upto"] += 1

        def on_nack(delivery_tag, multiple):
            if confirmed["nacked"] is None:
                confirmed["nacked"] = delivery_tag if not multiple else confirmed["upto"] + 1

        try:
            self.batch_connection.ensure_connection(**RETRY_POLICY)
            channel = self.batch_connection.channel()
        except Exception as exc:
            self._reset_batch_connection()
            raise BatchNotConfirmed(0, exc) from exc
        try:
            channel.confirm_select()
            channel.events["basic_ack"].add(on_ack)
            channel.events["basic_nack"].add(on_nack)
            producer = Producer(channel)
            declared = set()
            for message in messages:
                if message.exchange.name not in declared:
                    message.exchange(channel).declare()
                    declared.add(message.exchange.name)
                producer.publish(message.body.encode("utf-8"), exchange=message.exchange,
                                 routing_key=message.routing_key, headers=message.headers,
                                 content_type="application/json", content_encoding="utf-8",
                                 delivery_mode=PERSISTENT)
            deadline = time.monotonic() + self.confirm_timeout
            while confirmed["upto"] < len(messages) and confirmed["nacked"] is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("no confirm from the broker in time")
                self.batch_connection.drain_events(timeout=remaining)
        except Exception as exc:
            self._reset_batch_connection()
            raise BatchNotConfirmed(_safe_prefix(confirmed), exc) from exc
        if confirmed["nacked"] is not None:
            self._close(channel)
            raise BatchNotConfirmed(_safe_prefix(confirmed), "the broker refused (nack) a message")
        self._close(channel)

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

    def _reset_batch_connection(self) -> None:
        # A broken channel or socket: start the next batch on a fresh connection.
        try:
            self.batch_connection.collect()
        except Exception:
            pass

    @staticmethod
    def _close(channel) -> None:
        try:
            channel.close()
        except Exception:
            pass

    def close(self) -> None:
        producers[self.connection].force_close_all()
        self.connection.release()
        self.batch_connection.release()


def _safe_prefix(confirmed: dict) -> int:
    upto = confirmed["upto"]
    if confirmed["nacked"] is not None:
        upto = min(upto, confirmed["nacked"] - 1)
    return max(upto, 0)

