"""Training domain tests run on SQLite through a real UnitOfWork; no broker."""
import pytest
from sqlalchemy.orm import sessionmaker

from inklusi_platform import tables
from inklusi_platform.unit_of_work import UnitOfWork
from training import catalogue, trainings
from training.models import Base

ACTOR = {"user_id": "user:staf", "org_id": "lingkar-sosial", "name": "Petugas Uji"}
LAWANG_DESA = "35.07.25.2001"


@pytest.fixture
def uow(engine_for, sqlite_url):
    engine = engine_for(sqlite_url)
    tables.metadata.create_all(engine)
    Base.metadata.create_all(engine)
    unit = UnitOfWork(sessionmaker(engine, expire_on_commit=False)(), "training", "test-correlation")
    yield unit
    unit.close()


def emitted(uow, name: str) -> list[dict]:
    return [e["payload"] for e in uow.emitted if e["type"] == f"training.{name}"]


def profile(person_id: str, categories=("fisik",), fmt="plain_text", status="active", consents=("pendataan",)):
    return {"person_id": person_id, "status": status, "consent_active": list(consents),
            "categories": list(categories), "format": fmt, "kecamatan_code": "35.07.25", "desa_code": LAWANG_DESA}


@pytest.fixture
def setting(uow):
    """A programme, a venue in Lawang and two trainers."""
    programme = catalogue.create_programme(uow, {
        "title": "Workshop Kewirausahaan Sosial", "topic": "kewirausahaan", "organiser_org": "Lingkar Sosial",
        "audience": "anggota_pokja"}, ACTOR)
    venue = catalogue.create_venue(uow, {
        "name": "Agrowisata Petik Madu", "address": "Jl. Ahmad Yani, Lawang", "desa_code": LAWANG_DESA,
        "features": ["step_free_entrance", "accessible_toilet"], "accessibility_notes": "Jalur landai dari parkir."},
        ACTOR)
    hall = catalogue.create_venue(uow, {"name": "Balai Desa Sidoluhur", "address": "Sidoluhur",
                                        "desa_code": LAWANG_DESA}, ACTOR)
    first = catalogue.create_trainer(uow, {"name": "Pelatih Satu", "organisation": "NLR",
                                           "topics": ["kewirausahaan"]}, ACTOR)
    second = catalogue.create_trainer(uow, {"name": "Pelatih Dua", "organisation": "Dinas Sosial"}, ACTOR)
    return {"programme": programme, "venue": venue, "hall": hall, "trainers": [first, second]}


def session_doc(setting, starts="2026-12-05T09:00:00", ends="2026-12-05T12:00:00", venue="venue", trainer=0,
                capacity=2):
    return {"starts_at": starts, "ends_at": ends, "venue_id": setting[venue]["id"],
            "trainer_ids": [setting["trainers"][trainer]["id"]], "capacity": capacity}


def make_training(uow, setting, sessions=None, **overrides) -> dict:
    data = {"programme_id": setting["programme"]["id"], "title": "Kewirausahaan Sosial Lawang",
            "area_code": "35.07.25", "sessions": sessions or [session_doc(setting)]} | overrides
    return trainings.create_training(uow, data, ACTOR)
