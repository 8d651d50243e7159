"""RPC and timer entrypoints that commit the worker's unit of work before they report back."""
from nameko import rpc as nameko_rpc
from nameko import timer as nameko_timer

from inklusi_platform.database import finish_unit_of_work
from inklusi_platform.errors import EXPECTED


class Rpc(nameko_rpc.Rpc):
    def __init__(self, expected_exceptions=EXPECTED, **kwargs):
        super().__init__(expected_exceptions=expected_exceptions, **kwargs)

    def handle_result(self, message, worker_ctx, result, exc_info):
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


timer = Timer.decorator
