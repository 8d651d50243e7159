"""The Database dependency: a unit of work per worker, committed before the reply, and the outbox relay."""
import logging
import sys
from weakref import WeakKeyDictionary

from nameko.extensions import DependencyProvider
from sqlalchemy.orm import sessionmaker

from inklusi_platform.engines import make_engine
from inklusi_platform.outbox import OutboxRelay
from inklusi_platform.publishing import ConfirmedPublisher
from inklusi_platform.unit_of_work import UnitOfWork, already_processed

log = logging.getLogger(__name__)


class Database(DependencyProvider):
    """Gives each worker a UnitOfWork; runs the outbox relay while the service runs.

    nameko calls an entrypoint's handle_result (which sends the RPC reply or acks the message)
    before any dependency's worker_result, so committing there would answer before the data is
    safe. The platform's entrypoints call `finish()` first instead; worker_teardown only cleans up.
    """

    def __init__(self, relay: bool = True):
        self.with_relay = relay
        self.units = WeakKeyDictionary()
        self.relay = None

    def setup(self):
        config = self.container.config
        self.engine = make_engine(config["DATABASE_URL"])
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        if self.with_relay:
            self.relay = OutboxRelay(
                self.sessions,
                ConfirmedPublisher(config["AMQP_URI"]),
                batch_size=config.get("OUTBOX_BATCH_SIZE", 100),
                poll_seconds=config.get("OUTBOX_POLL_SECONDS", 1.0),
                max_backoff=config.get("OUTBOX_MAX_BACKOFF_SECONDS", 30.0),
            )

    def start(self):
        if self.relay is not None:
            self.container.spawn_managed_thread(self.relay.run)

    def stop(self):
        if self.relay is not None:
            self.relay.stop()
            self.relay.publisher.close()
        self.engine.dispose()

    def get_dependency(self, worker_ctx) -> UnitOfWork:
        uow = UnitOfWork(self.sessions(), self.container.service_name, sessions=self.sessions)
        self.units[worker_ctx] = uow
        return uow

    def finish(self, worker_ctx, exc_info):
        """Commit on success, roll back on failure; a failed commit becomes the worker's error."""
        uow = self.units.get(worker_ctx)
        if uow is None:
            return exc_info
        if exc_info is not None:
            uow.rollback()
            return exc_info
        try:
            uow.commit()
        except Exception:
            log.exception("commit failed")
            uow.rollback()
            return sys.exc_info()
        if uow.emitted and self.relay is not None:
            self.relay.wake()
        return None

    def already_processed(self, consumer: str, event_id: str) -> bool:
        with self.sessions() as session:
            return already_processed(session, consumer, event_id)

    def worker_teardown(self, worker_ctx):
        uow = self.units.pop(worker_ctx, None)
        if uow is not None:
            uow.close()


def finish_unit_of_work(worker_ctx, exc_info):
    """Commit (or roll back) every Database of the worker's service, before anyone is answered.

    Then dependencies that define `unit_of_work_finished(worker_ctx, exc_info)` run (the gateway's
    audit log writes there): the worker's connection is back in the pool by then, which SQLite's
    single connection needs, and a record that must outlive a rollback is not rolled back with it.
    A hook may return a new exc_info to fail the worker.
    """
    dependencies = worker_ctx.container.dependencies
    for dependency in dependencies:
        if isinstance(dependency, Database):
            exc_info = dependency.finish(worker_ctx, exc_info)
    for dependency in dependencies:
        hook = getattr(dependency, "unit_of_work_finished", None)
        if hook is not None:
            exc_info = hook(worker_ctx, exc_info)
    return exc_info
