"""The base every Inklusi service class derives from: tracing, its database, readiness and a health RPC."""
import logging

import eventlet
from nameko.dependency_providers import Config
from nameko.extensions import DependencyProvider
from sqlalchemy import text

from inklusi_platform.database import Database
from inklusi_platform.entrypoints import rpc
from inklusi_platform.rpc_transport import QueueConsumer
from inklusi_platform.tracing import Tracing

log = logging.getLogger(__name__)

READINESS_INTERVAL_SECONDS = 2.0
DATABASE_CHECK_TIMEOUT_SECONDS = 2.0


def check_database(engine) -> str:
    try:
        with eventlet.Timeout(DATABASE_CHECK_TIMEOUT_SECONDS), engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return "up"
    except (Exception, eventlet.Timeout):
        return "down"


def health_report(service: str, checks: dict, stopping: bool = False) -> dict:
    status = "up" if not stopping and all(value == "up" for value in checks.values()) else "down"
    report = {"service": service, "status": status, "checks": checks}
    if stopping:
        report["reason"] = "stopping"
    return report


class Readiness(DependencyProvider):
    """Whether this process can do its work, known without touching anything when asked.

    The database is checked in the background every READINESS_INTERVAL_SECONDS; the broker check reads
    whether the process's queue consumers are connected (they reconnect by themselves). A process that
    is shutting down reports itself down, so nothing new is routed to it.
    """

    def setup(self):
        self.database = "down"
        self._loop = None

    def start(self):
        self.refresh()
        self._loop = self.container.spawn_managed_thread(self._refresh_loop, identifier="readiness")

    def stop(self):
        if self._loop is not None:
            self._loop.kill()

    def _refresh_loop(self):
        while True:
            eventlet.sleep(READINESS_INTERVAL_SECONDS)
            self.refresh()

    def refresh(self) -> None:
        engines = [d.engine for d in self.container.dependencies if isinstance(d, Database)]
        self.database = "up" if all(check_database(engine) == "up" for engine in engines) else "down"

    def _consumers(self) -> list[QueueConsumer]:
        return [ext for ext in self.container.subextensions if isinstance(ext, QueueConsumer)]

    def report(self) -> dict:
        consumers = self._consumers()
        broker = "up" if consumers and all(c.connected for c in consumers) else "down"
        stopping = any(not c.taking_work for c in consumers)
        return health_report(self.container.service_name, {"database": self.database, "broker": broker}, stopping)

    def get_dependency(self, worker_ctx) -> dict:
        return self.report()


class ServiceBase:
    name = None  # each service sets its own

    tracing = Tracing()
    db = Database()
    config = Config()
    readiness = Readiness()

    @rpc
    def health(self) -> dict:
        return self.readiness
