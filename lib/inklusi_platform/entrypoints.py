"""RPC entrypoint that commits the worker's unit of work before it replies."""
from nameko import rpc as nameko_rpc

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
