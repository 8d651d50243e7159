"""A database that cannot be reached becomes Unavailable (503 with Retry-After), never a bare error."""
import sys

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from inklusi_platform.database import Database, is_outage, translate_outages
from inklusi_platform.engines import make_engine
from inklusi_platform.errors import Unavailable
from tests.support.web import free_port


def test_a_refused_connection_is_unavailable_with_retry_after():
    engine = make_engine(f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere")
    translate_outages(engine)
    with pytest.raises(Unavailable) as raised, sessionmaker(engine)() as session:
        session.execute(sa.text("SELECT 1"))
    engine.dispose()
    assert raised.value.details == {"retry_after": 5}
    assert "Basis data" in raised.value.message


def test_outages_are_told_from_mistakes():
    assert is_outage(sa.exc.TimeoutError("QueuePool limit reached"))
    assert is_outage(sa.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection")))
    assert not is_outage(sa.exc.IntegrityError("INSERT", {}, Exception("duplicate key")))
    assert not is_outage(ValueError("bad input"))
    assert not is_outage(sa.exc.OperationalError("SELECT", {}, Exception("no such table: x")), "sqlite")
    assert is_outage(sa.exc.OperationalError("INSERT", {}, Exception("database is locked")), "sqlite")


def test_a_mistake_in_sql_stays_what_it_is(engine_for, sqlite_url):
    engine = engine_for(sqlite_url)
    translate_outages(engine)
    with pytest.raises(sa.exc.OperationalError), engine.connect() as connection:
        connection.execute(sa.text("SELECT * FROM no_such_table"))


class Worker:
    """Stands in for a worker context: something a WeakKeyDictionary can hold."""


@pytest.fixture
def database(sqlite_url):
    database = Database(relay=False)
    database.container = type("Container", (), {"config": {"DATABASE_URL": sqlite_url}, "service_name": "uji"})()
    database.setup()
    yield database
    database.engine.dispose()


def test_a_pool_with_no_connection_to_spare_fails_the_worker_as_unavailable(database):
    worker = Worker()
    database.get_dependency(worker)
    try:
        raise sa.exc.TimeoutError("QueuePool limit of size 10 overflow 10 reached")
    except sa.exc.TimeoutError:
        exc_info = database.finish(worker, sys.exc_info())
    assert isinstance(exc_info[1], Unavailable) and exc_info[1].details == {"retry_after": 5}


def test_a_worker_that_succeeded_commits_and_reports_nothing(database):
    worker = Worker()
    uow = database.get_dependency(worker)
    uow.session.execute(sa.text("CREATE TABLE t (x INTEGER)"))
    assert database.finish(worker, None) is None
    database.worker_teardown(worker)
    assert sa.inspect(database.engine).has_table("t")
