"""The base every Inklusi service class derives from: tracing, its database, readiness and a health RPC."""
import logging
import time
from pathlib import Path

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
LIVENESS_STALE_SECONDS = 10.0


def heartbeat_path(data_dir: str, service: str) -> Path:
    return Path(data_dir) / f"{service}.alive"


def is_alive(data_dir: str, service: str, now: float | None = None) -> bool:
    """Liveness that touches nothing but a local file: the process's event loop touched it lately.

    A process whose loop is blocked (or dead) stops touching it; a broker or database outage does not.
    """
    try:
        age = (time.time() if now is None else now) - heartbeat_path(data_dir, service).stat().st_mtime
    except OSError:
        return False
    return age < LIVENESS_STALE_SECONDS


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
    is shutting down reports itself down, so nothing new is routed to it. Each round also touches
    `$DATA_DIR/<service>.alive`, the liveness heartbeat that `python -m <service> health --live` reads.
    """

    def setup(self):
        self.database = "down"
        self._loop = None
        self._heartbeat = heartbeat_path(self.container.config.get("DATA_DIR", "./data"),
                                         self.container.service_name)

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
        try:
            self._heartbeat.parent.mkdir(parents=True, exist_ok=True)
            self._heartbeat.touch()
        except OSError as exc:
            log.warning("cannot touch the liveness file %s: %s", self._heartbeat, type(exc).__name__)

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
