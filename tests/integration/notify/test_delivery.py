"""Delivery through real local servers: WhatsApp's Cloud API request shape, fallback to email after
three 5xx answers, nothing twice, nothing to a person without consent, SMS in correct segments."""
import json
import uuid
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser

import pytest
import sqlalchemy as sa
from werkzeug import Response

from inklusi_platform.envelope import Event
from inklusi_platform.errors import NotFound, Unavailable
from inklusi_platform.unit_of_work import UnitOfWork
from notify import delivery, intake, notifications
from notify.channels import build_channels
from notify.models import Delivery, Notification
from notify.subscriptions import SUBSCRIPTIONS
from tests.integration.notify.conftest import PHONE_NUMBER_ID, TOKEN
from tests.unit.notify.test_segments import INDONESIAN_200

pytestmark = pytest.mark.integration

WA_PATH = f"/v21.0/{PHONE_NUMBER_ID}/messages"
PERSON = "9b2f0c8e-0000-4000-8000-000000000001"


def contact(**extra):
    base = {"person_id": PERSON, "status": "active", "channels": ["whatsapp", "email"], "language": "id",
            "format": "plain_text", "phone": "+6281234567890", "email": "siti@example.org", "guardian": None,
            "may_contact": True}
    base.update(extra)
    return base


def promoted(person_id=PERSON):
    return Event(event_id=str(uuid.uuid4()), type="training.enrolment_promoted", version=1,
                 occurred_at=datetime.now(UTC), source="training", correlation_id="corr-n",
                 payload={"enrolment_id": "e1", "training_id": "t1", "person_id": person_id,
                          "area_code": "35.07.25"})


@pytest.fixture
def owe(notify_sessions):
    def record(event, subscription=SUBSCRIPTIONS[("training", "enrolment_promoted")]):
        uow = UnitOfWork(notify_sessions(), "notify", "corr-n")
        try:
            intake.record_owed(uow, event, subscription)
            uow.commit()
        finally:
            uow.close()

    return record


@pytest.fixture
def sender(notify_sessions, notify_settings):
    def make(contacts, look_up=None, **overrides):
        settings = notify_settings(**overrides)
        lookup = contacts if callable(contacts) else (lambda person_id: contacts)
        return delivery.Sender(notify_sessions, lookup, build_channels(settings), settings,
                               look_up=look_up or (lambda kind, ref: []))

    return make


def wa_ok(message_id="wamid.UJI1"):
    return {"messaging_product": "whatsapp", "contacts": [{"input": "6281234567890", "wa_id": "6281234567890"}],
            "messages": [{"id": message_id}]}


def log_of(notify_sessions):
    with notify_sessions() as session:
        uow = UnitOfWork(session, "notify")
        return notifications.list_notifications(uow, None, {"person_id": PERSON})["items"]


def person_row(rows):
    [row] = [r for r in rows if r["recipient_kind"] == "person"]
    return row


def test_a_promoted_person_who_prefers_whatsapp_gets_one_cloud_api_text_request(owe, sender, httpserver,
                                                                                 smtp_server, notify_sessions):
    httpserver.expect_request(
        WA_PATH, method="POST", headers={"Authorization": f"Bearer {TOKEN}"},
        json={"messaging_product": "whatsapp", "recipient_type": "individual", "to": "6281234567890",
              "type": "text", "text": {"preview_url": False,
                                       "body": _promoted_text()}},
    ).respond_with_json(wa_ok())
    owe(promoted())
    assert delivery.send_due(sender(contact())) == 1  # the person; no guardian's copy was asked for
    httpserver.check_assertions()
    assert len(httpserver.log) == 1 and smtp_server.messages() == []
    row = person_row(log_of(notify_sessions))
    assert row["status"] == "sent"
    assert [(d["channel"], d["status"], d["attempts"], d["provider_message_id"]) for d in row["deliveries"]] == [
        ("whatsapp", "sent", 1, "wamid.UJI1")]


def _promoted_text():
    from notify import templates
    return templates.render("enrolment_promoted", "whatsapp", "plain", {}).text


