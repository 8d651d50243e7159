"""The outbox relay: publishes committed events in order, with publisher confirms, and marks them sent."""
import logging
import threading
from datetime import UTC, datetime

import sqlalchemy as sa

from inklusi_platform.publishing import ConfirmedPublisher, events_exchange
from inklusi_platform.tables import outbox

log = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 30.0


class OutboxRelay:
    def __init__(self, session_factory, publisher: ConfirmedPublisher, batch_size: int = 100,
                 poll_seconds: float = 1.0, max_backoff: float = MAX_BACKOFF_SECONDS):
        self.session_factory = session_factory
        self.max_backoff = max_backoff
        self.publisher = publisher
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()  # green under eventlet's monkey patch
        self._running = False

    def publish_pending(self) -> int:
        """Publish one batch in id order. Stops at the first failure, so no event overtakes another.

        Rows are locked FOR UPDATE, so replicas sharing one database take turns instead of
        publishing the same rows twice. A crash between publish and commit republishes: consumers
        are idempotent.
        """
        published, failure = 0, None
        with self.session_factory() as session, session.begin():
            rows = session.execute(
                sa.select(outbox.c.id, outbox.c.event_id, outbox.c.event_type, outbox.c.routing_key,
                          outbox.c.body, outbox.c.correlation_id)
                .where(outbox.c.published_at.is_(None))
                .order_by(outbox.c.id)
                .limit(self.batch_size)
                .with_for_update()
            ).all()
            for row in rows:
                exchange = events_exchange(row.event_type.split(".", 1)[0])
                headers = {"nameko.correlation_id": row.correlation_id, "x-event-id": row.event_id}
                try:
                    self.publisher.publish_json(
                        row.body, exchange=exchange, routing_key=row.routing_key, headers=headers, declare=[exchange]
                    )
                except Exception as exc:
                    session.execute(
                        sa.update(outbox).where(outbox.c.id == row.id)
                        .values(attempts=outbox.c.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:500])
                    )
                    failure = exc
                    break
                session.execute(
                    sa.update(outbox).where(outbox.c.id == row.id).values(published_at=datetime.now(UTC))
                )
                published += 1
        # Raised after the commit, so the rows already published stay marked as sent.
        if failure is not None:
            raise RelayBlocked(published, failure) from failure
        return published

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._running = False
        self._wake.set()

    def run(self) -> None:
        """Loop until stopped: drain the outbox, then sleep until woken by a commit or the poll interval."""
        self._running = True
        delay = self.poll_seconds
        while self._running:
            try:
                count = self.publish_pending()
                delay = self.poll_seconds
                if count == self.batch_size:
                    continue
            except Exception as exc:  # broker or database down: keep the rows, back off, try again
                delay = min(max(delay, 0.25) * 2, self.max_backoff)
                log.warning("outbox relay paused: %s: %s; retrying in %.1fs", type(exc).__name__, exc, delay)
            self._wake.wait(delay)
            self._wake.clear()


class RelayBlocked(Exception):
    """The broker refused an event; `published` events of the batch went out before it."""

    def __init__(self, published: int, cause: Exception):
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.published = published
