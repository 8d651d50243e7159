"""One worker's unit of work: a session, and the events it will publish when (and only if) it commits."""
import contextlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from inklusi_platform import contracts
from inklusi_platform.context import current_correlation_id
from inklusi_platform.tables import outbox, processed_events

# Statements built once: SQLAlchemy then finds their compiled form by identity, where a statement
# built per call with .values() costs a cache-key walk. The claim is text because SQLAlchemy cannot
# cache an INSERT with ON CONFLICT (it compiled it afresh for every event); both PostgreSQL and SQLite
# read it alike.
_OUTBOX_INSERT = sa.insert(outbox)
_CLAIM = sa.text(
    "INSERT INTO processed_events (consumer, event_id, processed_at) VALUES (:consumer, :event_id, :processed_at) "
    "ON CONFLICT DO NOTHING"
).bindparams(sa.bindparam("processed_at", type_=processed_events.c.processed_at.type))


class UnitOfWork:
    """Domain code receives this: `uow.session` for data, `uow.emit()` for events.

    Events go to the outbox table in the same transaction as the data, so either both happen or neither.
    """

    def __init__(self, session: Session | None, source: str, correlation_id: str | None = None, sessions=None,
                 reader: sa.Engine | None = None):
        # None: the session is made from `sessions` when first used, so a read never builds one.
        self._session = session
        # For long jobs that commit in batches of their own (imports); ordinary work uses `session`.
        self.sessions = sessions
        # An engine in autocommit on the same pool (PostgreSQL), for `read` before the unit has begun.
        self.reader = reader
        self.source = source
        self._correlation_id = correlation_id
        self.emitted: list[dict] = []

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = self.sessions()
        return self._session

    def _began(self) -> bool:
        session = self._session
        return session is not None and (session.in_transaction() or bool(session.new))

    def read(self, statement, params=None) -> list:
        """The rows of a read-only statement (a Core select: rows, not entities).

        Before this unit has begun it runs alone in autocommit, one round trip where a transaction
        costs three (BEGIN, the query, COMMIT) and the ORM's bookkeeping a good share of a read's
        CPU. That reads what a transaction's first statement would: under READ COMMITTED every
        statement takes its own snapshot anyway. Once the unit has begun (it wrote, locked or loaded
        something) the statement runs inside it and sees the unit's own changes.
        """
        if self.reader is None or self._began():
            # A Core statement does not autoflush as an ORM one does; pending changes must be seen.
            self.session.flush()
            return self.session.execute(statement, params).all()
        with self.reader.connect() as connection:
            return connection.execute(statement, params).all()

    @property
    def correlation_id(self) -> str | None:
        # Inside a worker the Tracing dependency has set it by the time domain code runs.
        return self._correlation_id or current_correlation_id()

    def emit(self, name: str, payload: dict) -> str:
        envelope = contracts.make_event(self.source, name, payload, self.correlation_id)
        self.session.execute(_OUTBOX_INSERT, {
            "event_id": envelope["event_id"],
            "event_type": envelope["type"],
            "routing_key": name,
            "body": json.dumps(envelope, ensure_ascii=False),
            "correlation_id": self.correlation_id,
            "created_at": datetime.now(UTC),
        })
        self.emitted.append(envelope)
        return envelope["event_id"]

    @contextlib.contextmanager
    def savepoint(self):
        """Run a write that may break a unique rule (a racing writer got in first) so that, when it
        fails, the rest of the unit of work survives and the winner can still be looked up.

        Not on SQLite: one connection serialises writers there, so the race cannot happen, and
        pysqlite's savepoints would commit early. Callers catch IntegrityError around this.
        """
        self.session.flush()  # earlier work stays outside the savepoint
        nested = self.session.get_bind().dialect.name != "sqlite"
        with self.session.begin_nested() if nested else contextlib.nullcontext():
            yield
            self.session.flush()

    def mark_processed(self, consumer: str, event_id: str) -> None:
        self.session.execute(
            sa.insert(processed_events).values(
                consumer=consumer, event_id=event_id, processed_at=datetime.now(UTC)
            )
        )

    def claim_event(self, consumer: str, event_id: str) -> bool:
        """Record the event as handled in this transaction; False if it already was (or a concurrent
        delivery holds it: the insert waits for that transaction, then finds the row).

        One statement in the handler's own transaction, where a look-up in a session of its own cost
        a second connection and round trip per event.
        """
        return bool(self.session.execute(
            _CLAIM, {"consumer": consumer, "event_id": event_id, "processed_at": datetime.now(UTC)}).rowcount)

    def commit(self) -> None:
        if self._session is not None:
            self._session.commit()

    def rollback(self) -> None:
        if self._session is not None:
            self._session.rollback()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()


def already_processed(session: Session, consumer: str, event_id: str) -> bool:
    row = session.execute(
        sa.select(processed_events.c.event_id).where(
            processed_events.c.consumer == consumer, processed_events.c.event_id == event_id
        )
    ).first()
    return row is not None
