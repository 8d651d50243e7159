"""/v1/notifications and /v1/notification-templates through the gateway, the real registry and notify:
the log is cut to the caller's areas (404 outside), retry only what failed or was skipped, templates
for the admin alone, and every answer naming a person audited."""
import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.support.waiting import wait_for

pytestmark = pytest.mark.integration

WA_SECRET, SMS_SECRET, VERIFY = "rahasia-aplikasi-wa", "rahasia-sms", "token-verifikasi"


@pytest.fixture
def gateway_config(gateway_config):
    """The gateway as deployed with providers' receipts on: one shared secret per provider."""
    return {**gateway_config, "NOTIFY_RECEIPT_SECRET_WHATSAPP": WA_SECRET, "NOTIFY_RECEIPT_SECRET_SMS": SMS_SECRET,
            "NOTIFY_RECEIPT_VERIFY_TOKEN_WHATSAPP": VERIFY}


@pytest.fixture
def notify_awake(container_factory, make_config, pg_database):
    """notify without quiet hours, so the test does not depend on the hour in WIB."""
    from notify.service import NotifyService

    container = container_factory(NotifyService, make_config("notify", pg_database("notify"),
                                                              NOTIFY_QUIET_HOURS="00:00-00:00"))
    container.start()
    return container


@pytest.fixture
def welcomed(notify_awake, two_persons, as_user):
    """Both persons' welcomes recorded and sent through the log channel; no guardian's copy (neither asked
    for one), so no second row for either."""
    admin = as_user("admin")

    def settled():
        items = admin.get("/v1/notifications").json()["items"]
        return len(items) == 2 and all(n["status"] == "sent" for n in items) and items

    return wait_for(settled, timeout=30, interval=0.5, message="both welcomes sent")


def test_the_log_is_cut_to_the_callers_areas_and_filters(welcomed, two_persons, as_user):
    lawang, batu = two_persons["lawang"]["id"], two_persons["batu"]["id"]
    seen = {user: {n["person_id"] for n in as_user(user).get("/v1/notifications").json()["items"]}
            for user in ("admin", "staf_lawang", "dinsos_batu")}
    assert seen == {"admin": {lawang, batu}, "staf_lawang": {lawang}, "dinsos_batu": {batu}}
    assert as_user("fomi").get("/v1/notifications").status_code == 403
    mine = as_user("admin").get("/v1/notifications", params={"person_id": lawang, "channel": "email"}).json()
    [sent] = [n for n in welcomed if n["person_id"] == lawang and n["recipient_kind"] == "person"]
    assert sent["deliveries"][0]["status"] == "sent" and sent["deliveries"][0]["provider_message_id"]
    assert {n["id"] for n in mine["items"]} <= {sent["id"]}
    assert as_user("admin").get("/v1/notifications", params={"status": "nonsense"}).status_code == 400


def test_one_notification_outside_the_area_is_404_like_a_missing_one(welcomed, two_persons, as_user):
    [lawang_one] = [n for n in welcomed if n["person_id"] == two_persons["lawang"]["id"]
                    and n["recipient_kind"] == "person"]
    assert as_user("staf_lawang").get(f"/v1/notifications/{lawang_one['id']}").status_code == 200
    hidden = as_user("dinsos_batu").get(f"/v1/notifications/{lawang_one['id']}")
    missing = as_user("dinsos_batu").get("/v1/notifications/999999")
    assert hidden.status_code == missing.status_code == 404
    assert as_user("staf_lawang").get("/v1/notifications/bukan-angka").status_code == 404


def test_retry_requeues_a_skipped_message_and_refuses_a_sent_one(welcomed, two_persons, as_user):
    from tests.integration.suite.conftest import LAWANG_DESA, person_payload

    staff = as_user("staf_lawang")
    silent = as_user("admin").post("/v1/persons", json=person_payload(
        "3507255203900009", LAWANG_DESA, name="Rina Wati",
        communication={"channels": ["none"], "language": "id", "format": "plain_text", "copy_guardian": False}))
    assert silent.status_code == 201, silent.text

    def skipped_one():
        found = staff.get("/v1/notifications", params={"person_id": silent.json()["id"]}).json()["items"]
        return [n for n in found if n["status"] == "skipped"]

    [skipped] = wait_for(skipped_one, timeout=30, interval=0.5, message="the welcome skipped (no channel)")
    [sent] = [n for n in welcomed if n["person_id"] == two_persons["lawang"]["id"]]
    again = staff.post(f"/v1/notifications/{skipped['id']}/retry")
    assert again.status_code == 200, again.text
    assert again.json()["status"] in ("queued", "sending", "skipped")
    refused = staff.post(f"/v1/notifications/{sent['id']}/retry")
    assert refused.status_code == 409
    assert as_user("dinsos_batu").post(f"/v1/notifications/{skipped['id']}/retry").status_code == 403
    [batu_one] = [n for n in welcomed if n["person_id"] == two_persons["batu"]["id"]]
    assert staff.post(f"/v1/notifications/{batu_one['id']}/retry").status_code == 404


def test_reading_the_log_is_audited(welcomed, as_user):
    admin = as_user("admin")
    admin.get("/v1/notifications")
    wanted = {str(n["id"]) for n in welcomed}

    def audited():
        entries = admin.get("/v1/audit", params={"resource": "notification", "limit": 200}).json()["items"]
        return {e["resource_id"] for e in entries} >= wanted

    wait_for(audited, timeout=10, message="the reads of the log in the audit log")


