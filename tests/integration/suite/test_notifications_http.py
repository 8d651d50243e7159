"""/v1/notifications and /v1/notification-templates through the gateway, the real registry and notify:
the log is cut to the caller's areas (404 outside), retry only what failed or was skipped, templates
for the admin alone, and every answer naming a person audited."""
import pytest

from tests.support.waiting import wait_for

pytestmark = pytest.mark.integration


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
    """Both persons' welcomes recorded, and sent: the person's through the log channel, the guardian's
    copy skipped (the test persons did not ask for one)."""
    admin = as_user("admin")

    def settled():
        items = admin.get("/v1/notifications").json()["items"]
        return len(items) == 4 and all(n["status"] in ("sent", "skipped") for n in items) and items

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
    staff = as_user("staf_lawang")
    mine = [n for n in welcomed if n["person_id"] == two_persons["lawang"]["id"]]
    [skipped] = [n for n in mine if n["status"] == "skipped"]
    [sent] = [n for n in mine if n["status"] == "sent"]
    again = staff.post(f"/v1/notifications/{skipped['id']}/retry")
    assert again.status_code == 200, again.text
    assert again.json()["status"] in ("queued", "sending", "skipped")
    refused = staff.post(f"/v1/notifications/{sent['id']}/retry")
    assert refused.status_code == 409
    assert as_user("dinsos_batu").post(f"/v1/notifications/{skipped['id']}/retry").status_code == 403
    [batu_one] = [n for n in welcomed if n["person_id"] == two_persons["batu"]["id"] and n["status"] == "skipped"]
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
