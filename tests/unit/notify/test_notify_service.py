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
from notify.subscriptions import SUBSCRIPTIONS, handler_name


@pytest.fixture
def uow(engine_for, sqlite_url):
    engine = engine_for(sqlite_url)
    tables.metadata.create_all(engine)
    Base.metadata.create_all(engine)
    unit = UnitOfWork(sessionmaker(engine)(), "notify", "corr-1")
    yield unit
    unit.close()


def event(name, payload, correlation_id="corr-1", source="registry"):
    return Event(event_id=str(uuid.uuid4()), type=f"{source}.{name}", version=1,
                 occurred_at=datetime.now(UTC), source=source, correlation_id=correlation_id,
                 payload=payload)


def registered(person_id):
    return event("person_registered", {"person_id": person_id, "kecamatan_code": "35.07.25",
                                       "desa_code": "35.07.25.2001", "categories": ["fisik"]})


def owed(uow):
    return sorted(uow.session.execute(sa.select(
        Notification.recipient_kind, Notification.recipient_id, Notification.kind, Notification.status)).all())


def test_every_subscription_has_its_own_handler_and_queue():
    from inklusi_platform import topology

    handlers = {name for name, _ in topology.service_consumers(NotifyService)}
    assert {handler_name(s, e) for s, e in SUBSCRIPTIONS} <= handlers


def test_a_registered_person_is_owed_a_welcome_and_their_guardian_a_copy(uow):
    service = worker_factory(NotifyService, db=uow)
    service.on_registry_person_registered(registered("p1"))
    uow.commit()
    assert owed(uow) == [("guardian", "p1", "welcome", "queued"), ("person", "p1", "welcome", "queued")]
    [mine] = [n for n in service.get_notifications("p1") if n["recipient_kind"] == "person"]
    assert (mine["correlation_id"], mine["event_type"], mine["deliveries"]) == ("corr-1", "registry.person_registered",
                                                                             [])


def test_the_same_event_twice_owes_nothing_new(uow):
    service = worker_factory(NotifyService, db=uow)
    same = registered("p2")
    service.on_registry_person_registered(same)
    service.on_registry_person_registered(same)
    uow.commit()
    assert len(owed(uow)) == 2


def test_a_rescheduled_session_is_owed_to_everyone_enrolled_urgently_with_only_safe_params(uow):
    service = worker_factory(NotifyService, db=uow)
    service.on_training_session_rescheduled(event("session_rescheduled", {
        "training_id": "t1", "session_id": "s1", "area_code": "35.07.25", "starts_at": "2026-12-03T02:00:00+00:00",
        "ends_at": "2026-12-03T05:00:00+00:00", "venue_id": "v1", "previous_starts_at": "2026-12-02T02:00:00+00:00",
        "previous_ends_at": "2026-12-02T05:00:00+00:00", "reason": "Ruangan dipakai",
        "person_ids": ["a", "b", "a"]}, source="training"))
    uow.commit()
    rows = uow.session.scalars(sa.select(Notification).where(Notification.recipient_kind == "person")).all()
    assert sorted(n.recipient_id for n in rows) == ["a", "b"]
    assert all(n.urgent and n.area_code == "35.07.25" and "venue_id" not in n.params for n in rows)


def test_withdrawn_consent_cancels_what_is_queued_for_that_person_only(uow):
    service = worker_factory(NotifyService, db=uow)
    service.on_registry_person_registered(registered("p3"))
    service.on_registry_person_registered(registered("p4"))
    service.on_consent_withdrawn(event("consent_withdrawn", {
        "person_id": "p3", "kecamatan_code": "35.07.25", "consent_id": "c1", "purpose": "komunikasi"}))
    uow.commit()
    statuses = {(n.person_id, n.status) for n in uow.session.scalars(sa.select(Notification))}
    assert statuses == {("p3", "cancelled"), ("p4", "queued")}


def test_withdrawing_consent_for_training_leaves_messages_queued(uow):
    service = worker_factory(NotifyService, db=uow)
    service.on_registry_person_registered(registered("p5"))
    service.on_consent_withdrawn(event("consent_withdrawn", {
        "person_id": "p5", "kecamatan_code": "35.07.25", "consent_id": "c2", "purpose": "pelatihan"}))
    uow.commit()
    assert {n["status"] for n in service.get_notifications("p5")} == {"queued"}


def test_a_merge_repoints_what_is_owed_to_the_kept_record(uow):
    service = worker_factory(NotifyService, db=uow)
    service.on_registry_person_registered(registered("old"))
    service.on_persons_merged(event("persons_merged", {
        "kept_person_id": "kept", "merged_person_id": "old", "kecamatan_code": "35.07.25"}))
    uow.commit()
    assert service.get_notifications("old") == []
    assert {(n["template"], n["person_id"]) for n in service.get_notifications("kept")} == {("welcome", "kept")}
    assert {n.recipient_id for n in uow.session.scalars(sa.select(Notification))} == {"kept"}


def test_the_list_is_cut_to_the_callers_areas_and_filtered(uow):
    service = worker_factory(NotifyService, db=uow)
    service.on_registry_person_registered(registered("p6"))
    uow.commit()
    assert len(service.list_notifications(["35.07"])["items"]) == 2
    assert service.list_notifications(["35.79"])["items"] == []
    assert service.list_notifications([])["items"] == []
    assert len(service.list_notifications(None, {"person_id": "p6", "status": "queued"})["items"]) == 2
    assert service.list_notifications(None, {"channel": "sms"})["items"] == []
