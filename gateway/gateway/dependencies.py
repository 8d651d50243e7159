"""nameko dependencies of the gateway beyond the platform's: the audit log and idempotent POSTs."""
from nameko.extensions import DependencyProvider

from gateway import idempotency
from gateway.audit import AuditLog
from inklusi_platform.context import CORRELATION_KEY
from inklusi_platform.database import Database


def _database_of(container) -> Database:
    return next(d for d in container.dependencies if isinstance(d, Database))


class Audit(DependencyProvider):
    def get_dependency(self, worker_ctx) -> AuditLog:
        return AuditLog(_database_of(self.container).sessions, worker_ctx.data.get(CORRELATION_KEY))


class Idempotency(DependencyProvider):
    def get_dependency(self, worker_ctx):
        sessions = _database_of(self.container).sessions

        def run(request, caller, produce):
            return idempotency.run_once(sessions, request, caller.principal, produce)

        return run
