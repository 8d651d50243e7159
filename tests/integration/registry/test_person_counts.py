"""Person counts on real databases: filled by migration 0007 and `recount`, rolled while writers commit, savepoints."""
import os
import random
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import eventlet
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from inklusi_platform import migrations
from inklusi_platform.engines import make_engine
from inklusi_platform.unit_of_work import UnitOfWork
from registry import counts, history, persons, stats
from registry.models.counts import person_counts, person_counts_state
from registry.models.persons import Person, new_id, nik_index
from tests.conftest import POSTGRES_URL
from tests.support.databases import database_name, reset_database
from tests.unit.registry.test_counts import CATEGORY_CHOICES, DESAS, assert_same_as_scan, register

pytestmark = pytest.mark.integration

ACTOR = {"user_id": "u-staff", "org_id": "lingkar-sosial", "name": "Petugas Uji"}


def _url(kind: str, tmp_path, name: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.db'}"
    return reset_database(POSTGRES_URL, database_name(name), None)


@pytest.fixture(params=["postgresql", "sqlite"])
def url_at_0006(request, tmp_path):
    url = _url(request.param, tmp_path, "registry_counts_migration")
    migrations.upgrade("registry", url, "0006_problems_consent_purpose")
    return url


@pytest.fixture
def pg_url():
    url = reset_database(POSTGRES_URL, database_name("registry_counts"), None)
    migrations.upgrade("registry", url)
    return url


@pytest.fixture
def units():
    made, engines = [], []

    def make(url: str) -> UnitOfWork:
        if not engines:
            engines.append(make_engine(url))
        unit = UnitOfWork(sessionmaker(engines[0], expire_on_commit=False)(), "registry")
        made.append(unit)
        return unit

    yield make
    for unit in made:
        unit.close()
    for engine in engines:
        engine.dispose()


def _seed(url: str, count: int) -> None:
    """Persons stored before counts were kept, straight into the table."""
    rng = random.Random(3)
    at = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    for serial in range(count):
        desa = rng.choice(DESAS)
        nik = f"9{serial:015d}"
        chosen = rng.choice(CATEGORY_CHOICES)
        rows.append({
            "id": new_id(), "version": 1, "nik": nik, "nik_index": nik_index(nik), "name": f"Orang {serial}",
            "birth_date": date(1940, 1, 1) + timedelta(days=rng.randrange(30000)), "sex": rng.choice("LP"),
            "desa_code": desa, "kecamatan_code": desa[:8], "nik_region_code": desa[:8],
            "categories": [*chosen, *(["ganda"] if len(chosen) > 1 else [])], "functional_limitations": [],
            "assistive_devices": [], "channels": [], "language": "id", "format": "plain_text", "copy_guardian": False,
            "status": rng.choice(("active", "active", "active", "deceased", "moved_away")),
            "created_at": at, "updated_at": at, "created_by": "seed",
        })
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(Person.__table__.insert(), rows)
    engine.dispose()


def test_the_migration_counts_the_persons_already_registered(url_at_0006, units, monkeypatch):
    _seed(url_at_0006, 300)
    migrations.upgrade("registry", url_at_0006)
    uow = units(url_at_0006)
    assert uow.session.scalar(sa.select(person_counts_state.c.as_of)) == history.today()
    figures = assert_same_as_scan(uow, monkeypatch)
    assert 150 < figures["total_persons"]["count"] < 300


def test_recount_puts_wrong_counts_right(tmp_path, units, monkeypatch):
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    migrations.upgrade("registry", url, "0006_problems_consent_purpose")
    _seed(url, 120)
    migrations.upgrade("registry", url)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(person_counts.update().values(n=person_counts.c.n * 2))
    engine.dispose()
    env = dict(os.environ, DATABASE_URL=url, REGISTRY_DATABASE_URL=url)
    done = subprocess.run([sys.executable, "-m", "registry", "recount"], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    uow = units(url)
    figures = assert_same_as_scan(uow, monkeypatch)
    assert f"{figures['total_persons']['count']} orang aktif dihitung ulang" in done.stderr


def test_a_roll_waits_for_a_writer_committing_and_then_moves_its_person(pg_url, units, monkeypatch):
    today = date(2026, 3, 10)
    monkeypatch.setattr(history, "today", lambda: today)
    writer, reader, check = units(pg_url), units(pg_url), units(pg_url)
    stats.registry_stats(check, None)  # the counts hold today's bands
    check.commit()
    # Turns 18 tomorrow: counted as 0-17 today, to be moved by tomorrow's roll.
    register(writer, ACTOR, 1, date(2008, 3, 11), "P", DESAS[1], ["fisik"])
    counts.write_pending(writer.session)  # the writer is committing: its counts hold the state row

    monkeypatch.setattr(history, "today", lambda: today + timedelta(days=1))
    rolling = eventlet.spawn(stats.registry_stats, reader, ["35.07.25"])
    eventlet.sleep(0.3)
    assert not rolling.dead  # the roll waits for the writer rather than miss its person
    writer.commit()
    figures = rolling.wait()
    assert [(row["age_band"], row["count"]) for row in figures["totals"]] == [("18-29", 1)]
    reader.commit()
    assert_same_as_scan(units(pg_url), monkeypatch)


def test_what_a_rolled_back_savepoint_noted_is_not_counted(pg_url, units, monkeypatch):
    uow = units(pg_url)
    kept = register(uow, ACTOR, 1, date(1990, 1, 1), "L", DESAS[0], ["fisik"])
    with pytest.raises(RuntimeError):
        with uow.savepoint():
            register(uow, ACTOR, 2, date(1991, 1, 1), "P", DESAS[0], ["mental"])
            persons.update_person(uow, kept["id"], {"status": "deceased"}, None, ACTOR)
            raise RuntimeError("refused")
    register(uow, ACTOR, 3, date(1992, 1, 1), "P", DESAS[0], ["sensorik"])
    uow.commit()
    figures = assert_same_as_scan(units(pg_url), monkeypatch)
    assert figures["total_persons"]["count"] == 2
    assert {row["category"] for row in figures["persons"]} == {"fisik", "sensorik"}


def test_first_writers_on_an_emptied_register_both_commit(pg_url, units):
    """No state row yet (a database emptied, as the tests do): two first writers both create it."""
    engine = make_engine(pg_url)
    with engine.begin() as connection:
        connection.execute(person_counts_state.delete())
    engine.dispose()
    first, second = units(pg_url), units(pg_url)
    register(first, ACTOR, 1, date(1990, 1, 1), "L", DESAS[0], ["fisik"])
    counts.write_pending(first.session)  # holds the new state row until it commits
    waiting = eventlet.spawn(lambda: (register(second, ACTOR, 2, date(1991, 1, 1), "P", DESAS[0], ["fisik"]),
                                      counts.write_pending(second.session)))
    eventlet.sleep(0.3)
    first.commit()
    waiting.wait()
    second.commit()
    check = units(pg_url)
    assert check.session.scalar(sa.select(sa.func.count()).select_from(person_counts_state)) == 1
    assert stats.registry_stats(check, None)["total_persons"]["count"] == 2
