"""RPC and timer entrypoints that commit the worker's unit of work before they report back.

The RPC entrypoint also keeps the process alive through broker outages (a reply that cannot be sent is
dropped with one log line; the caller times out) and honours the caller's deadline: a request whose
deadline passed is refused before it runs, and a worker that ran past it is rolled back, not committed.
"""
import logging
import sys

import kombu.serialization
from nameko import rpc as nameko_rpc
from nameko import timer as nameko_timer
from nameko.exceptions import UnserializableValueError, serialize

from inklusi_platform import rpc_deadline
from inklusi_platform.database import finish_unit_of_work
from inklusi_platform.errors import EXPECTED, Unavailable
from inklusi_platform.rpc_transport import QueueConsumer, ReplyPublisher

log = logging.getLogger(__name__)


class Responder(nameko_rpc.Responder):
    publisher_cls = ReplyPublisher

    def send_response(self, result, exc_info):
        """nameko's, encoding the reply once: it encoded the result to check that it can, then the
        whole reply again to send it (a list page of 50 persons twice)."""
        error = serialize(exc_info[1]) if exc_info is not None else None
        serializer = kombu.serialization.registry.type_to_name[self.message.properties["content_type"]]
        try:
            content_type, encoding, body = kombu.serialization.dumps({"result": result, "error": error}, serializer)
        except Exception:
            exc_info = sys.exc_info()
            error, result = serialize(UnserializableValueError(result)), None  # always encodable
            content_type, encoding, body = kombu.serialization.dumps({"result": None, "error": error}, serializer)
        self.publisher_cls(self.amqp_uri, ssl=self.ssl, login_method=self.login_method).publish(
            body, content_type=content_type, content_encoding=encoding, exchange=self.exchange,
            routing_key=self.message.properties["reply_to"],
            correlation_id=self.message.properties.get("correlation_id"))
        return result, exc_info


class RpcConsumer(nameko_rpc.RpcConsumer):
    queue_consumer = QueueConsumer()

    def setup(self):
        super().setup()
        self.exchange = nameko_rpc.get_rpc_exchange(self.container.config)  # once, not per reply

    def handle_result(self, message, result, exc_info):
        config = self.container.config
        responder = Responder(config["AMQP_URI"], self.exchange, config.get("SERIALIZER", "json"), message)
        try:
            result, exc_info = responder.send_response(result, exc_info)
        except Exception as exc:
            # nameko lets this kill the container. The work is done (or refused); the caller times out.
            log.warning("RPC reply not sent, broker unreachable (%s); the caller will time out",
                        type(exc).__name__)
        self.queue_consumer.ack_message(message)
        return result, exc_info


def broker_lost_error() -> Unavailable:
    return Unavailable("Sambungan ke perantara pesan terputus; tidak ada yang berubah. Silakan coba lagi.",
                       {"retry_after": 5})


def _refusal(error: Exception):
    try:
        raise error
    except Exception:
        return sys.exc_info()


class Rpc(nameko_rpc.Rpc):
    rpc_consumer = RpcConsumer()

    def __init__(self, expected_exceptions=EXPECTED, **kwargs):
        super().__init__(expected_exceptions=expected_exceptions, **kwargs)

    def handle_message(self, body, message):
        if rpc_deadline.has_passed(self.unpack_message_headers(message)):
            log.warning("RPC %s refused without running: the caller's deadline passed", self.method_name)
            self.rpc_consumer.handle_result(message, None, _refusal(rpc_deadline.deadline_passed_error()))
            return
        super().handle_message(body, message)

    def handle_result(self, message, worker_ctx, result, exc_info):
        if exc_info is None and rpc_deadline.has_passed(worker_ctx.data):
            log.warning("RPC %s rolled back: it finished after the caller's deadline", self.method_name)
            exc_info = _refusal(rpc_deadline.deadline_passed_error())
        elif exc_info is None and not message.channel.connection:
            # The broker connection that brought the request is gone: nobody can hear this answer, and the
            # broker will deliver the request again. Commit nothing now; the redelivery decides (and its
            # deadline check refuses it if the caller has given up).
            log.warning("RPC %s rolled back: the broker connection was lost while it ran", self.method_name)
            exc_info = _refusal(broker_lost_error())
        exc_info = finish_unit_of_work(worker_ctx, exc_info)
        if exc_info is not None:
            result = None
        return super().handle_result(message, worker_ctx, result, exc_info)


rpc = Rpc.decorator


class Timer(nameko_timer.Timer):
    """nameko's timer never commits anything; this one finishes the unit of work like every entrypoint."""

    def handle_result(self, worker_ctx, result, exc_info):
        exc_info = finish_unit_of_work(worker_ctx, exc_info)
        return super().handle_result(worker_ctx, result, exc_info)

    def stop_taking_work(self):
        # On shutdown (inklusi_platform.shutdown) a timer fires no more; a frequent one (the gateway's
        # health probe) would otherwise keep work in hand until the grace ran out.
        if not self.should_stop.ready():
            self.should_stop.send(True)

    def stop(self):
        if not self.should_stop.ready():
            self.should_stop.send(True)
        if self.gt is not None:
            self.gt.wait()


timer = Timer.decorator
