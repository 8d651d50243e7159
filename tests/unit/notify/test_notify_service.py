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


def test_a_registered_person_is_owed_a_welcome_and_no_guardian_copy_before_their_preferences_are_known(uow):
    service = worker_factory(NotifyService, db=uow)
    service.on_registry_person_registered(registered("p1"))
    uow.commit()
    # The guardian's copy is owed at send time, when the person's preferences say so (test_delivery.py).
    assert owed(uow) == [("person", "p1", "welcome", "queued")]
    [mine] = [n for n in service.get_notifications("p1") if n["recipient_kind"] == "person"]
    assert (mine["correlation_id"], mine["event_type"], mine["deliveries"]) == ("corr-1", "registry.person_registered",
                                                                             [])


def test_the_same_event_twice_owes_nothing_new(uow):
    service = worker_factory(NotifyService, db=uow)
    same = registered("p2")
    service.on_registry_person_registered(same)
    service.on_registry_person_registered(same)
    uow.commit()
    assert len(owed(uow)) == 1


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
    assert len(service.list_notifications(["35.07"])["items"]) == 1
    assert service.list_notifications(["35.79"])["items"] == []
    assert service.list_notifications([])["items"] == []
    assert len(service.list_notifications(None, {"person_id": "p6", "status": "queued"})["items"]) == 1
    assert service.list_notifications(None, {"channel": "sms"})["items"] == []


def test_a_funding_event_owes_one_row_per_kind_of_recipient_to_look_up_at_send_time(uow):
    service = worker_factory(NotifyService, db=uow)
    service.on_funding_case_approved(event("case_approved", {
        "case_id": "k1", "case_type": "KUBE", "programme_id": "pr", "year": 2026, "kecamatan_code": "35.07.25",
        "state": "approved", "amount": 15_000_000}, source="funding"))
    uow.commit()
    assert owed(uow) == [("case_officer", "k1", "case_approved", "queued"),
                         ("case_parties", "k1", "case_approved", "queued")]
    [row] = uow.session.scalars(sa.select(Notification).where(Notification.recipient_kind == "case_parties"))
    assert (row.area_code, row.params) == ("35.07.25", {"case_id": "k1", "case_type": "KUBE", "amount": 15_000_000})


def test_a_pokja_event_owes_its_ketua_looked_up_at_send_time(uow):
    service = worker_factory(NotifyService, db=uow)
    service.on_registry_pokja_member_joined(event("pokja_member_joined", {
        "pokja_id": "pk1", "kecamatan_code": "35.07.25", "person_id": "newcomer", "role": "anggota"}))
    uow.commit()
    assert owed(uow) == [("pokja_ketua", "pk1", "pokja_member_joined", "queued")]


class Funding:
    def case_parties(self, case_id, timeout=None):
        return {"case_id": case_id, "person_ids": ["ketua", "anggota"], "officer_id": "user:ppd"}


class Registry:
    def list_pokja_members(self, pokja_id, timeout=None):
        return [{"person_id": "lama", "role": "ketua", "left_on": "2026-01-01"},
                {"person_id": "ketua-kini", "role": "ketua", "left_on": None},
                {"person_id": "anggota", "role": "anggota", "left_on": None}]


def test_looked_up_recipients_come_from_funding_and_the_registry():
    from notify import parties

    assert parties.look_up("case_parties", "k1", Registry(), Funding()) == [("person", "ketua"), ("person", "anggota")]
    assert parties.look_up("case_officer", "k1", Registry(), Funding()) == [("staff", "user:ppd")]
    assert parties.look_up("pokja_ketua", "pk1", Registry(), Funding()) == [("person", "ketua-kini")]