def test_after_three_5xx_answers_the_email_arrives_instead_and_the_log_shows_both(owe, sender, httpserver,
                                                                                  smtp_server, notify_sessions):
    httpserver.expect_request(WA_PATH, method="POST").respond_with_response(Response("rusak", status=500))
    owe(promoted())
    delivery.send_due(sender(contact()))
    assert len(httpserver.log) == 3
    [mail] = smtp_server.messages()
    parsed = BytesParser(policy=policy.default).parsebytes(mail.as_bytes())
    assert parsed["To"] == "siti@example.org" and parsed["Subject"] == "Ada tempat untuk Anda di pelatihan"
    assert parsed.get_body(("plain",)).get_content().startswith("Kabar baik")
    assert '<html lang="id">' in parsed.get_body(("html",)).get_content()
    row = person_row(log_of(notify_sessions))
    assert row["status"] == "sent"
    assert [(d["channel"], d["status"], d["attempts"], d["reason"]) for d in row["deliveries"]] == [
        ("whatsapp", "failed", 3, "HTTP 500"), ("email", "sent", 1, None)]
    assert row["deliveries"][1]["provider_message_id"] == parsed["Message-ID"]


def test_a_429_is_retried_after_its_retry_after_and_then_succeeds(owe, sender, httpserver, notify_sessions):
    waits = []
    httpserver.expect_oneshot_request(WA_PATH, method="POST").respond_with_response(
        Response("pelan", status=429, headers={"Retry-After": "0.02"}))
    httpserver.expect_oneshot_request(WA_PATH, method="POST").respond_with_json(wa_ok("wamid.UJI2"))
    owe(promoted())
    send = sender(contact())
    send.sleep, send.jitter = waits.append, lambda: 1.0
    delivery.send_due(send)
    assert waits == [0.02]
    assert person_row(log_of(notify_sessions))["deliveries"][0]["attempts"] == 2


def test_a_4xx_refusal_is_not_retried_and_the_next_channel_is_used(owe, sender, httpserver, smtp_server,
                                                                   notify_sessions):
    httpserver.expect_request(WA_PATH, method="POST").respond_with_json({"error": {"code": 131026}}, status=400)
    owe(promoted())
    delivery.send_due(sender(contact()))
    assert len(httpserver.log) == 1 and len(smtp_server.messages()) == 1


def test_the_same_event_delivered_twice_sends_nothing_new(owe, sender, httpserver, notify_sessions):
    httpserver.expect_request(WA_PATH, method="POST").respond_with_json(wa_ok())
    same = promoted()
    owe(same)
    send = sender(contact())
    delivery.send_due(send)
    owe(same)
    assert delivery.send_due(send) == 0
    assert len(httpserver.log) == 1


def test_a_restart_mid_send_never_sends_twice_on_one_channel(owe, sender, httpserver, smtp_server,
                                                            notify_sessions):
    owe(promoted())
    send = sender(contact(), NOTIFY_LEASE_SECONDS=0)
    with notify_sessions() as session:
        [taken] = [i for i in delivery.claim(send) if session.get(Notification, i).recipient_kind == "person"]
    # The process died after recording the WhatsApp send as started and before hearing the answer.
    assert delivery._start(send, taken, "whatsapp", None) is not None
    delivery.send_due(send)
    assert httpserver.log == []  # WhatsApp is not tried again: the first request may have gone out
    assert len(smtp_server.messages()) == 1
    row = person_row(log_of(notify_sessions))
    assert [(d["channel"], d["status"]) for d in row["deliveries"]] == [("whatsapp", "failed"), ("email", "sent")]
    assert row["deliveries"][0]["reason"] == delivery.INTERRUPTED


def test_a_person_with_withdrawn_consent_receives_nothing(owe, sender, httpserver, smtp_server, notify_sessions):
    owe(promoted())
    delivery.send_due(sender(contact(may_contact=False)))
    assert httpserver.log == [] and smtp_server.messages() == []
    row = person_row(log_of(notify_sessions))
    assert (row["status"], row["deliveries"]) == ("skipped", [])
    assert "persetujuan" in row["reason"]


def test_a_200_character_sms_goes_out_as_two_correctly_sized_segments(owe, sender, httpserver, notify_sessions,
                                                                      monkeypatch):
    from notify import templates
    real = templates.render

    def long_text(name, channel, variant, params):
        shown = real(name, channel, variant, params)
        return type(shown)(shown.template, shown.version, shown.variant, shown.subject, INDONESIAN_200, None)

    monkeypatch.setattr(templates, "render", long_text)  # a message of the length the issue names
    httpserver.expect_request("/sms/send", method="POST", headers={"Authorization": f"Bearer {TOKEN}"}
                              ).respond_with_json({"id": "sms-77"})
    owe(promoted())
    delivery.send_due(sender(contact(channels=["sms"])))
    [(request, _)] = httpserver.log
    body = json.loads(request.get_data())
    assert body["to"] == "+6281234567890" and body["encoding"] == "GSM-7"
    assert [len(part) for part in body["segments"]] == [153, 47]
    assert "".join(body["segments"]) == INDONESIAN_200
    assert person_row(log_of(notify_sessions))["deliveries"][0]["segments"] == 2


