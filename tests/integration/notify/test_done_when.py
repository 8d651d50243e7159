"""Issue 13's "Done when", end to end: the real registry answers contact_details over RabbitMQ, notify
takes training's events from the broker, and the messages reach real local servers (pytest-httpserver
for WhatsApp's Cloud API, aiosmtpd for email).

- enrolment_promoted for a person who prefers WhatsApp, then email: WhatsApp answers 500 three times,
  the email arrives instead, and the log shows both;
- the same event delivered again sends nothing new;
- a person who withdrew consent receives nothing.
(The 200-character SMS in two segments: test_delivery.py, through the local SMS gateway.)
"""
import json
from email import policy
from email.parser import BytesParser

import eventlet
import pytest
from nameko.standalone.rpc import ServiceRpcProxy
from werkzeug import Response

from inklusi_platform import contracts
from inklusi_platform.publishing import ConfirmedPublisher, events_exchange
from notify.service import NotifyService
from registry.service import RegistryService
from tests.integration.notify.conftest import PHONE_NUMBER_ID
from tests.support.waiting import wait_for

pytestmark = pytest.mark.integration

ACTOR = {"user_id": "u-staff", "org_id": "lingkar-sosial", "name": "Petugas Uji"}
PROMOTED_SUBJECT = "Ada tempat untuk Anda di pelatihan"


def registration(serial: int, name: str) -> dict:
    return {
        "nik": f"35072552039{serial:05d}", "name": name, "birth_date": "1990-03-12", "sex": "P",
        "desa_code": "35.07.25.2001", "phone": f"0812-3456-{7890 + serial}", "email": f"orang{serial}@example.org",
        "disability": {"categories": ["fisik"]},
        "consent": {"purpose": "pendataan", "given_by": "self", "form": "read_aloud", "given_on": "2025-05-01"},
        "communication": {"channels": ["whatsapp", "email"], "language": "id", "format": "plain_text"},
    }


def promoted_texts(httpserver) -> list[dict]:
    from notify import templates

    text = templates.render("enrolment_promoted", "whatsapp", "plain", {}).text
    bodies = [json.loads(request.get_data()) for request, _ in httpserver.log]
    return [b for b in bodies if b.get("text", {}).get("body") == text]


def promoted_mails(smtp_server) -> list:
    mails = [BytesParser(policy=policy.default).parsebytes(m.as_bytes()) for m in smtp_server.messages()]
    return [m for m in mails if m["Subject"] == PROMOTED_SUBJECT]


def test_done_when_through_the_real_registry_broker_and_local_servers(
        container_factory, make_config, pg_database, httpserver, smtp_server, rabbit_config):
    httpserver.expect_request(f"/v21.0/{PHONE_NUMBER_ID}/messages", method="POST").respond_with_response(
        Response("server rusak", status=500))
    container_factory(RegistryService, make_config("registry", pg_database("registry"))).start()
    notify_db = pg_database("notify")
    container_factory(NotifyService, make_config(
        "notify", notify_db, NOTIFY_WHATSAPP_BASE_URL=httpserver.url_for("/v21.0"),
        NOTIFY_WHATSAPP_PHONE_NUMBER_ID=PHONE_NUMBER_ID, NOTIFY_SMTP_HOST="127.0.0.1",
        NOTIFY_SMTP_PORT=smtp_server.port, NOTIFY_QUIET_HOURS="00:00-00:00", NOTIFY_RETRY_BASE_SECONDS="0.01",
        NOTIFY_RETRY_MAX_SECONDS="0.05")).start()

    with ServiceRpcProxy("registry", {"AMQP_URI": rabbit_config["AMQP_URI"]}, timeout=20) as registry:
        siti = registry.register_person(registration(1, "Siti Aminah"), ACTOR)
        dewi = registry.register_person(registration(2, "Dewi Lestari"), ACTOR)
        [consent] = registry.list_consents(dewi["id"])
        registry.withdraw_consent(dewi["id"], consent["id"], "tidak mau dihubungi lagi", ACTOR)
        assert registry.contact_details(dewi["id"])["may_contact"] is False

    publisher = ConfirmedPublisher(rabbit_config["AMQP_URI"])

    def publish(envelope):
        publisher.publish_json(json.dumps(envelope), exchange=events_exchange("training"),
                               routing_key="enrolment_promoted", declare=[events_exchange("training")])

    payload = {"enrolment_id": "e1", "training_id": "t1", "area_code": "35.07.25"}
    to_siti = contracts.make_event("training", "enrolment_promoted", {**payload, "person_id": siti["id"]}, "c-1")
    to_dewi = contracts.make_event("training", "enrolment_promoted",
                                   {**payload, "person_id": dewi["id"], "enrolment_id": "e2"}, "c-2")
    try:
        publish(to_siti)
        publish(to_dewi)
        [mail] = wait_for(lambda: promoted_mails(smtp_server), timeout=30, message="the email after WhatsApp failed")
        assert mail["To"] == "orang1@example.org"
        publish(to_siti)  # the same event again
    finally:
        publisher.close()
    eventlet.sleep(5)  # two more send rounds

    # Three WhatsApp attempts, all to Siti; Dewi (consent withdrawn) got nothing on any channel.
    assert [b["to"] for b in promoted_texts(httpserver)] == ["6281234567891"] * 3
    assert len(promoted_mails(smtp_server)) == 1

    with ServiceRpcProxy("notify", {"AMQP_URI": rabbit_config["AMQP_URI"]}, timeout=20) as notify:
        [for_siti] = [n for n in notify.get_notifications(siti["id"]) if n["template"] == "enrolment_promoted"]
        [for_dewi] = [n for n in notify.get_notifications(dewi["id"]) if n["template"] == "enrolment_promoted"]
    assert for_siti["status"] == "sent"
    assert [(d["channel"], d["status"], d["attempts"], d["reason"]) for d in for_siti["deliveries"]] == [
        ("whatsapp", "failed", 3, "HTTP 500"), ("email", "sent", 1, None)]
    assert (for_dewi["status"], for_dewi["deliveries"]) == ("skipped", [])
