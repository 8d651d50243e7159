"""The audit spool: entries survive a database that is away and a process that dies, and go in once."""
import pytest

from gateway.audit import AuditSpool, entries


def rows(n, start=0):
    return [entries(principal=None, action="login", resource="session", resource_ids=[f"s{i}"],
                    correlation_id="c", outcome="failed")[0] for i in range(start, start + n)]


class Database:
    """Collects batches; refuses them while `down`."""

    def __init__(self):
        self.rows, self.batches, self.down = [], 0, False

    def write(self, batch):
        if self.down:
            raise ConnectionError("refused")
        self.batches += 1
        self.rows += batch


def ids(database):
    return [row["resource_id"] for row in database.rows]


def test_entries_go_in_batches_and_the_file_starts_again_empty(tmp_path):
    spool, database = AuditSpool(tmp_path), Database()
    spool.append(rows(5))
    assert spool.drain(database.write, batch_size=2) == 5
    assert ids(database) == ["s0", "s1", "s2", "s3", "s4"] and database.batches == 3
    assert spool.path.stat().st_size == 0 and spool.pending_bytes() == 0
    assert spool.drain(database.write) == 0


def test_entries_wait_while_the_database_is_away(tmp_path):
    spool, database = AuditSpool(tmp_path), Database()
    database.down = True
    spool.append(rows(3))
    with pytest.raises(ConnectionError):
        spool.drain(database.write)
    assert spool.pending_bytes() > 0
    database.down = False
    assert spool.drain(database.write) == 3
    assert ids(database) == ["s0", "s1", "s2"]


def test_a_dead_process_leaves_its_spool_to_the_next_without_writing_twice(tmp_path):
    dead, database = AuditSpool(tmp_path), Database()
    dead.append(rows(4))
    dead.drain(database.write, batch_size=2)  # all four written...
    dead.append(rows(2, start=4))  # ...two more spooled, then the process dies
    database.down = True
    with pytest.raises(ConnectionError):
        dead.drain(database.write)
    dead.close()  # what the kernel does to the lock of a killed process
    database.down = False

    heir = AuditSpool(tmp_path)
    assert heir.drain(database.write) == 2
    assert ids(database) == ["s0", "s1", "s2", "s3", "s4", "s5"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [heir.path.name]


def test_a_spool_of_a_live_process_is_left_to_it(tmp_path):
    alive, database = AuditSpool(tmp_path), Database()
    alive.append(rows(1))
    other = AuditSpool(tmp_path)
    assert other.drain(database.write) == 0
    assert alive.drain(database.write) == 1


def test_a_line_cut_short_by_a_crash_is_not_an_entry(tmp_path):
    dead, database = AuditSpool(tmp_path), Database()
    dead.append(rows(1))
    with open(dead.path, "ab") as spool_file:
        spool_file.write(b'{"at": "2026-')
    dead.close()
    assert AuditSpool(tmp_path).drain(database.write) == 1


def test_entries_hold_no_more_than_the_caller_wrote(tmp_path):
    with pytest.raises(ValueError):
        entries(principal=None, action="peek", resource="person", resource_ids=None, correlation_id=None,
                outcome="success")
    [row] = entries(principal=None, action="read", resource="person", resource_ids=None, correlation_id=None,
                    outcome="success", detail="x" * 400)
    assert len(row["detail"]) == 300 and row["resource_id"] is None


def _unreachable():
    raise ConnectionError("the gateway's database is away")


def test_a_clean_stop_writes_the_entries_the_writer_was_still_gathering(tmp_path, engine_for, sqlite_url):
    import eventlet
    import sqlalchemy as sa
    from sqlalchemy.orm import sessionmaker

    from gateway.audit import AuditLog, AuditWriter
    from gateway.models import AuditEntry, Base

    engine = engine_for(sqlite_url)
    Base.metadata.create_all(engine)
    sessions = sessionmaker(engine)
    # A writer that would wait a minute to gather: only the stop can write these entries in time.
    writer = AuditWriter(AuditSpool(tmp_path / "spool"), sessions, poll_seconds=60, gather_seconds=60)
    runner = eventlet.spawn(writer.run)
    eventlet.sleep(0.01)
    log = AuditLog(writer, "c-1")
    log(None, "read", "person", ["p1", "p2", "p3"])
    log.write()
    eventlet.sleep(0.01)
    writer.stop()
    runner.kill()
    with sessions() as session:
        assert sorted(session.scalars(sa.select(AuditEntry.resource_id))) == ["p1", "p2", "p3"]
    assert list((tmp_path / "spool").glob("*.jsonl")) == []


def test_a_stop_while_the_database_is_away_leaves_the_entries_to_the_next_process(tmp_path):
    from gateway.audit import AuditLog, AuditWriter

    writer = AuditWriter(AuditSpool(tmp_path), _unreachable)
    log = AuditLog(writer, "c-2")
    log(None, "read", "person", ["p1", "p2"])
    log.write()
    writer.stop()  # logs a warning, keeps the file
    database = Database()
    assert AuditSpool(tmp_path).drain(database.write) == 2
    assert ids(database) == ["p1", "p2"]
