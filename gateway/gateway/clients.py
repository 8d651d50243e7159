"""RPC clients of the services, with a deadline: a request must not hang because a service is away."""
import eventlet
from nameko.rpc import RpcProxy


class ServiceTimeout(Exception):
    def __init__(self, service: str, method: str):
        super().__init__(f"{service}.{method} did not answer in time")
        self.service = service


class ServiceClient(RpcProxy):
    """nameko's RpcProxy, except each call gives up after RPC_TIMEOUT_SECONDS."""

    def get_dependency(self, worker_ctx):
        proxy = super().get_dependency(worker_ctx)
        return _TimedProxy(proxy, self.target_service, self.container.config.get("RPC_TIMEOUT_SECONDS", 10))


class _TimedProxy:
    def __init__(self, proxy, service: str, timeout: float):
        self._proxy = proxy
        self._service = service
        self._timeout = timeout

    def __getattr__(self, method: str):
        remote = getattr(self._proxy, method)

        def call(*args, timeout: float | None = None, **kwargs):
            with eventlet.Timeout(timeout or self._timeout, ServiceTimeout(self._service, method)):
                return remote(*args, **kwargs)

        return call
