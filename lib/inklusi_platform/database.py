"""The Database dependency: a unit of work per worker, committed before the reply, and the outbox relay.

A database that is away (refused, closed, pool exhausted) becomes `Unavailable`, which callers see
as 503 with Retry-After, logged in one line. A disconnect invalidates the whole pool, so the service
reconnects by itself once the database is back, without a `SELECT 1` on every checkout.
"""
import functools
import logging
import sys
import threading
from weakref import WeakKeyDictionary

import sqlalchemy as sa
from nameko.extensions import DependencyProvider
from sqlalchemy import event
from sqlalchemy.orm import sessionmaker

from inklusi_platform import idempotency, sealing
from inklusi_platform.engines import make_engine
from inklusi_platform.errors import Unavailable
from inklusi_platform.outbox import OutboxRelay
from inklusi_platform.publishing import ConfirmedPublisher
from inklusi_platform.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
OUTCOME_SWEEP_SECONDS = 3600
UNAVAILABLE_MESSAGE = "Basis data sedang tidak dapat dihubungi; tidak ada yang diubah. Coba lagi sebentar lagi."


def is_outage(exc: BaseException, dialect: str = "postgresql") -> bool:
    """True for a database that cannot be reached or has no connection to spare; nothing was changed.

    On PostgreSQL an OperationalError is a refused or dropped connection, a server shutting down, or
    a deadlock: all worth a retry. SQLite also uses it for mistakes (no such table), so there only a
    lock counts.
    """
    if isinstance(exc, sa.exc.TimeoutError):  # the pool had no connection to give out
        return True
    if isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, sa.exc.InterfaceError):  # a connection that is already closed
        return True
    if isinstance(exc, sa.exc.OperationalError):
        return dialect != "sqlite" or "database is locked" in str(exc.orig)
    return False


def unavailable(exc: BaseException) -> Unavailable:
    log.warning("database unavailable: %s", type(getattr(exc, "orig", None) or exc).__name__)
    return Unavailable(UNAVAILABLE_MESSAGE, {"retry_after": RETRY_AFTER_SECONDS})


def translate_outages(engine: sa.Engine) -> None:
    """Raise Unavailable where SQLAlchemy would raise a connection error, so every caller (domain
    code, the gateway's own tables) reports it the same way. SQLAlchemy still invalidates the
    pool on a disconnect after this handler raises."""

    @event.listens_for(engine, "handle_error")
    def _outage(context):
        if context.is_disconnect or is_outage(context.sqlalchemy_exception, context.dialect.name):
            raise unavailable(context.sqlalchemy_exception) from context.original_exception


def make_reader(url: str) -> sa.Engine | None:
    """UnitOfWork.read's engine (engines.make_engine, reader). None on SQLite, whose single
    connection stays with the session (a second one would wait for its lock)."""
    if not url.startswith("postgresql"):
        return None
    engine = make_engine(url, reader=True)
    translate_outages(engine)
    return engine


class _NoTracebackForOutages(logging.Filter):
    """nameko logs a worker's error with its traceback; during an outage that is one per request."""

    def filter(self, record):
        if record.exc_info and isinstance(record.exc_info[1], (Unavailable, sa.exc.TimeoutError)):
            record.exc_info = None
        return True


logging.getLogger("nameko.containers").addFilter(_NoTracebackForOutages())


