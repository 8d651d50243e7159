"""The event consumer entrypoint: checked, idempotent, retried, and dead-lettered instead of dropped.

nameko's own event_handler acks a message whose handler raised and throws it away. This one:
- checks the envelope and the payload against the catalogue (a malformed event is dead-lettered at once);
- records the event as handled in the handler's own transaction, before the handler runs (one
  INSERT ... ON CONFLICT DO NOTHING), and skips the handler for an event already recorded;
- sends a failed event to a retry queue, and after EVENT_MAX_ATTEMPTS to the service's DLQ with the
  error attached; only then is the original acked.
"""
import logging
import time
from datetime import UTC, datetime
from functools import partial

from marshmallow import ValidationError
from nameko.events import SERVICE_POOL, EventHandler
from nameko.exceptions import ContainerBeingKilled
from nameko.messaging import Consumer

from inklusi_platform import contracts, topology
from inklusi_platform.context import CORRELATION_KEY
from inklusi_platform.database import Database, finish_unit_of_work
from inklusi_platform.errors import EXPECTED
from inklusi_platform.publishing import ConfirmedPublisher
from inklusi_platform.rpc_transport import QueueConsumer

log = logging.getLogger(__name__)

ATTEMPTS_HEADER = "x-inklusi-attempts"
ERROR_HEADER = "x-inklusi-error"
QUEUE_HEADER = "x-inklusi-queue"
FAILED_AT_HEADER = "x-inklusi-failed-at"


ALREADY_HANDLED = object()  # a worker's result when its event was handled before


class ClaimFailed(Exception):
    """The event could not be recorded as handled (the database is away); it goes back to its queue."""


def attempts_of(message) -> int:
    return int((message.headers or {}).get(ATTEMPTS_HEADER, 0))


class DeadLetteringQueueConsumer(QueueConsumer):
    """The platform's queue consumer (it outlives broker outages), except that a body it cannot decode is
    dead-lettered, not acked away."""

    def get_consumers(self, consumer_cls, channel):
        consumers = super().get_consumers(consumer_cls, channel)
        for provider, consumer in self._consumers.items():
            consumer.on_decode_error = partial(provider.undecodable, self)
        return consumers


class EventConsumer(EventHandler):
    queue_consumer = DeadLetteringQueueConsumer()

    def __init__(self, source_service: str, event_type: str, **kwargs):
        kwargs.setdefault("expected_exceptions", EXPECTED)
        super().__init__(source_service, event_type, handler_type=SERVICE_POOL,
                         reliable_delivery=True, requeue_on_error=False, **kwargs)

    def setup(self):
        config = self.container.config
        service = self.container.service_name
        self.queue = topology.consumer_queue(self.source_service, self.event_type, service, self.method_name)
        self.retry_queue_name = topology.retry_queue(self.queue.name).name
        self.dlq_name = topology.dead_letter_queue_name(service)
        self.max_attempts = config.get("EVENT_MAX_ATTEMPTS", 5)
        self.retry_delay = config.get("EVENT_RETRY_DELAY_MS", 2000) / 1000
        self.database = _the_database(self.container)
        self.publisher = ConfirmedPublisher(config["AMQP_URI"])
        topology.declare(config["AMQP_URI"], [
            self.queue, topology.retry_queue(self.queue.name), topology.dead_letter_queue(service),
        ])
        Consumer.setup(self)  # nameko's EventHandler.setup would rebuild self.queue its own way

    def stop(self):
        super().stop()
        self.publisher.close()

    def handle_message(self, body, message):
        try:
            event = contracts.load_event(body)
        except (ValidationError, contracts.UnknownEventType) as exc:
            self._dead_letter_or_retry(message, f"invalid event: {type(exc).__name__}: {exc}", permanent=True)
            return
        context_data = self.unpack_message_headers(message)
        context_data[CORRELATION_KEY] = event.correlation_id or context_data.get(CORRELATION_KEY)
        try:
            self.container.spawn_worker(
                self, (event,), {}, context_data=context_data,
                handle_result=partial(self.handle_result, message, event),
            )
        except ContainerBeingKilled:
            self.queue_consumer.requeue_message(message)

    def undecodable(self, _queue_consumer, message, exc):
        self._dead_letter_or_retry(message, f"invalid event: body is not JSON: {exc}", permanent=True)

    def once_per_event(self, uow, method, event):
        """Runs as the worker's method (Database.worker_setup puts it there): claim, then handle."""
        try:
            fresh = uow.claim_event(self.queue.name, event.event_id)
        except Exception as exc:
            raise ClaimFailed(f"{type(exc).__name__}") from exc
        if not fresh:
            return ALREADY_HANDLED
        return method(event)

    def handle_result(self, message, event, worker_ctx, result=None, exc_info=None):
        exc_info = finish_unit_of_work(worker_ctx, exc_info)
        if exc_info is None:
            if result is ALREADY_HANDLED:
                log.info("event already handled; acknowledged without effect", extra=self._log_extra(event))
            self.queue_consumer.ack_message(message)
        elif isinstance(exc_info[1], ClaimFailed):
            # The database is away: not the event's fault, so no attempt is counted; slow the
            # redelivery loop down rather than spin.
            log.warning("cannot record the event as handled (%s); requeueing", exc_info[1],
                        extra=self._log_extra(event))
            time.sleep(1)
            self.queue_consumer.requeue_message(message)
        else:
            self._dead_letter_or_retry(message, f"{exc_info[0].__name__}: {exc_info[1]}")
        return result, exc_info

    def _dead_letter_or_retry(self, message, error: str, permanent: bool = False):
        attempt = attempts_of(message) + 1
        headers = dict(message.headers or {})
        headers.update({
            ATTEMPTS_HEADER: attempt,
            ERROR_HEADER: error[:1000],
            QUEUE_HEADER: self.queue.name,
            FAILED_AT_HEADER: datetime.now(UTC).isoformat(),
        })
        to_dlq = permanent or attempt >= self.max_attempts
        target = self.dlq_name if to_dlq else self.retry_queue_name
        try:
            self.publisher.publish_raw(
                message.body, message.content_type, message.content_encoding,
                routing_key=target, headers=headers, expiration=None if to_dlq else self.retry_delay,
            )
        except Exception:
            # Never ack what we could not park elsewhere: back to the queue it goes.
            log.exception("could not move failed event to %s; requeueing", target)
            self.queue_consumer.requeue_message(message)
            return
        level = logging.ERROR if to_dlq else logging.WARNING
        log.log(level, "event failed (attempt %d of %d), moved to %s: %s", attempt, self.max_attempts,
                target, error[:300], extra={"queue": self.queue.name, "attempt": attempt})
        self.queue_consumer.ack_message(message)

    @staticmethod
    def _log_extra(event) -> dict:
        return {"event_id": event.event_id, "event_type": event.type, "correlation_id": event.correlation_id}


def _the_database(container) -> Database:
    databases = [d for d in container.dependencies if isinstance(d, Database)]
    if len(databases) != 1:
        raise TypeError(f"{container.service_name}: an event consumer needs exactly one Database dependency")
    return databases[0]


event_handler = EventConsumer.decorator