def test_the_guardian_gets_a_copy_on_their_phone_when_the_person_asked(owe, sender, httpserver, notify_sessions):
    httpserver.expect_request(WA_PATH, method="POST").respond_with_json(wa_ok())
    same = promoted()
    owe(same)
    send = sender(contact(guardian={"name": "Sutrisno", "phone": "+6281330001234"}))
    delivery.send_due(send)
    assert sorted(json.loads(r.get_data())["to"] for r, _ in httpserver.log) == ["6281234567890", "6281330001234"]
    owe(same)  # redelivered: nothing new, and still one guardian's copy
    delivery.send_due(send)
    rows = log_of(notify_sessions)
    assert sorted((n["recipient_kind"], n["status"], len(n["deliveries"])) for n in rows) == [
        ("guardian", "sent", 1), ("person", "sent", 1)]
    assert len(httpserver.log) == 2


def test_no_guardian_rows_doubling_the_log_when_no_copy_is_asked_for(owe, sender, httpserver, notify_sessions):
    """The previous review's doubled guardian copies: every message had a skipped guardian twin in the log."""
    httpserver.expect_request(WA_PATH, method="POST").respond_with_json(wa_ok())
    owe(promoted())
    delivery.send_due(sender(contact()))
    assert [(n["recipient_kind"], n["status"]) for n in log_of(notify_sessions)] == [("person", "sent")]


def test_a_guardian_sharing_the_persons_phone_gets_the_message_once(owe, sender, httpserver, notify_sessions):
    """One family phone: the person's WhatsApp already reaches it; a guardian's copy would be the same
    message twice on one phone."""
    httpserver.expect_request(WA_PATH, method="POST").respond_with_json(wa_ok())
    owe(promoted())
    delivery.send_due(sender(contact(guardian={"name": "Sutrisno", "phone": "+6281234567890"})))
    assert len(httpserver.log) == 1
    assert [n["recipient_kind"] for n in log_of(notify_sessions)] == ["person"]


def test_quiet_hours_hold_a_whatsapp_message_until_morning(owe, sender, httpserver, notify_sessions):
    owe(promoted())
    send = sender(contact(), NOTIFY_QUIET_HOURS="21:00-07:00")
    send.now = lambda: datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 22:00 WIB
    delivery.send_due(send)
    assert httpserver.log == []
    row = person_row(log_of(notify_sessions))
    assert (row["status"], row["next_attempt_at"]) == ("queued", "2026-12-02T00:00:00+00:00")


def test_while_the_registry_is_away_nothing_is_sent_and_the_message_waits(owe, sender, httpserver,
                                                                          notify_sessions):
    def away(_person_id):
        raise Unavailable("Layanan registry tidak menjawab.")

    owe(promoted())
    delivery.send_due(sender(away))
    assert httpserver.log == []
    with notify_sessions() as session:
        assert set(session.scalars(sa.select(Notification.status))) == {"queued"}
        assert session.scalar(sa.select(sa.func.count()).select_from(Delivery)) == 0


def test_with_an_approved_template_configured_whatsapp_gets_a_template_message(owe, sender, httpserver,
                                                                               notify_sessions):
    httpserver.expect_request(WA_PATH, method="POST").respond_with_json(wa_ok())
    owe(promoted())
    delivery.send_due(sender(contact(), NOTIFY_WHATSAPP_TEMPLATE="inklusi_pesan"))
    [(request, _)] = httpserver.log
    body = json.loads(request.get_data())
    assert (body["type"], body["to"], body["template"]["name"], body["template"]["language"]) == (
        "template", "6281234567890", "inklusi_pesan", {"code": "id"})
    [component] = body["template"]["components"]
    assert component["parameters"] == [{"type": "text", "text": _promoted_text()}]


def case_approved():
    return Event(event_id=str(uuid.uuid4()), type="funding.case_approved", version=1, occurred_at=datetime.now(UTC),
                 source="funding", correlation_id="corr-f",
                 payload={"case_id": "kasus-1", "case_type": "KUBE", "programme_id": "pr", "year": 2026,
                          "kecamatan_code": "35.07.25", "state": "approved", "amount": 15_000_000})


