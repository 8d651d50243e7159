"""Races on the real PostgreSQL: clerks enrolling for the last place, organisers booking one trainer at once.

The training's row lock (enrolment) and the trainer and venue row locks (booking) serialise them,
so capacity holds and no trainer ends up in two overlapping sessions.
"""
import eventlet
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from inklusi_platform.engines import make_engine
from inklusi_platform.errors import Conflict
from inklusi_platform.unit_of_work import UnitOfWork
from tests.unit.training.conftest import ACTOR, LAWANG_DESA, profile
from training import catalogue, enrolment, trainings

pytestmark = pytest.mark.integration


@pytest.fixture
def units(pg_database):
    engine = make_engine(pg_database("training"))
    sessions = sessionmaker(engine, expire_on_commit=False)
    made = []

    def make():
        unit = UnitOfWork(sessions(), "training", "race")
        made.append(unit)
        return unit

    yield make
    for unit in made:
        unit.close()
    engine.dispose()


def committed(units, work):
    unit = units()
    try:
        result = work(unit)
        unit.commit()
        return result
    except Exception as exc:
        unit.rollback()
        return exc


def setting(units):
    def make(uow):
        programme = catalogue.create_programme(uow, {"title": "Pemasaran", "topic": "pemasaran",
                                                     "organiser_org": "NLR", "audience": "terbuka_wilayah"}, ACTOR)
        venues = [catalogue.create_venue(uow, {"name": f"Balai {i}", "address": "Lawang", "desa_code": LAWANG_DESA},
                                         ACTOR) for i in range(2)]
        trainer = catalogue.create_trainer(uow, {"name": "Pelatih", "organisation": "NLR"}, ACTOR)
        return programme, venues, trainer

    return committed(units, make)


def training_doc(programme, venue, trainer, capacity, day="05"):
    return {"programme_id": programme["id"], "title": f"Pemasaran di {venue['name']}", "area_code": "35.07.25",
            "sessions": [{"starts_at": f"2026-12-{day}T09:00:00", "ends_at": f"2026-12-{day}T12:00:00",
                          "venue_id": venue["id"], "trainer_ids": [trainer["id"]] if trainer else [],
                          "capacity": capacity}]}


def test_eight_clerks_racing_for_three_places_leave_three_confirmed_and_five_waiting(units):
    programme, venues, _ = setting(units)
    training = committed(units, lambda uow: trainings.create_training(
        uow, training_doc(programme, venues[0], None, capacity=3), ACTOR))
    pool = eventlet.GreenPool()
    results = list(pool.imap(lambda p: committed(units, lambda uow: enrolment.enrol(
        uow, training["id"], {"person_id": p}, profile(p), ACTOR)), [f"p-{i}" for i in range(8)]))
    assert all(isinstance(r, dict) for r in results), results
    assert sorted(r["status"] for r in results) == ["confirmed"] * 3 + ["waitlisted"] * 5
    assert sorted(r["position"] for r in results if r["status"] == "waitlisted") == [1, 2, 3, 4, 5]


def test_two_organisers_booking_one_trainer_at_once_get_one_session_and_one_clash(units):
    programme, venues, trainer = setting(units)
    pool = eventlet.GreenPool()
    results = list(pool.imap(lambda venue: committed(units, lambda uow: trainings.create_training(
        uow, training_doc(programme, venue, trainer, capacity=10), ACTOR)), venues))
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "dict"]
    unit = units()
    assert unit.session.execute(sa.text("SELECT count(*) FROM sessions")).scalar() == 1
    assert isinstance([r for r in results if not isinstance(r, dict)][0], Conflict)