def test_templates_are_for_the_admin_and_previews_render_sample_data(gateway, notify_awake, as_user):
    admin = as_user("admin")
    listed = admin.get("/v1/notification-templates")
    assert listed.status_code == 200
    assert "enrolment_promoted" in {t["name"] for t in listed.json()["items"]}
    assert as_user("staf_lawang").get("/v1/notification-templates").status_code == 403
    shown = admin.post("/v1/notification-templates/enrolment_waitlisted/preview",
                       json={"channel": "sms", "variant": "easy_read", "params": {"position": 2}})
    assert shown.status_code == 200, shown.text
    assert "nomor 2" in shown.json()["text"] and shown.json()["html"] is None
    assert admin.post("/v1/notification-templates/tidak_ada/preview", json={"channel": "sms"}).status_code == 404
    assert admin.post("/v1/notification-templates/welcome/preview", json={"channel": "fax"}).status_code == 422


@pytest.fixture
def sent_by_whatsapp_and_sms(notify_awake, migrated_databases):
    """Two messages the providers accepted (as the sender records them), waiting for their receipts."""
    from notify.models import Delivery, Notification

    engine = sa.create_engine(migrated_databases("notify"))
    now = datetime.now(UTC)
    ids = {}
    with engine.begin() as connection:
        for channel, provider_id in (("whatsapp", "wamid.HBgN"), ("sms", "sms-4711")):
            ids[channel] = connection.execute(sa.insert(Notification).values(
                person_id="p", kind="welcome", status="sent", source_event_id=f"e-{channel}",
                event_type="registry.person_registered", recipient_kind="person", recipient_id="p",
                area_code="35.07.25", urgent=False, params={}, created_at=now).returning(Notification.id)).scalar()
            connection.execute(sa.insert(Delivery).values(
                notification_id=ids[channel], channel=channel, status="sent", attempts=1, template_version=1,
                variant="plain", provider_message_id=provider_id, started_at=now, finished_at=now))
    engine.dispose()
    return ids


def signed(body: dict, secret: str = WA_SECRET) -> tuple[bytes, dict]:
    raw = json.dumps(body).encode()
    signature = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"Content-Type": "application/json", "X-Hub-Signature-256": signature}


def test_providers_receipts_mark_messages_delivered_or_failed_and_need_their_secret(
        gateway, sent_by_whatsapp_and_sms, web_session, as_user):
    web = web_session  # no token: providers call in with their shared secret only
    webhook = {"object": "whatsapp_business_account", "entry": [{"id": "waba", "changes": [{"field": "messages",
               "value": {"messaging_product": "whatsapp",
                         "statuses": [{"id": "wamid.HBgN", "status": "delivered", "timestamp": "1764400000"}]}}]}]}
    raw, headers = signed(webhook)
    forged_raw, forged = signed(webhook, "tebakan")
    assert web.post("/v1/notification-receipts/whatsapp", data=forged_raw, headers=forged).status_code == 401
    assert web.post("/v1/notification-receipts/whatsapp", json=webhook).status_code == 401  # unsigned
    answer = web.post("/v1/notification-receipts/whatsapp", data=raw, headers=headers)
    assert answer.status_code == 200 and answer.json() == {"matched": 1}, answer.text

    report = {"id": "sms-4711", "status": "failed", "reason": "nomor tidak aktif"}
    assert web.post("/v1/notification-receipts/sms", json=report,
                    headers={"Authorization": "Bearer salah"}).status_code == 401
    assert web.post("/v1/notification-receipts/sms", json=report,
                    headers={"Authorization": f"Bearer {SMS_SECRET}"}).json() == {"matched": 1}

    admin = as_user("admin")
    whatsapp = admin.get(f"/v1/notifications/{sent_by_whatsapp_and_sms['whatsapp']}").json()
    assert (whatsapp["status"], whatsapp["deliveries"][0]["status"]) == ("delivered", "delivered")
    sms = admin.get(f"/v1/notifications/{sent_by_whatsapp_and_sms['sms']}").json()
    assert sms["deliveries"][0]["status"] == "failed" and sms["deliveries"][0]["reason"] == "SMS nomor tidak aktif"
    assert sms["status"] in ("queued", "sending", "failed", "skipped")  # owed again on the next channel

    def audited():
        entries = admin.get("/v1/audit", params={"resource": "delivery_receipt", "limit": 50}).json()["items"]
        return sorted((e["resource_id"], e["outcome"]) for e in entries) == [
            ("sms", "denied"), ("sms", "success"), ("whatsapp", "denied"), ("whatsapp", "denied"),
            ("whatsapp", "success")]

    wait_for(audited, timeout=10, message="the receipts in the audit log")


def test_whatsapps_subscription_handshake_echoes_the_challenge_for_the_verify_token(gateway, web_session):
    web = web_session
    ok = web.get("/v1/notification-receipts/whatsapp",
                 params={"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"})
    assert (ok.status_code, ok.text) == (200, "1158201444")
    wrong = web.get("/v1/notification-receipts/whatsapp",
                    params={"hub.mode": "subscribe", "hub.verify_token": "lain", "hub.challenge": "1"})
    assert wrong.status_code == 401
