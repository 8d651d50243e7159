"""nameko dependencies of the gateway beyond the platform's: the audit log and idempotent POSTs."""
import sys
from pathlib import Path
from weakref import WeakKeyDictionary

from nameko.extensions import DependencyProvider

from gateway import idempotency
from gateway.audit import AuditLog, AuditSpool, AuditWriter
from inklusi_platform.context import CORRELATION_KEY
from inklusi_platform.database import Database

LEASE_GRACE_SECONDS = 5


def _database_of(container) -> Database:
    return next(d for d in container.dependencies if isinstance(d, Database))


class Audit(DependencyProvider):
    """Entries noted during a request are spooled after its transaction ends, before it is answered,
    and written to the database in batches by a background writer (see audit.py).

    If they cannot be spooled the request fails: nothing personal leaves unaccounted for.
    """

    def __init__(self):
        self.logs = WeakKeyDictionary()
        self.writer = None

    def start(self):
        # After every setup(), so the Database's sessions exist.
        folder = Path(self.container.config.get("DATA_DIR") or "./data") / "audit-spool"
        self.writer = AuditWriter(AuditSpool(folder), _database_of(self.container).sessions)
        self.container.spawn_managed_thread(self.writer.run)

    def stop(self):
        if self.writer is not None:
            self.writer.stop()

    def get_dependency(self, worker_ctx) -> AuditLog:
        log = AuditLog(self.writer, worker_ctx.data.get(CORRELATION_KEY))
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
        # An attempt holds its key at most as long as the gateway waits for the service, plus a grace.
        lease = self.container.config.get("RPC_TIMEOUT_SECONDS", 10) + LEASE_GRACE_SECONDS

        def run(request, caller, produce):
            return idempotency.run_once(sessions, request, caller.principal, produce,
                                        context=worker_ctx.data, lease_seconds=lease)

        return run