def test_a_funding_case_approved_reaches_its_members_and_its_officer_found_at_send_time(
        owe, sender, httpserver, smtp_server, notify_sessions):
    httpserver.expect_request(WA_PATH, method="POST").respond_with_json(wa_ok())
    asked = []

    def look_up(kind, ref):
        asked.append((kind, ref))
        return {"case_parties": [("person", PERSON), ("person", "anggota-2")],
                "case_officer": [("staff", "user:ppd")]}[kind]

    owe(case_approved(), SUBSCRIPTIONS[("funding", "case_approved")])
    members = {PERSON: contact(), "anggota-2": contact(person_id="anggota-2", phone="+6281299990000",
                                                       channels=["whatsapp"])}
    delivery.send_due(sender(members.__getitem__, look_up, NOTIFY_STAFF_EMAILS="user:ppd=ppd@dinsos.example"))
    assert sorted(asked) == [("case_officer", "kasus-1"), ("case_parties", "kasus-1")]
    bodies = [json.loads(r.get_data()) for r, _ in httpserver.log]
    assert sorted(b["to"] for b in bodies) == ["6281234567890", "6281299990000"]
    assert all("Rp15.000.000" in b["text"]["body"] for b in bodies)
    [mail] = smtp_server.messages()
    parsed = BytesParser(policy=policy.default).parsebytes(mail.as_bytes())
    assert parsed["To"] == "ppd@dinsos.example" and "kasus-1" in parsed.get_body(("plain",)).get_content()
    with notify_sessions() as session:
        rows = session.execute(sa.select(Notification.recipient_kind, Notification.recipient_id, Notification.kind,
                                         Notification.status)).all()
    assert sorted(rows) == sorted([("person", "anggota-2", "case_approved", "sent"),
                                   ("person", PERSON, "case_approved", "sent"),
                                   ("staff", "user:ppd", "case_approved_staff", "sent")])


def test_while_funding_is_away_the_case_message_waits_and_an_unknown_case_is_skipped(owe, sender, notify_sessions):
    def away(kind, ref):
        raise Unavailable("Layanan funding tidak menjawab.")

    owe(case_approved(), SUBSCRIPTIONS[("funding", "case_approved")])
    delivery.send_due(sender(contact(), away))
    with notify_sessions() as session:
        assert set(session.scalars(sa.select(Notification.status))) == {"queued"}

    def unknown(kind, ref):
        raise NotFound("Kasus tidak ditemukan.")

    with notify_sessions() as session, session.begin():
        session.execute(sa.update(Notification).values(next_attempt_at=None))
    delivery.send_due(sender(contact(), unknown))
    with notify_sessions() as session:
        assert set(session.scalars(sa.select(Notification.status))) == {"skipped"}


def test_the_organisers_reminder_arrives_by_email_once_a_day(sender, smtp_server, notify_sessions):
    from notify import reminders

    missing = [{"training_id": "pelatihan-lawang", "session_id": "s1", "area_code": "35.07.25",
                "starts_at": "2026-12-05T02:00:00+00:00", "missing": ["sign_language_interpreter"],
                "organiser_ids": ["user:staf"]}]
    send = sender(contact(), NOTIFY_STAFF_EMAIL="pelatihan@lingkarsosial.example")
    reminders.record(notify_sessions, missing, send.now())
    delivery.send_due(send)
    reminders.record(notify_sessions, missing, send.now())  # the next check, or a restart: the same day
    delivery.send_due(send)
    [mail] = smtp_server.messages()
    parsed = BytesParser(policy=policy.default).parsebytes(mail.as_bytes())
    assert (parsed["To"], parsed["Subject"]) == ("pelatihan@lingkarsosial.example", "Akomodasi peserta belum siap")
    assert "juru bahasa isyarat (Bisindo)" in parsed.get_body(("plain",)).get_content()


def test_staff_without_a_configured_address_are_skipped_with_the_reason(sender, notify_sessions):
    from notify import reminders

    reminders.record(notify_sessions, [{"training_id": "t", "session_id": "s", "area_code": "35.07.25",
                                        "starts_at": "2026-12-05T02:00:00+00:00", "missing": ["easy_read"],
                                        "organiser_ids": ["user:tanpa-alamat"]}], datetime.now(UTC))
    delivery.send_due(sender(contact()))
    with notify_sessions() as session:
        [(status, reason)] = session.execute(sa.select(Notification.status, Notification.cancelled_reason)).all()
    assert status == "skipped" and "NOTIFY_STAFF_EMAILS" in reason
