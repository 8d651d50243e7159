"""The audit log: who did what to which record, when, and how it ended. Append-only.

A request's entries go to a spool file of this process as it is answered, and a background writer
moves them into the database in batches. So the audit log never turns an answer into an error: a
registration the registry committed is reported as done even while the gateway's database is away,
and its entries reach the log once the database is back. A process that dies leaves its spool
behind; the next gateway process on the same DATA_DIR writes it out.
"""
import fcntl
import json
import logging
import os
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from gateway.models import AuditEntry
from inklusi_platform.pagination import clamp_limit, decode_cursor, page

log = logging.getLogger(__name__)

ACTIONS = ("read", "create", "update", "delete", "export", "login")
OUTCOMES = ("success", "denied", "not_found", "failed")
BATCH_SIZE = 500
MAX_BACKOFF_SECONDS = 30.0
# After a wake-up the writer lets entries gather this long, so that under load one INSERT carries the
# entries of many requests instead of one or two (a request's entries are already safe in the spool).
GATHER_SECONDS = 0.1


def entries(*, principal, action: str, resource: str, resource_ids, correlation_id: str | None,
            outcome: str, detail: str | None = None) -> list[dict]:
    """One row per resource id. `principal` is a Caller, or None before a login succeeded.

    `detail` must hold no personal data: it is a reason or a count, never a NIK or a name.
    """
    if action not in ACTIONS or outcome not in OUTCOMES:
        raise ValueError(f"unknown audit action/outcome {action}/{outcome}")
    at = datetime.now(UTC).isoformat()
    return [
        {"at": at, "user_id": getattr(principal, "user_id", None), "client_id": getattr(principal, "client_id", None),
         "org_id": getattr(principal, "org_id", None), "action": action, "resource": resource,
         "resource_id": resource_id, "correlation_id": correlation_id, "outcome": outcome,
         "detail": detail[:300] if detail else None}
        for resource_id in (resource_ids or [None])
    ]


_INSERT = sa.insert(AuditEntry.__table__)  # Core: the ORM's bulk path cost more than the database did


def insert_entries(sessions, rows: list[dict]) -> None:
    """One transaction and one multi-row INSERT per batch."""
    for row in rows:
        row["at"] = datetime.fromisoformat(row["at"])
    with sessions() as session, session.begin():
        session.connection().execute(_INSERT, rows)


