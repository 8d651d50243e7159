"""UnitOfWork.read on PostgreSQL: alone in autocommit until the unit begins, then inside the unit."""
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from inklusi_platform.database import make_reader
from inklusi_platform.engines import make_engine
from inklusi_platform.tables import outbox
from inklusi_platform.unit_of_work import UnitOfWork

pytestmark = pytest.mark.integration

# now() is the start of the current transaction: equal within one, different across two.
_STARTED = sa.select(sa.func.now().label("started"), sa.select(sa.func.count()).select_from(outbox)
                     .scalar_subquery().label("events"))


def test_reads_run_alone_until_the_unit_begins_then_see_its_changes(databases):
    engine = make_engine(databases["ledger"])
    sessions = sessionmaker(engine, expire_on_commit=False)
    reader = make_reader(databases["ledger"])
    uow = UnitOfWork(None, "ledger", sessions=sessions, reader=reader)
    try:
        [first] = uow.read(_STARTED)
        time.sleep(0.01)
        [second] = uow.read(_STARTED)
        assert first.started != second.started  # each read was a transaction of its own
        assert uow._session is None  # and no session was made for them
        uow.commit()  # nothing to commit: no round trip, no error

        uow.emit("entry_recorded", {"entry_id": "r1", "amount": 1})
        [third] = uow.read(_STARTED)
        time.sleep(0.01)
        [fourth] = uow.read(_STARTED)
        assert third.started == fourth.started  # inside the unit's transaction now
        assert third.events == 1  # which sees its own uncommitted event
        with engine.connect() as other:  # and no one else does
            assert other.execute(sa.select(sa.func.count()).select_from(outbox)).scalar() == 0
        uow.rollback()
    finally:
        uow.close()
        engine.dispose()
        reader.dispose()