class Database(DependencyProvider):
    """Gives each worker a UnitOfWork; runs the outbox relay while the service runs.

    nameko calls an entrypoint's handle_result (which sends the RPC reply or acks the message)
    before any dependency's worker_result, so committing there would answer before the data is
    safe. The platform's entrypoints call `finish()` first instead; worker_teardown only cleans up.
    """

    def __init__(self, relay: bool = True, seal_outcomes: bool = False):
        self.with_relay = relay
        # A service whose answers carry personal data (the registry) keeps its stored outcomes sealed.
        self.seal_outcomes = seal_outcomes
        self.units = WeakKeyDictionary()
        self.relay = None
        self.reader = None
        self.outcomes_table = None
        self.stopping = threading.Event()  # green under eventlet's monkey patch

    def setup(self):
        config = self.container.config
        self.engine = make_engine(config["DATABASE_URL"])
        translate_outages(self.engine)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.reader = make_reader(config["DATABASE_URL"])
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
        self.container.spawn_managed_thread(self._forget_old_outcomes)

    def _forget_old_outcomes(self):
        while True:
            try:
                if self._keeps_outcomes():
                    with self.sessions() as session, session.begin():
                        idempotency.forget_old_outcomes(session)
            except Exception as exc:  # the database is away: next hour, then
                log.warning("old idempotent outcomes not removed: %s", type(exc).__name__)
            if self.stopping.wait(OUTCOME_SWEEP_SECONDS):
                return

    def stop(self):
        self.stopping.set()
        if self.relay is not None:
            self.relay.stop()
            self.relay.publisher.close()
        self.engine.dispose()
        if self.reader is not None:
            self.reader.dispose()

    def get_dependency(self, worker_ctx) -> UnitOfWork:
        uow = UnitOfWork(None, self.container.service_name, sessions=self.sessions, reader=self.reader)
        self.units[worker_ctx] = uow
        return uow

    def worker_setup(self, worker_ctx):
        # A write sent with an Idempotency-Key runs through idempotency.once. nameko looks the method
        # up on the worker's own service instance after worker_setup, so shadowing it there affects
        # this worker only, and service methods need nothing to take part.
        key = worker_ctx.data.get(idempotency.IDEMPOTENCY_KEY)
        uow = self.units.get(worker_ctx)
        if key and uow is not None:
            name = worker_ctx.entrypoint.method_name
            method = getattr(worker_ctx.service, name)
            setattr(worker_ctx.service, name, functools.partial(self._once, uow, key, name, method))
        # The platform's event consumer claims the event in the handler's own transaction (consumer.py).
        once_per_event = getattr(worker_ctx.entrypoint, "once_per_event", None)
        if once_per_event is not None and uow is not None:
            name = worker_ctx.entrypoint.method_name
            method = getattr(worker_ctx.service, name)
            setattr(worker_ctx.service, name, functools.partial(once_per_event, uow, method))

    def _once(self, uow, key, name, method, *args, **kwargs):
        if not self._keeps_outcomes():
            return method(*args, **kwargs)
        keyring = sealing.keyring() if self.seal_outcomes else None
        return idempotency.once(uow, key, name, method, *args, keyring=keyring, **kwargs)

    def _keeps_outcomes(self) -> bool:
        # A service whose migrations do not yet create the table simply runs the method (checked
        # once, inside the worker, where a database that is away is reported like any other).
        if self.outcomes_table is None:
            self.outcomes_table = sa.inspect(self.engine).has_table(idempotency.idempotent_results.name)
        return self.outcomes_table

    def finish(self, worker_ctx, exc_info):
        """Commit on success, roll back on failure; a failed commit becomes the worker's error."""
        uow = self.units.get(worker_ctx)
        if uow is None:
            return exc_info
        if exc_info is not None:
            _safely(uow.rollback)
            if isinstance(exc_info[1], sa.exc.TimeoutError):  # the pool's; the engine's handler never sees it
                return _as_exc_info(unavailable(exc_info[1]))
            return exc_info
        try:
            uow.commit()
        except Exception as exc:
            _safely(uow.rollback)
            if isinstance(exc, sa.exc.TimeoutError):
                exc = unavailable(exc)
            if isinstance(exc, Unavailable):
                return _as_exc_info(exc)
            log.exception("commit failed")
            return sys.exc_info()
        if uow.emitted and self.relay is not None:
            self.relay.wake()
        return None

    def worker_teardown(self, worker_ctx):
        uow = self.units.pop(worker_ctx, None)
        if uow is not None:
            uow.close()


def _safely(action) -> None:
    # Rolling back over a dead connection fails too; the pool discards that connection anyway.
    try:
        action()
    except Exception:
        pass


def _as_exc_info(exc: BaseException):
    return type(exc), exc, exc.__traceback__


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
