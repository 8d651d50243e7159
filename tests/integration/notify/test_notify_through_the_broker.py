"""The notify service as it runs: events through the real RabbitMQ, its PostgreSQL database, contact
details over RPC at send time, and the message at the local WhatsApp server. A stand-in answers the
registry's contact_details (the registry's own answer is tested in tests/unit/registry/test_contacts.py)."""
import json

import eventlet
import pytest
from nameko.rpc import rpc

from inklusi_platform import contracts
from inklusi_platform.publishing import ConfirmedPublisher, events_exchange
from notify.service import NotifyService
from tests.integration.notify.conftest import PHONE_NUMBER_ID
from tests.support.waiting import wait_for

pytestmark = pytest.mark.integration

CONTACTS = {
    "p-wa": {"person_id": "p-wa", "status": "active", "channels": ["whatsapp", "email"], "language": "id",
             "format": "easy_read", "phone": "+6281234567890", "email": "a@example.org", "guardian": None,
             "may_contact": True},
}
CONTACTS["p-no"] = {**CONTACTS["p-wa"], "person_id": "p-no", "may_contact": False}


class StandInRegistry:
    name = "registry"

    @rpc
    def contact_details(self, person_id):
        return CONTACTS[person_id]


def publish(publisher, source, name, payload=None, envelope=None):
    envelope = envelope or contracts.make_event(source, name, payload, "corr-broker")
    publisher.publish_json(json.dumps(envelope), exchange=events_exchange(source), routing_key=name,
                           declare=[events_exchange(source)])
    return envelope


def test_an_enrolment_promoted_event_becomes_one_whatsapp_request_and_redelivery_adds_none(
        container_factory, make_config, pg_database, httpserver, smtp_server, rabbit_config):
    httpserver.expect_request(f"/v21.0/{PHONE_NUMBER_ID}/messages", method="POST").respond_with_json(
        {"messaging_product": "whatsapp", "messages": [{"id": "wamid.BROKER"}]})
    config = make_config("notify", pg_database("notify"), NOTIFY_WHATSAPP_BASE_URL=httpserver.url_for("/v21.0"),
                         NOTIFY_WHATSAPP_PHONE_NUMBER_ID=PHONE_NUMBER_ID, NOTIFY_SMTP_HOST="127.0.0.1",
                         NOTIFY_SMTP_PORT=smtp_server.port, NOTIFY_QUIET_HOURS="00:00-00:00")
    container_factory(StandInRegistry, config).start()
    notify = container_factory(NotifyService, config)
    notify.start()

    publisher = ConfirmedPublisher(rabbit_config["AMQP_URI"])
    payload = {"enrolment_id": "e1", "training_id": "t1", "person_id": "p-wa", "area_code": "35.07.25"}
    try:
        envelope = publish(publisher, "training", "enrolment_promoted", payload)
        publish(publisher, "training", "enrolment_promoted", {**payload, "person_id": "p-no", "enrolment_id": "e2"})
        wait_for(lambda: len(httpserver.log) >= 1, timeout=20, message="the WhatsApp request")
        # The same event again (a redelivery): the consumer recognises it, nothing new goes out.
        publish(publisher, "training", "enrolment_promoted", envelope=envelope)
    finally:
        publisher.close()
    eventlet.sleep(5)  # two more send rounds
    [(request, _)] = httpserver.log
    body = json.loads(request.get_data())
    assert body["to"] == "6281234567890" and body["type"] == "text"
    assert body["text"]["body"].startswith("Kabar baik.")  # the easy-read variant the person asked for
    assert smtp_server.messages() == []


class StandInFunding:
    name = "funding"

    @rpc
    def case_parties(self, case_id):
        return {"case_id": case_id, "person_ids": ["p-wa", "p-no"], "officer_id": None}


def test_a_funding_event_reaches_the_cases_members_asked_of_funding_over_rpc(
        container_factory, make_config, pg_database, httpserver, smtp_server, rabbit_config):
    httpserver.expect_request(f"/v21.0/{PHONE_NUMBER_ID}/messages", method="POST").respond_with_json(
        {"messaging_product": "whatsapp", "messages": [{"id": "wamid.FUNDING"}]})
    config = make_config("notify", pg_database("notify"), NOTIFY_WHATSAPP_BASE_URL=httpserver.url_for("/v21.0"),
                         NOTIFY_WHATSAPP_PHONE_NUMBER_ID=PHONE_NUMBER_ID, NOTIFY_SMTP_HOST="127.0.0.1",
                         NOTIFY_SMTP_PORT=smtp_server.port, NOTIFY_QUIET_HOURS="00:00-00:00")
    container_factory(StandInRegistry, config).start()
    container_factory(StandInFunding, config).start()
    container_factory(NotifyService, config).start()
    publisher = ConfirmedPublisher(rabbit_config["AMQP_URI"])
    try:
        publish(publisher, "funding", "funds_disbursed", {
            "case_id": "kasus-9", "case_type": "UEP", "programme_id": "pr", "year": 2026,
            "kecamatan_code": "35.07.25", "state": "disbursed", "amount": 5_000_000})
    finally:
        publisher.close()
    wait_for(lambda: len(httpserver.log) >= 1, timeout=20, message="the WhatsApp request")
    eventlet.sleep(3)
    [(request, _)] = httpserver.log  # p-no withdrew consent: nothing for them
    body = json.loads(request.get_data())
    assert body["to"] == "6281234567890" and "Rp5.000.000" in body["text"]["body"]
