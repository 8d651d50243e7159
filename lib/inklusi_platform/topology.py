"""Names and declarations of exchanges and queues, shared by the consumers and the deploy-time migrate.

nameko declares an event handler's queue only when its service starts, so events published before
that are dropped. `declare_service_topology` runs at migrate/deploy time and declares every queue,
retry queue and binding a service will consume from, so events wait for it instead.
"""
import inspect

from kombu import Connection, Queue

from inklusi_platform.publishing import events_exchange


def consumer_queue_name(source: str, event_type: str, service: str, method: str) -> str:
    # nameko's SERVICE_POOL naming: replicas of one service share the queue as competing consumers.
    return f"evt-{source}-{event_type}--{service}.{method}"


def consumer_queue(source: str, event_type: str, service: str, method: str) -> Queue:
    return Queue(
        consumer_queue_name(source, event_type, service, method),
        exchange=events_exchange(source),
        routing_key=event_type,
        durable=True,
        auto_delete=False,
        exclusive=False,
    )


def retry_queue(queue_name: str) -> Queue:
    # Messages wait here for their per-message expiration, then dead-letter back to the consumer's
    # queue alone (not to every subscriber of the event).
    return Queue(
        f"{queue_name}.retry",
        durable=True,
        queue_arguments={"x-dead-letter-exchange": "", "x-dead-letter-routing-key": queue_name},
    )


def dead_letter_queue_name(service: str) -> str:
    return f"{service}.dlq"


def dead_letter_queue(service: str) -> Queue:
    return Queue(dead_letter_queue_name(service), durable=True)


def service_consumers(service_cls) -> list[tuple[str, object]]:
    """(method name, EventConsumer prototype) for each platform event consumer on a service class."""
    from inklusi_platform.consumer import EventConsumer

    found = []
    for name, method in inspect.getmembers(service_cls, inspect.isfunction):
        for entrypoint in getattr(method, "nameko_entrypoints", ()):
            if isinstance(entrypoint, EventConsumer):
                found.append((name, entrypoint))
    return found


def service_queues(service_cls) -> list[Queue]:
    service = service_cls.name
    queues = [dead_letter_queue(service)]
    for method, consumer in service_consumers(service_cls):
        queue = consumer_queue(consumer.source_service, consumer.event_type, service, method)
        queues += [queue, retry_queue(queue.name)]
    return queues


def declare(amqp_uri: str, queues: list[Queue], exchanges=()) -> None:
    with Connection(amqp_uri, connect_timeout=5) as connection:
        channel = connection.channel()
        for exchange in exchanges:
            exchange(channel).declare()
        for queue in queues:
            queue(channel).declare()


def declare_service_topology(service_cls, amqp_uri: str) -> list[str]:
    """Declare the service's own events exchange and everything it consumes; returns queue names."""
    queues = service_queues(service_cls)
    declare(amqp_uri, queues, exchanges=[events_exchange(service_cls.name)])
    return [queue.name for queue in queues]
