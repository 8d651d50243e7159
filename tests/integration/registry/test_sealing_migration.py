"""Migration 0003 seals the personal data already stored; `rekey` re-seals it under a new key."""
import json

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from inklusi_platform import migrations, sealing
from inklusi_platform.sealing import Keyring, generate_key
from registry.at_rest import reseal_all
from registry.history import open_changes
from registry.models.groups import PaguyubanMember
from registry.models.persons import Person, nik_index
from tests.conftest import POSTGRES_URL
from tests.support.databases import database_name, reset_database

NIK = "3507255203900001"


@pytest.fixture(params=["postgresql", "sqlite"])
def url_at_0002(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'registry.db'}"
    else:
        url = reset_database(POSTGRES_URL, database_name("registry_sealing"), None)
    migrations.upgrade("registry", url, "0002")
    return url


def _seed_plain(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO persons (id, version, nik, kk, name, birth_date, sex, desa_code, kecamatan_code, "
            "nik_region_code, phone, email, categories, functional_limitations, assistive_devices, diagnosis, "
            "channels, language, format, copy_guardian, status, created_at, updated_at, created_by) VALUES "
            "('p1', 1, :nik, '3507250101900009', 'Siti Aminah', '1990-03-12', 'P', '35.07.25.2001', '35.07.25', "
            "'35.07.25', '+6281234567890', 'siti@example.org', '[\"fisik\"]', '[]', '[]', 'pascapolio', '[]', "
            "'id', 'plain_text', false, 'active', '2026-01-01', '2026-01-01', 'seed')"), {"nik": NIK})
        connection.execute(sa.text(
            "INSERT INTO person_changes (person_id, at, action, changes) VALUES "
            "('p1', '2026-01-01', 'created', :changes)"),
            {"changes": json.dumps({"nik": [None, NIK], "name": [None, "Siti Aminah"]})})
        connection.execute(sa.text(
            "INSERT INTO paguyuban (id, kecamatan_code, name, formed_on, version, created_at, created_by) "
            "VALUES ('g1', '35.07.25', 'P', '2024-01-01', 1, '2026-01-01', 'seed')"))
        connection.execute(sa.text(
            "INSERT INTO paguyuban_members (id, paguyuban_id, name, relation, phone, cares_for, joined_on, "
            "created_at, created_by) VALUES ('m1', 'g1', 'Ibu Sumi', 'ibu', '+6281311112222', '[]', "
            "'2024-01-01', '2026-01-01', 'seed')"))
    engine.dispose()


def _raw(url: str) -> str:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = [*connection.execute(sa.text("SELECT nik, kk, phone, email, diagnosis, nik_index FROM persons")),
                *connection.execute(sa.text("SELECT CAST(changes AS TEXT) FROM person_changes")),
                *connection.execute(sa.text("SELECT phone FROM paguyuban_members"))]
    engine.dispose()
    return repr(rows)


def test_existing_rows_are_sealed_then_resealed_under_a_new_key(url_at_0002, monkeypatch):
    _seed_plain(url_at_0002)
    migrations.upgrade("registry", url_at_0002)
    raw = _raw(url_at_0002)
    for personal in (NIK, "3507250101900009", "81234567890", "siti@example.org", "pascapolio", "81311112222"):
        assert personal not in raw
    engine = sa.create_engine(url_at_0002)
    with Session(engine) as session:
        person = session.scalar(sa.select(Person).where(Person.nik_index == nik_index(NIK)))
        assert (person.nik, person.phone, person.diagnosis) == (NIK, "+6281234567890", "pascapolio")
        assert session.get(PaguyubanMember, "m1").phone == "+6281311112222"

    old = sealing.keyring()
    rotated = Keyring.parse(f"new2:{generate_key()},{old.current}:{sealing._b64(old.keys[old.current])}",
                            generate_key())
    with engine.begin() as connection:
        assert reseal_all(connection, rotated) == {"persons": 1, "paguyuban_members": 1, "person_changes": 1}
        assert reseal_all(connection, rotated)["paguyuban_members"] == 0  # nothing left under the old key
        sealed_nik, index = connection.execute(sa.text("SELECT nik, nik_index FROM persons")).one()
        changes = connection.execute(sa.text("SELECT changes FROM person_changes")).scalar_one()
    assert rotated.key_id_of(sealed_nik) == "new2" and rotated.open(sealed_nik, "persons.nik") == NIK
    assert index == rotated.blind_index(NIK, "persons.nik")
    monkeypatch.setattr(sealing, "_keyring", rotated)
    changes = json.loads(changes) if isinstance(changes, str) else changes
    assert open_changes(changes)["nik"] == [None, NIK]
    engine.dispose()


def test_rekey_command_reseals_under_the_newest_key(tmp_path):
    import os
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'registry.db'}"
    migrations.upgrade("registry", url, "0002")
    _seed_plain(url)
    migrations.upgrade("registry", url)
    old = sealing.keyring()
    new_key = generate_key()
    env = dict(os.environ, DATABASE_URL=url, REGISTRY_DATABASE_URL=url,
               FIELD_KEYS=f"k9:{new_key},{old.current}:{sealing._b64(old.keys[old.current])}")
    done = subprocess.run([sys.executable, "-m", "registry", "rekey"], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "persons 1 baris" in done.stderr
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        nik = connection.execute(sa.text("SELECT nik FROM persons")).scalar_one()
    engine.dispose()
    assert nik.startswith("s1.k9.") and Keyring.parse(f"k9:{new_key}", generate_key()).open(nik, "persons.nik") == NIK
