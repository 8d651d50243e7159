"""The batch import path on PostgreSQL: what register_person writes for the same rows, and a NIK taken by
another writer between the batch's look-up and its insert."""
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from inklusi_platform.tables import outbox
from inklusi_platform.unit_of_work import UnitOfWork
from registry import history, imports, persons
from registry.models.persons import Person
from tests.support.databases import truncate_all
from tests.support.import_batches import apply_batch, both_paths, mixed_rows

TODAY = date(2025, 6, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(history, "today", lambda: TODAY)


@pytest.fixture
def actor():
    return {"user_id": "u-staff", "org_id": "lingkar-sosial", "name": "Petugas Uji"}


@pytest.fixture
def registry_url(pg_database):
    return pg_database("registry")


@pytest.fixture
def registry_sessions(engine_for, registry_url):
    return sessionmaker(engine_for(registry_url), expire_on_commit=False)


def test_a_batch_writes_what_registering_each_row_writes(registry_url, registry_sessions, actor):
    def emptied(_name):
        truncate_all(registry_url)
        return registry_sessions

    batch_result, batch_written, single_result, single_written = both_paths(emptied, actor)
    assert batch_result == single_result and batch_result[1:] == (7, 2)
    assert batch_written == single_written
    assert len(batch_written["events"]) == 8 and batch_written["flags"]
    # Through COPY's text format and back unchanged.
    assert 'Anyaman \\ bambu "halus"' in {p["business_sector"] for p in batch_written["persons"]}


def test_a_nik_registered_meanwhile_sends_the_batch_row_by_row(registry_sessions, actor, monkeypatch):
    rows = [row for row in mixed_rows() if row["Persetujuan"] == "Ya"][:4]
    real_check = imports._check_rows

    def check_then_someone_registers(uow, *args):
        problems, checked, skipped = real_check(uow, *args)
        # Another clerk registers the third row's person between our look-up and our insert.
        number, draft, (given, _), _ = next(c for c in checked if c[1].nik == rows[2]["NIK"])
        other = UnitOfWork(registry_sessions(), "registry", "other-clerk")
        try:
            persons.register_person(other, imports.registration(draft, TODAY, given), actor)
            other.commit()
        finally:
            other.close()
        return problems, checked, skipped

    monkeypatch.setattr(imports, "_check_rows", check_then_someone_registers)
    uow = UnitOfWork(registry_sessions(), "registry", "test-correlation")
    try:
        problems, created, skipped = apply_batch(uow, rows, actor)
        uow.commit()
    finally:
        uow.close()
    assert (problems, created, skipped) == ([], 3, 1)
    with registry_sessions() as session:
        niks = sorted(session.scalars(sa.select(Person.nik)))
        events = session.execute(sa.select(outbox.c.correlation_id)).scalars().all()
    assert niks == sorted(row["NIK"] for row in rows)  # each once: the batch's insert was rolled back whole
    assert sorted(events) == ["other-clerk"] + ["test-correlation"] * 3
