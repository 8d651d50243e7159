"""Calling another service over RPC: a deadline on every request, and "unavailable" instead of a crash or a hang.

`ServiceClient("registry")` is a dependency like nameko's RpcProxy. Each call waits at most
RPC_TIMEOUT_SECONDS (or its `timeout=`, or less when the worker's own caller stops waiting sooner),
sends the service its deadline (see rpc_deadline) and an AMQP expiration so a request nobody waits for
is dropped by the broker, raises Unavailable at once when the broker cannot be reached, and
ServiceTimeout when no answer came in time.
"""
import time
import uuid

import eventlet
from amqp.exceptions import AMQPError
from kombu.exceptions import OperationalError
from nameko.amqp.publish import UndeliverableMessage
from nameko.exceptions import UnknownService
from nameko.rpc import MethodProxy, RpcProxy, RpcReply, get_rpc_exchange

from inklusi_platform import rpc_deadline
from inklusi_platform.errors import Unavailable
from inklusi_platform.rpc_transport import FastFailPublisher, ReplyListener

BROKER_ERRORS = (OperationalError, AMQPError, OSError)
RETRY_AFTER_SECONDS = 5


class ServiceTimeout(Exception):
    def __init__(self, service: str, method: str):
        super().__init__(f"{service}.{method} did not answer in time")
        self.service = service


def broker_unavailable() -> Unavailable:
    return Unavailable("Layanan sedang tidak dapat dihubungi. Tidak ada yang berubah; silakan coba lagi sebentar lagi.",
                       {"retry_after": RETRY_AFTER_SECONDS})


class ServiceClient(RpcProxy):
    rpc_reply_listener = ReplyListener()

    def get_dependency(self, worker_ctx):
        timeout = self.container.config.get("RPC_TIMEOUT_SECONDS", 10)
        return ServiceCaller(worker_ctx, self.target_service, self.rpc_reply_listener, timeout)


class ServiceCaller:
    def __init__(self, worker_ctx, service: str, reply_listener, timeout: float):
        self._worker_ctx = worker_ctx
        self._service = service
        self._reply_listener = reply_listener
        self._timeout = timeout

    def __getattr__(self, method: str):
        proxy = _DeadlineMethodProxy(self._worker_ctx, self._service, method, self._reply_listener)

        def call(*args, timeout: float | None = None, **kwargs):
            return proxy.call(args, kwargs, timeout or self._timeout)

        return call


class _DeadlineMethodProxy(MethodProxy):
    publisher_cls = FastFailPublisher

    def call(self, args, kwargs, timeout: float):
        deadline = rpc_deadline.call_deadline(timeout, rpc_deadline.deadline_of(self.worker_ctx.data))
        correlation_id = str(uuid.uuid4())
        try:
            with eventlet.Timeout(max(deadline - time.time(), 0.001), ServiceTimeout(self.service_name,
                                                                                   self.method_name)):
                reply = self._send(args, kwargs, deadline, correlation_id)
                return reply.result()
        finally:
            self.reply_listener.forget(correlation_id)

    def _send(self, args, kwargs, deadline: float, correlation_id: str) -> RpcReply:
        # nameko's MethodProxy._call, plus the deadline header and the per-message expiration.
        service_deadline = rpc_deadline.service_deadline(deadline)
        headers = self.get_message_headers(self.worker_ctx)
        headers[self._get_header_name(rpc_deadline.DEADLINE_KEY)] = service_deadline
        reply_event = self.reply_listener.get_reply_event(correlation_id)
        try:
            self.publisher.publish(
                {"args": args, "kwargs": kwargs},
                exchange=get_rpc_exchange(self.container.config),
                routing_key=f"{self.service_name}.{self.method_name}",
                mandatory=True,  # with confirms: no queue bound means UnknownService, not a hang
                reply_to=self.reply_listener.routing_key,
                correlation_id=correlation_id,
                extra_headers=headers,
                expiration=max(service_deadline - time.time(), 0.001),
            )
        except UndeliverableMessage:
            raise UnknownService(self.service_name) from None
        except BROKER_ERRORS as exc:
            raise broker_unavailable() from exc
        return RpcReply(reply_event)
