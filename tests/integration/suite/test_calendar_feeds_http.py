"""Calendar subscription URLs (issue 11) through the gateway, the real training and registry services,
RabbitMQ and PostgreSQL: a feed key stands in for the bearer token calendar apps cannot send."""
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy.orm import sessionmaker

from gateway import accounts
from inklusi_platform.engines import make_engine
from tests.integration.suite.conftest import register
from tests.support.web import WebSession

pytestmark = pytest.mark.integration


@pytest.fixture
def anonymous(web_address):
    """A calendar app: no Authorization header, only the URL."""
    with WebSession(f"http://{web_address}") as web:
        yield web


def subscribe(web, scope: str) -> dict:
    response = web.post("/v1/calendar/feeds", json={"scope": scope})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_key_fetches_the_feed_without_a_token_in_wib_and_never_reaches_logs_or_audit(
        lawang_training, as_user, anonymous, caplog):
    caplog.set_level(logging.DEBUG)
    admin, staff = as_user("admin"), as_user("staf_lawang")
    feed = subscribe(staff, "area-35.07.25")
    assert feed["url"].startswith("/v1/calendar/area-35.07.25.ics?key=") and feed["scope"] == "area-35.07.25"
    secret = feed["url"].partition("?key=")[2]
    assert len(secret) >= 40

    response = anonymous.get(feed["url"])
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/calendar")
    assert response.headers["Cache-Control"] == "no-store"
    parsed = icalendar.Calendar.from_ical(response.text)
    [event] = parsed.walk("VEVENT")
    assert event.decoded("DTSTART") == datetime(2026, 12, 5, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert event["DTSTART"].params["TZID"] == "Asia/Jakarta"
    assert "Agrowisata Petik Madu" in str(event["LOCATION"])

    person = register(admin, 51)
    own = subscribe(staff, f"person-{person}")
    assert anonymous.get(own["url"]).status_code == 200

    listed = staff.get("/v1/calendar/feeds")
    assert listed.status_code == 200
    assert [(k["id"], k["scope"]) for k in listed.json()["items"]] == [
        (feed["id"], "area-35.07.25"), (own["id"], f"person-{person}")]
    assert "key" not in listed.text and secret not in listed.text
    assert as_user("dinsos_batu").get("/v1/calendar/feeds").json()["items"] == []  # only one's own

    reads = admin.get("/v1/audit", params={"resource": "enrolment", "resource_id": person}).json()["items"]
    assert [(e["action"], e["detail"]) for e in reads] == [("read", "calendar via feed key")]
    everything = admin.get("/v1/audit", params={"limit": 200}).text
    own_secret = own["url"].partition("?key=")[2]
    assert secret not in everything and own_secret not in everything
    # Every line the suite's processes logged (urllib3 is this test's own HTTP client, not the gateway).
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("urllib3"))
    assert secret not in logged and own_secret not in logged
    assert "GET /v1/calendar/<scope>.ics 200" in logged  # the access log names the route template


def test_a_revoked_key_and_a_deactivated_accounts_key_answer_404_like_an_unknown_feed(
        lawang_training, as_user, anonymous, gateway_db):
    staff = as_user("staf_lawang")
    kept, revoked = subscribe(staff, "area-35.07.25"), subscribe(staff, "area-35.07.25")
    unknown = anonymous.get("/v1/calendar/area-35.07.25.ics?key=tidak-ada")
    assert unknown.status_code == 404

    assert staff.delete(f"/v1/calendar/feeds/{revoked['id']}").status_code == 204
    refused = anonymous.get(revoked["url"])
    assert refused.status_code == 404 and refused.json()["detail"] == unknown.json()["detail"]
    assert [k["id"] for k in staff.get("/v1/calendar/feeds").json()["items"]] == [kept["id"]]
    assert staff.delete(f"/v1/calendar/feeds/{revoked['id']}").status_code == 404  # once only

    assert anonymous.get(kept["url"]).status_code == 200
    engine = make_engine(gateway_db)
    with sessionmaker(engine)() as session:
        accounts.deactivate_user(session, "staf_lawang")
        session.commit()
    engine.dispose()
    gone = anonymous.get(kept["url"])
    assert gone.status_code == 404 and gone.json()["detail"] == unknown.json()["detail"]
    assert "WWW-Authenticate" not in gone.headers


def test_a_key_opens_only_the_feed_it_was_made_for(lawang_training, as_user, anonymous):
    admin, staff = as_user("admin"), as_user("staf_lawang")
    feed = subscribe(staff, "area-35.07.25")
    secret = feed["url"].partition("?key=")[2]
    person = register(admin, 52)
    for other in ("area-35.07", "area-35.79", f"person-{person}"):
        assert anonymous.get(f"/v1/calendar/{other}.ics", params={"key": secret}).status_code == 404, other
    # Subscribing needs what reading needs: the area, and for a person's calendar the participants role.
    assert as_user("dinsos_batu").post("/v1/calendar/feeds", json={"scope": "area-35.07"}).status_code == 403
    assert as_user("dinsos_batu").post("/v1/calendar/feeds",
                                       json={"scope": f"person-{person}"}).status_code == 404
    assert as_user("fomi").post("/v1/calendar/feeds", json={"scope": f"person-{person}"}).status_code == 403
    bad = staff.post("/v1/calendar/feeds", json={"scope": "semua"})
    assert bad.status_code == 422 and "scope" in bad.json()["errors"]


def test_someone_elses_key_is_revoked_only_by_an_admin(lawang_training, as_user, anonymous):
    staff, ppd = as_user("staf_lawang"), as_user("ppd_malang")
    feed = subscribe(staff, "area-35.07.25")
    assert ppd.delete(f"/v1/calendar/feeds/{feed['id']}").status_code == 404
    assert anonymous.get(feed["url"]).status_code == 200  # still live
    assert as_user("admin").delete(f"/v1/calendar/feeds/{feed['id']}").status_code == 204
    assert anonymous.get(feed["url"]).status_code == 404
