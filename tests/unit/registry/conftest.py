"""Registry domain tests run on SQLite through a real UnitOfWork; no broker."""
import pytest
from sqlalchemy.orm import sessionmaker

from inklusi_platform import tables
from inklusi_platform.unit_of_work import UnitOfWork
from registry.models import Base

ACTOR = {"user_id": "u-staff", "org_id": "lingkar-sosial", "name": "Petugas Uji"}


@pytest.fixture
def registry_sessions(engine_for, sqlite_url):
    engine = engine_for(sqlite_url)
    tables.metadata.create_all(engine)
    Base.metadata.create_all(engine)
    return sessionmaker(engine, expire_on_commit=False)


@pytest.fixture
def uow(registry_sessions):
    """A unit of work like the one a worker gets; commit it to make effects visible to `fresh_uow`."""
    unit = UnitOfWork(registry_sessions(), "registry", "test-correlation")
    yield unit
    unit.close()


@pytest.fixture
def fresh_uow(registry_sessions):
    units = []

    def make():
        unit = UnitOfWork(registry_sessions(), "registry", "test-correlation")
        units.append(unit)
        return unit

    yield make
    for unit in units:
        unit.close()


@pytest.fixture
def actor():
    return dict(ACTOR)
