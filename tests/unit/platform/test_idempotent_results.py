"""A write's first outcome, kept with the write in the service's database (inklusi_platform.idempotency)."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from inklusi_platform import tables
from inklusi_platform.idempotency import forget_old_outcomes, once
from inklusi_platform.sealing import Keyring, generate_key
from inklusi_platform.unit_of_work import UnitOfWork

KEY = "user:u-1 hp-rina-1"
# A stand-in for a service's own table, apart from the platform's metadata.
PERSONS = sa.Table("persons", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True))


@pytest.fixture
def sessions(engine_for, sqlite_url):
    engine = engine_for(sqlite_url)
    tables.metadata.create_all(engine)
    PERSONS.create(engine)
    return sessionmaker(engine, expire_on_commit=False)


def register(uow):
    """A stand-in write: one row, and its id as the outcome."""
    new_id = uow.session.execute(sa.insert(PERSONS)).inserted_primary_key[0]
    return {"id": new_id, "status": "terdaftar"}


def attempt(sessions, method_name="register_person", commit=True, key=KEY):
    uow = UnitOfWork(sessions(), "registry")
    try:
        result = once(uow, key, method_name, register, uow)
        uow.commit() if commit else uow.rollback()
        return result
    finally:
        uow.close()


def persons(sessions) -> int:
    with sessions() as session:
        return session.execute(sa.select(sa.func.count()).select_from(PERSONS)).scalar()


def test_a_retry_gets_the_first_outcome_and_writes_nothing(sessions):
    first = attempt(sessions)
    assert attempt(sessions) == first
    assert persons(sessions) == 1


def test_an_attempt_that_rolled_back_left_no_outcome_so_the_retry_does_the_work(sessions):
    attempt(sessions, commit=False)
    assert persons(sessions) == 0
    assert attempt(sessions)["id"] == 1
    assert persons(sessions) == 1


def test_each_method_and_each_key_has_its_own_outcome(sessions):
    attempt(sessions)
    attempt(sessions, method_name="record_consent")
    attempt(sessions, key="user:u-2 hp-rina-1")
    assert persons(sessions) == 3


def test_outcomes_are_forgotten_after_a_day(sessions):
    attempt(sessions)
    with sessions() as session, session.begin():
        assert forget_old_outcomes(session, now=datetime.now(UTC) + timedelta(hours=23)) == 0
        assert forget_old_outcomes(session, now=datetime.now(UTC) + timedelta(hours=25)) == 1


def test_a_sealed_outcome_holds_nothing_readable_and_still_replays(sessions):
    keyring = Keyring.parse(f"k1:{generate_key()}", generate_key())

    def register_with_nik(uow):
        return {**register(uow), "nik": "3507014101900001"}

    def sealed_attempt():
        uow = UnitOfWork(sessions(), "registry")
        try:
            result = once(uow, KEY, "register_person", register_with_nik, uow, keyring=keyring)
            uow.commit()
            return result
        finally:
            uow.close()

    first = sealed_attempt()
    assert sealed_attempt() == first
    with sessions() as session:
        stored = session.execute(sa.select(tables.idempotent_results.c.result)).scalar_one()
    assert "3507014101900001" not in stored and stored.startswith("s1.k1.")
    assert persons(sessions) == 1
