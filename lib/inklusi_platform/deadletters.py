"""Reading and replaying a service's dead-letter queue."""
import json
from dataclasses import dataclass

from kombu import Connection

from inklusi_platform import topology
from inklusi_platform.consumer import ATTEMPTS_HEADER, ERROR_HEADER, FAILED_AT_HEADER, QUEUE_HEADER
from inklusi_platform.publishing import ConfirmedPublisher

MAX_PEEK = 10_000


@dataclass(frozen=True)
class DeadLetter:
    event_id: str | None
    event_type: str | None
    queue: str
    attempts: int
    error: str
    failed_at: str | None

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def _describe(message) -> DeadLetter:
    headers = message.headers or {}
    try:
        body = json.loads(message.body)
    except (ValueError, TypeError):
        body = {}
    body = body if isinstance(body, dict) else {}
    return DeadLetter(
        event_id=body.get("event_id"),
        event_type=body.get("type"),
        queue=headers.get(QUEUE_HEADER, ""),
        attempts=int(headers.get(ATTEMPTS_HEADER, 0)),
        error=headers.get(ERROR_HEADER, ""),
        failed_at=headers.get(FAILED_AT_HEADER),
    )


def _drain(amqp_uri: str, service: str):
    """Yield every message in the DLQ, holding all of them unacked.

    Whatever the caller does not ack goes back to the queue when the channel closes.
    """
    with Connection(amqp_uri, connect_timeout=5) as connection:
        channel = connection.channel()
        queue = topology.dead_letter_queue(service)(channel)
        queue.declare()
        for _ in range(MAX_PEEK):
            message = queue.get(no_ack=False)
            if message is None:
                break
            yield message
        channel.close()


def list_dead_letters(amqp_uri: str, service: str) -> list[DeadLetter]:
    return [_describe(message) for message in _drain(amqp_uri, service)]


def replay(amqp_uri: str, service: str, event_ids: set[str] | None = None) -> list[DeadLetter]:
    """Send dead letters back to the queue they failed in, with a fresh attempt count.

    `event_ids=None` replays all. Returns what was replayed. The original is acked only after the
    broker confirmed the copy, so a crash in between duplicates (harmless: consumers are
    idempotent) but never loses.
    """
    publisher = ConfirmedPublisher(amqp_uri)
    replayed = []
    try:
        for message in _drain(amqp_uri, service):
            letter = _describe(message)
            if not letter.queue or (event_ids is not None and letter.event_id not in event_ids):
                continue
            headers = {k: v for k, v in (message.headers or {}).items()
                       if k not in (ATTEMPTS_HEADER, ERROR_HEADER, FAILED_AT_HEADER, QUEUE_HEADER, "x-death")}
            headers["x-inklusi-replayed-from"] = letter.error[:200]
            publisher.publish_raw(message.body, message.content_type, message.content_encoding,
                                  routing_key=letter.queue, headers=headers)
            message.ack()
            replayed.append(letter)
    finally:
        publisher.close()
    return replayed
