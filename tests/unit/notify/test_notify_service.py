"""The notify service's handlers, through nameko's worker_factory: no broker, a real SQLite unit of work."""
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from nameko.testing.services import worker_factory
from sqlalchemy.orm import sessionmaker

from inklusi_platform import tables
from inklusi_platform.envelope import Event
from inklusi_platform.unit_of_work import UnitOfWork
from notify.models import Base, Notification
from notify.service import NotifyService


@pytest.fixture
def uow(engine_for, sqlite_url):
    engine = engine_for(sqlite_url)
    tables.metadata.create_all(engine)
    Base.metadata.create_all(engine)
    unit = UnitOfWork(sessionmaker(engine)(), "notify", "corr-1")
    yield unit
    unit.close()


def event(name, payload, correlation_id="corr-1"):
    return Event(event_id=str(uuid.uuid4()), type=f"registry.{name}", version=1,
                 occurred_at=datetime.now(UTC), source="registry", correlation_id=correlation_id,
                 payload=payload)


def registered(person_id):
    return event("person_registered", {"person_id": person_id, "kecamatan_code": "35.07.25",
                                       "desa_code": "35.07.25.2001", "categories": ["fisik"]})


def test_a_registered_person_is_owed_a_welcome(uow):
    service = worker_factory(NotifyService, db=uow)
    service.on_person_registered(registered("p1"))
    uow.commit()
    notifications = service.get_notifications("p1")
    assert [(n["kind"], n["status"], n["correlation_id"]) for n in notifications] == [
        ("welcome", "pending", "corr-1")]


def test_the_same_event_cannot_owe_two_welcomes(uow):
    service = worker_factory(NotifyService, db=uow)
    same = registered("p2")
    service.on_person_registered(same)
    uow.commit()
    with pytest.raises(sa.exc.IntegrityError):
        service.on_person_registered(same)


def test_withdrawn_consent_cancels_what_is_pending_for_that_person_only(uow):
    service = worker_factory(NotifyService, db=uow)
    service.on_person_registered(registered("p3"))
    service.on_person_registered(registered("p4"))
    service.on_consent_withdrawn(event("consent_withdrawn", {
        "person_id": "p3", "kecamatan_code": "35.07.25", "consent_id": "c1", "purpose": "komunikasi"}))
    uow.commit()
    statuses = dict(uow.session.execute(sa.select(Notification.person_id, Notification.status)).all())
    assert statuses == {"p3": "cancelled", "p4": "pending"}


def test_withdrawing_consent_for_training_leaves_messages_pending(uow):
    service = worker_factory(NotifyService, db=uow)
    service.on_person_registered(registered("p5"))
    service.on_consent_withdrawn(event("consent_withdrawn", {
        "person_id": "p5", "kecamatan_code": "35.07.25", "consent_id": "c2", "purpose": "pelatihan"}))
    uow.commit()
    assert [n["status"] for n in service.get_notifications("p5")] == ["pending"]


def test_a_merge_repoints_what_is_owed_to_the_kept_record(uow):
    service = worker_factory(NotifyService, db=uow)
    service.on_person_registered(registered("old"))
    service.on_persons_merged(event("persons_merged", {
        "kept_person_id": "kept", "merged_person_id": "old", "kecamatan_code": "35.07.25"}))
    uow.commit()
    assert service.get_notifications("old") == []
    assert [n["kind"] for n in service.get_notifications("kept")] == ["welcome"]