class AuditSpool:
    """Entries appended to this process's own file (one write per request, no database in the way),
    and drained into the database batch by batch.

    Each process holds an exclusive flock on its file while it lives, so a file nobody holds belongs to
    a process that died and is drained too, then removed. How far a file has been written to the
    database is kept beside it (`.pos`), so a restart does not write entries twice.
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / f"{uuid.uuid4().hex}.jsonl"
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._draining = threading.Lock()  # green under eventlet

    def append(self, rows: list[dict]) -> None:
        if rows:
            # One write per request: O_APPEND keeps lines whole, and the kernel keeps them if we die.
            os.write(self._fd, "".join(json.dumps(row) + "\n" for row in rows).encode())

    def drain(self, write_rows, batch_size: int = BATCH_SIZE) -> int:
        """Pass every spooled entry to `write_rows(rows)`, batch by batch; returns how many went."""
        with self._draining:
            written = self._drain_file(self.path, write_rows, batch_size)
            for path in sorted(self.folder.glob("*.jsonl")):
                if path != self.path:
                    written += self._adopt(path, write_rows, batch_size)
            return written

    def close(self) -> None:
        """Remove the file when everything in it is in the database; otherwise leave it for the next process."""
        with self._draining:
            if os.fstat(self._fd).st_size == _position(self.path):
                _remove(self.path)
            os.close(self._fd)

    def pending_bytes(self) -> int:
        return os.fstat(self._fd).st_size - _position(self.path)

    def _adopt(self, path: Path, write_rows, batch_size: int) -> int:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return 0
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # its process is alive and drains it itself
            os.close(fd)
            return 0
        if os.fstat(fd).st_nlink == 0:  # another process adopted it between our open and our lock
            os.close(fd)
            return 0
        try:
            written = self._drain_file(path, write_rows, batch_size)
            _remove(path)
            return written
        finally:
            os.close(fd)

    def _drain_file(self, path: Path, write_rows, batch_size: int) -> int:
        written = 0
        position = _position(path)
        with open(path, "rb") as reader:
            reader.seek(position)
            while True:
                lines = []
                for line in reader:
                    if not line.endswith(b"\n"):  # cut short by a crash mid-write: never a whole entry
                        break
                    lines.append(line)
                    if len(lines) == batch_size:
                        break
                if not lines:
                    break
                write_rows([json.loads(line) for line in lines])
                position += sum(len(line) for line in lines)
                written += len(lines)
                if path == self.path and position == os.fstat(self._fd).st_size:
                    # Caught up; nothing can be appended between the size check and the truncate
                    # (no green switch), so the file starts again empty instead of growing forever.
                    # Position first: a kill between the two repeats entries rather than skipping any.
                    _save_position(path, 0)
                    os.ftruncate(self._fd, 0)
                    position = 0
                    break
                _save_position(path, position)
        return written


def _position_file(path: Path) -> Path:
    return path.with_suffix(".pos")


def _position(path: Path) -> int:
    try:
        return int(_position_file(path).read_text() or 0)
    except (FileNotFoundError, ValueError):
        return 0


def _save_position(path: Path, position: int) -> None:
    temporary = _position_file(path).with_suffix(".pos.tmp")
    temporary.write_text(str(position))
    os.replace(temporary, _position_file(path))


def _remove(path: Path) -> None:
    for each in (path, _position_file(path)):
        each.unlink(missing_ok=True)


class AuditWriter:
    """The background writer: drains the spool GATHER_SECONDS after a request woke it, or every second,
    and backs off while the database is away, with one log line per pause."""

    def __init__(self, spool: AuditSpool, sessions, poll_seconds: float = 1.0, gather_seconds: float = GATHER_SECONDS):
        self.spool = spool
        self.sessions = sessions
        self.poll_seconds = poll_seconds
        self.gather_seconds = gather_seconds
        self._wake = threading.Event()
        self._running = False

    def write_now(self) -> int:
        return self.spool.drain(lambda rows: insert_entries(self.sessions, rows))

    def wake(self) -> None:
        self._wake.set()

    def run(self) -> None:
        self._running = True
        delay = self.poll_seconds
        while self._running:
            try:
                self.write_now()
                delay = self.poll_seconds
            except Exception as exc:
                delay = min(max(delay, 0.5) * 2, MAX_BACKOFF_SECONDS)
                log.warning("audit writer paused: %s; %d bytes kept in the spool; retrying in %.1fs",
                            type(exc).__name__, self.spool.pending_bytes(), delay)
            if self._wake.wait(delay) and self._running:
                time.sleep(self.gather_seconds)  # green under eventlet
            self._wake.clear()

    def stop(self) -> None:
        self._running = False
        self._wake.set()
        try:
            self.write_now()
        except Exception as exc:
            log.warning("audit writer stopped with entries in the spool (%s); the next start writes them",
                        type(exc).__name__)
        self.spool.close()


class AuditLog:
    """What a handler holds: it notes entries, and `write()` spools them once the request's own
    transaction has committed or rolled back, before the response leaves."""

    def __init__(self, writer: AuditWriter, correlation_id: str | None):
        self.writer = writer
        self.correlation_id = correlation_id
        self.pending: list[dict] = []

    def __call__(self, caller, action: str, resource: str, resource_ids=None, outcome: str = "success",
                 detail: str | None = None) -> None:
        if isinstance(resource_ids, str):
            resource_ids = [resource_ids]
        self.pending += entries(principal=caller, action=action, resource=resource, resource_ids=resource_ids,
                                correlation_id=self.correlation_id, outcome=outcome, detail=detail)

    def write(self) -> None:
        self.writer.spool.append(self.pending)
        if self.pending:
            self.writer.wake()
        self.pending = []

    def flush(self) -> None:
        """Write what is spooled now, so a reader of the log sees every entry made before its request."""
        self.writer.write_now()


FILTERS = ("user_id", "client_id", "org_id", "action", "resource", "resource_id", "outcome", "correlation_id")


def list_entries(session, filters: dict, limit=None, cursor=None) -> dict:
    """Newest first; filter by any of FILTERS and by `since`/`until` (datetimes)."""
    limit = clamp_limit(limit)
    query = sa.select(AuditEntry).order_by(AuditEntry.id.desc())
    for name in FILTERS:
        if filters.get(name):
            query = query.where(getattr(AuditEntry, name) == filters[name])
    if filters.get("since"):
        query = query.where(AuditEntry.at >= filters["since"])
    if filters.get("until"):
        query = query.where(AuditEntry.at < filters["until"])
    after = decode_cursor(cursor, id=int)  # a cursor is client input: {"id": [1]} must be a 422, not a 500
    if after:
        query = query.where(AuditEntry.id < after["id"])
    rows = session.scalars(query.limit(limit + 1)).all()
    return page([as_dict(row) for row in rows], limit, lambda item: {"id": item["id"]})


def as_dict(entry: AuditEntry) -> dict:
    return {
        "id": entry.id, "at": _utc(entry.at).isoformat(), "user_id": entry.user_id, "client_id": entry.client_id,
        "org_id": entry.org_id, "action": entry.action, "resource": entry.resource,
        "resource_id": entry.resource_id, "correlation_id": entry.correlation_id, "outcome": entry.outcome,
        "detail": entry.detail,
    }


def _utc(at: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were written in UTC. Always say so in the answer.
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC)
