"""nameko dependencies of the gateway beyond the platform's: the audit log and idempotent POSTs."""
import sys
from weakref import WeakKeyDictionary

from nameko.extensions import DependencyProvider

from gateway import idempotency
from gateway.audit import AuditLog
from inklusi_platform.context import CORRELATION_KEY
from inklusi_platform.database import Database


def _database_of(container) -> Database:
    return next(d for d in container.dependencies if isinstance(d, Database))


class Audit(DependencyProvider):
    """Entries noted during a request are written after its transaction ends, before it is answered.

    If they cannot be written the request fails: nothing personal leaves unaccounted for.
    """

    def __init__(self):
        self.logs = WeakKeyDictionary()

    def get_dependency(self, worker_ctx) -> AuditLog:
        log = AuditLog(_database_of(self.container).sessions, worker_ctx.data.get(CORRELATION_KEY))
        self.logs[worker_ctx] = log
        return log

    def unit_of_work_finished(self, worker_ctx, exc_info):
        log = self.logs.pop(worker_ctx, None)
        if log is None:
            return exc_info
        try:
            log.write()
        except Exception:
            return sys.exc_info()
        return exc_info


class Idempotency(DependencyProvider):
    def get_dependency(self, worker_ctx):
        sessions = _database_of(self.container).sessions

        def run(request, caller, produce):
            return idempotency.run_once(sessions, request, caller.principal, produce)

        return run
