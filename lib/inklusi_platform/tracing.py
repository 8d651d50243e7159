"""Makes sure every worker has a correlation id, passes it on, and stamps it on log lines."""
from weakref import WeakKeyDictionary

from nameko.extensions import DependencyProvider

from inklusi_platform.context import (
    CORRELATION_KEY,
    new_correlation_id,
    reset_correlation_id,
    set_correlation_id,
)


class Tracing(DependencyProvider):
    def __init__(self):
        self.tokens = WeakKeyDictionary()

    def get_dependency(self, worker_ctx) -> str:
        # Called before any worker_setup. worker_ctx.data becomes the context_data of outgoing RPC
        # calls, so an id set here propagates.
        if not worker_ctx.data.get(CORRELATION_KEY):
            worker_ctx.data[CORRELATION_KEY] = new_correlation_id()
        return worker_ctx.data[CORRELATION_KEY]

    def worker_setup(self, worker_ctx):
        self.tokens[worker_ctx] = set_correlation_id(worker_ctx.data[CORRELATION_KEY])

    def worker_teardown(self, worker_ctx):
        token = self.tokens.pop(worker_ctx, None)
        if token is not None:
            reset_correlation_id(token)
