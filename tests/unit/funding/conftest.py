"""Funding domain tests run on SQLite through a real UnitOfWork; no broker. Registry facts are plain dicts."""
import pytest
from sqlalchemy.orm import sessionmaker

from funding import programmes
from funding.models import Base
from inklusi_platform import tables
from inklusi_platform.unit_of_work import UnitOfWork
from tests.support.funding_cases import actor


@pytest.fixture
def sessions(engine_for, sqlite_url):
    engine = engine_for(sqlite_url)
    tables.metadata.create_all(engine)
    Base.metadata.create_all(engine)
    return sessionmaker(engine, expire_on_commit=False)


@pytest.fixture
def uow(sessions):
    unit = UnitOfWork(sessions(), "funding", "test-correlation")
    yield unit
    unit.close()


@pytest.fixture
def kube_programme(uow):
    return programmes.create_programme(uow, {
        "programme": "KUBE", "year": 2026, "budget": 20_000_000, "kube_max_per_group": 15_000_000,
        "kube_max_per_member": 2_000_000}, actor("admin", "funding:programmes"))


@pytest.fixture
def uep_programme(uow):
    return programmes.create_programme(uow, {
        "programme": "UEP", "year": 2026, "budget": 10_000_000, "uep_max_per_person": 5_000_000,
        "required_training_topic": "kewirausahaan"}, actor("admin", "funding:programmes"))
