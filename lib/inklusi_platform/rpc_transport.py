"""The broker connection every consumer of a service shares: it outlives outages and pauses for shutdown.

nameko's QueueConsumer already reconnects (kombu's ConsumerMixin), but only backs off to 30 s between
attempts, raises from an ack on a dead channel (which kills the container), and cannot stop while the
broker is away. This one reconnects within RECONNECT_MAX_SECONDS of the broker's return, drops an ack or
requeue it cannot send (the broker redelivers the message after the reconnect), knows whether it is
consuming (the readiness check reads that instead of opening a connection), and can stop taking work
while it keeps acknowledging what its workers finish.
"""
import logging
from contextlib import contextmanager

from nameko.amqp.publish import Publisher
from nameko.messaging import QueueConsumer as NamekoQueueConsumer
from nameko.messaging import QueueConsumerStopped
from nameko.rpc import ReplyListener as NamekoReplyListener
from nameko.utils import sanitize_url

log = logging.getLogger(__name__)

RECONNECT_MAX_SECONDS = 2.0


# One quick reconnect for a stale pooled connection, then fail: a caller must hear "unavailable" at
# once, not after nameko's default of up to four attempts 2-5 s apart.
FAST_FAIL = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}


class FastFailPublisher(Publisher):
    transport_options = {**FAST_FAIL, "confirm_publish": True}
    retry_policy = FAST_FAIL


class ReplyPublisher(Publisher):
    """RPC replies go out without publisher confirms: waiting for one per reply cost a fifth of a read's
    CPU, and a reply the broker loses is answered by the caller's deadline (504) all the same."""

    use_confirms = False
    transport_options = {**FAST_FAIL, "confirm_publish": False}
    retry_policy = FAST_FAIL


class _Stopped(Exception):
    """Ends the reconnect loop when the consumer was asked to stop while the broker is away."""


class QueueConsumer(NamekoQueueConsumer):
    def __init__(self):
        super().__init__()
        self.connected = False
        self.taking_work = True
        self._paused = set()

    @contextmanager
    def establish_connection(self):
        with self.create_connection() as conn:
            conn.ensure_connection(self.on_connection_error, self.connect_max_retries,
                                   interval_start=0.5, interval_step=0.5, interval_max=RECONNECT_MAX_SECONDS)
            yield conn

    def run(self, _tokens=1, **kwargs):
        try:
            super().run(_tokens, **kwargs)
        except (_Stopped, QueueConsumerStopped):
            # Stopped before the broker was ever reached: let start() return instead of waiting for ever.
            if not self._consumers_ready.ready():
                self._consumers_ready.send_exception(QueueConsumerStopped())

    def consume(self, *args, **kwargs):
        try:
            yield from super().consume(*args, **kwargs)
        finally:
            self.connected = False

    def on_consume_ready(self, connection, channel, consumers, **kwargs):
        self.connected = True
        self._paused = set()  # a new channel: pause again below if shutdown began
        super().on_consume_ready(connection, channel, consumers, **kwargs)

    def on_connection_error(self, exc, interval):
        self.connected = False
        if self.should_stop:
            raise _Stopped()
        log.warning("broker unreachable at %s (%s: %s); retrying in %.1fs",
                    sanitize_url(self.amqp_uri), type(exc).__name__, exc, interval)

    def on_iteration(self):
        if not self.taking_work:
            self._pause_work_consumers()
        super().on_iteration()

    def unregister_provider(self, provider):
        # nameko cancels a consumer only from the consumer thread, which does not iterate while the
        # broker is away (stopping would wait for ever), and before the first connection it fails on its
        # second provider. With no connection there is nothing to cancel.
        if not self.connected:
            self._consumers.pop(provider, None)
            self._providers.discard(provider)
            if not self._providers:
                self.should_stop = True
                if not self._last_provider_unregistered.ready():
                    self._last_provider_unregistered.send()
            return
        super().unregister_provider(provider)

    def stop_taking_work(self):
        """Cancel the consumers of requests and events (the broker sends no more); reply listeners keep
        consuming, so the workers in hand can still hear back from the services they call."""
        self.taking_work = False

    def _pause_work_consumers(self):
        for provider, consumer in list(self._consumers.items()):
            if provider in self._paused or isinstance(provider, NamekoReplyListener):
                continue
            try:
                consumer.cancel()
            except Exception as exc:  # the connection just died: it will not deliver any more either
                log.warning("could not cancel consumer on shutdown: %s", type(exc).__name__)
            self._paused.add(provider)

    def ack_message(self, message):
        self._settle(message, "ack")

    def requeue_message(self, message):
        self._settle(message, "requeue")

    @staticmethod
    def _settle(message, how: str):
        # On a dead channel the broker has already taken the message back and will deliver it again.
        if not message.channel.connection:
            return
        try:
            getattr(message, how)()
        except Exception as exc:
            log.warning("could not %s a message, the broker will deliver it again: %s", how, type(exc).__name__)


class ReplyListener(NamekoReplyListener):
    queue_consumer = QueueConsumer()

    def forget(self, correlation_id: str) -> None:
        """Stop waiting for a reply the caller gave up on (it would otherwise stay in memory)."""
        self._reply_events.pop(correlation_id, None)