def test_a_providers_receipt_marks_the_delivery_delivered_or_failed_and_owes_the_next_channel(uow):
    from notify import receipts
    from notify.models import Delivery

    service = worker_factory(NotifyService, db=uow)
    service.on_registry_person_registered(registered("p7"))
    service.on_registry_person_registered(registered("p8"))
    uow.commit()
    now = datetime.now(UTC)
    rows = {n.person_id: n for n in uow.session.scalars(sa.select(Notification))}
    for person_id, wamid in (("p7", "wamid.A"), ("p8", "wamid.B")):
        rows[person_id].status = "sent"
        uow.session.add(Delivery(notification_id=rows[person_id].id, channel="whatsapp", status="sent", attempts=1,
                                 provider_message_id=wamid, started_at=now))
    uow.commit()
    value = {
        "messaging_product": "whatsapp", "statuses": [
            {"id": "wamid.A", "status": "sent", "timestamp": "1"},
            {"id": "wamid.A", "status": "delivered", "timestamp": "2", "recipient_id": "6281"},
            {"id": "wamid.B", "status": "failed", "timestamp": "2",
             "errors": [{"code": 131026, "title": "Message undeliverable"}]},
            {"id": "wamid.TIDAK-ADA", "status": "delivered"}]}
    webhook = {"object": "whatsapp_business_account",
               "entry": [{"id": "waba", "changes": [{"field": "messages", "value": value}]}]}
    assert service.record_receipts("whatsapp", webhook) == {"matched": 2}
    uow.commit()
    shown = {n["person_id"]: n for n in service.list_notifications(None)["items"]}
    assert shown["p7"]["status"] == "delivered" and shown["p7"]["deliveries"][0]["status"] == "delivered"
    assert shown["p8"]["status"] == "queued"  # the next channel in the person's order is tried
    assert (shown["p8"]["deliveries"][0]["status"], shown["p8"]["deliveries"][0]["reason"]) == (
        "failed", "WhatsApp 131026 Message undeliverable")
    assert receipts.record(uow, "sms", {"id": "wamid.A", "status": "failed"}) == {"matched": 0}  # other channel


def test_the_sms_gateways_delivery_report_is_read_one_or_many():
    from notify.channels import sms

    assert sms.receipts({"id": 77, "status": "delivered"}) == [{"id": "77", "status": "delivered", "reason": None}]
    assert sms.receipts({"reports": [{"id": "a", "status": "failed", "reason": "nomor mati"},
                                     {"id": "b", "status": "queued"}, "rusak"]}) == [
        {"id": "a", "status": "failed", "reason": "SMS nomor mati"}]
    assert sms.receipts("bukan laporan") == []


def test_the_organisers_reminder_is_owed_once_per_session_and_day(uow):
    from notify import reminders

    sessions = sessionmaker(uow.session.get_bind(), expire_on_commit=False)
    missing = [{"training_id": "t1", "session_id": "s1", "area_code": "35.07.25",
                "starts_at": "2026-12-05T02:00:00+00:00", "missing": ["sign_language_interpreter"],
                "organiser_ids": ["user:staf"]}]
    morning = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # 08.00 WIB
    assert reminders.record(sessions, missing, morning) == 1
    assert reminders.record(sessions, missing, morning.replace(hour=9)) == 0  # 16.00 WIB, same day: once
    assert reminders.record(sessions, missing, morning.replace(hour=18)) == 1  # 01.00 WIB the next day
    with sessions() as session:
        rows = session.scalars(sa.select(Notification)).all()
    assert [(n.recipient_kind, n.recipient_id, n.kind, n.area_code) for n in rows] == [
        ("staff", "user:staf", "accommodations_missing", "35.07.25")] * 2
    assert rows[0].params["missing"] == ["juru bahasa isyarat (Bisindo)"]


def test_the_kinds_looked_up_at_send_time_are_the_contracts_vocabulary():
    from inklusi_platform.contracts.notify import LOOKED_UP_KINDS, RECEIPT_CHANNELS
    from notify import receipts, recipients

    assert tuple(recipients.LOOKED_UP) == LOOKED_UP_KINDS
    assert tuple(receipts.PARSERS) == RECEIPT_CHANNELS


def test_the_reminder_timer_asks_training_for_the_configured_days_and_survives_its_absence(uow):
    from types import SimpleNamespace

    from inklusi_platform.rpc_client import ServiceTimeout

    asked = []

    class Training:
        def sessions_missing_accommodations(self, within_days, timeout=None):
            asked.append(within_days)
            return [{"training_id": "t1", "session_id": "s1", "area_code": "35.07.25",
                     "starts_at": "2026-12-05T02:00:00+00:00", "missing": ["easy_read"], "organiser_ids": ["user:a"]}]

    class Away:
        def sessions_missing_accommodations(self, within_days, timeout=None):
            raise ServiceTimeout("training", "sessions_missing_accommodations")

    db = SimpleNamespace(sessions=sessionmaker(uow.session.get_bind(), expire_on_commit=False))
    config = {"NOTIFY_REMINDER_DAYS_BEFORE": "2"}
    worker_factory(NotifyService, db=db, training=Away(), config=config).remind_organisers()
    worker_factory(NotifyService, db=db, training=Training(), config=config).remind_organisers()
    worker_factory(NotifyService, db=db, training=Training(), config=config).remind_organisers()  # a restart
    assert asked == [2, 2]
    assert owed(uow) == [("staff", "user:a", "accommodations_missing", "queued")]
