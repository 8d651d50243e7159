"""Real responses match what /openapi.json promises: each body loads cleanly with its documented schema."""
import pytest
from werkzeug.routing import Map, Rule

from gateway.routes import routes_of
from gateway.schemas.funding import CaseOut
from gateway.service import GatewayService
from tests.support.funding_cases import kube_body, open_case, step
from tests.support.gateway_fixtures import PASSWORD

pytestmark = pytest.mark.integration

ROUTES = routes_of(GatewayService)
URLS = Map([Rule(doc.url, methods=[doc.method], endpoint=doc) for doc in ROUTES]).bind("localhost")


def documented_errors(response, method: str, path: str) -> dict:
    doc, _ = URLS.match(path, method=method)
    assert response.status_code == doc.status, (path, response.status_code, response.text)
    if doc.response is None:
        return {}
    body = response.json()
    schema = doc.response()
    if doc.paged:
        assert set(body) == {"items", "next_cursor"}
        return {i: e for i, item in enumerate(body["items"]) if (e := schema.validate(item))}
    return schema.validate(body)


def test_responses_match_their_documented_schemas(two_persons, as_user, web_session):
    admin = as_user("admin")
    person_id = two_persons["lawang"]["id"]
    etag = admin.get(f"/v1/persons/{person_id}").headers["ETag"]
    admin.patch(f"/v1/persons/{person_id}", json={"name": "Siti A."}, headers={"If-Match": etag})
    calls = [
        (admin, "GET", f"/v1/persons/{person_id}", None),
        (admin, "GET", "/v1/persons", None),
        (as_user("dinsos_batu"), "GET", "/v1/persons", None),  # masked views must match too
        (admin, "GET", f"/v1/persons/{person_id}/consents", None),
        (admin, "GET", f"/v1/persons/{person_id}/history", None),
        (admin, "GET", "/v1/areas?parent=35.79", None),
        (admin, "GET", "/v1/audit", None),
        (web_session, "POST", "/v1/auth/token", {"grant_type": "password", "username": "fomi",
                                                 "password": PASSWORD}),
    ]
    for web, method, path, body in calls:
        response = web.request(method, path, json=body)
        assert documented_errors(response, method, path.split("?")[0]) == {}, path


def test_training_responses_match_their_documented_schemas(two_persons, training_service, as_user):
    admin = as_user("admin")
    person_id = two_persons["lawang"]["id"]
    calls = [
        ("POST", "/v1/programmes", {"title": "Paralegal", "topic": "paralegal", "organiser_org": "FOMI",
                                    "audience": "terbuka_wilayah"}),
        ("POST", "/v1/venues", {"name": "Balai Desa", "address": "Sidoluhur", "desa_code": "35.07.25.2001",
                                "features": ["parking"]}),
        ("POST", "/v1/trainers", {"name": "Pelatih", "organisation": "FOMI", "topics": ["paralegal"]}),
    ]
    made = {}
    for method, path, body in calls:
        response = admin.request(method, path, json=body)
        assert documented_errors(response, method, path) == {}, path
        made[path] = response.json()["id"]
    training = admin.post("/v1/trainings", json={
        "programme_id": made["/v1/programmes"], "title": "Paralegal Lawang", "area_code": "35.07.25",
        "sessions": [{"starts_at": "2026-12-05T09:00:00", "ends_at": "2026-12-05T12:00:00",
                      "venue_id": made["/v1/venues"], "trainer_ids": [made["/v1/trainers"]], "capacity": 5}]})
    assert documented_errors(training, "POST", "/v1/trainings") == {}
    base = f"/v1/trainings/{training.json()['id']}"
    session_id = training.json()["sessions"][0]["id"]
    calls = [
        ("POST", f"{base}/enrolments", {"person_id": person_id, "needs": ["easy_read"]}, {}),
        ("GET", f"{base}/enrolments", None, {}),
        ("GET", f"{base}/accommodations", None, {}),
        ("POST", f"{base}/accommodations", {"session_id": session_id, "kind": "easy_read", "status": "arranged"},
         {}),
        ("POST", f"{base}/accommodations", {"session_id": session_id, "kind": "step_free_access",  # fisik
                                            "status": "waived", "reason": "Balai desa tanpa tangga"}, {}),
        ("POST", f"{base}/sessions/{session_id}/confirmation", None, {}),
        ("POST", f"{base}/attendance", {"session_id": session_id, "sheet": [{"person_id": person_id,
                                                                            "present": True}]}, {}),
        ("GET", f"{base}/attendance", None, {}),
        ("GET", f"{base}/sessions", None, {}),
        ("POST", f"{base}/sessions", {"starts_at": "2026-12-06T09:00:00", "ends_at": "2026-12-06T12:00:00",
                                      "venue_id": made["/v1/venues"], "capacity": 5}, {}),
        ("GET", base, None, {}),
        ("GET", "/v1/trainings", None, {}),
        ("GET", "/v1/programmes", None, {}),
        ("GET", "/v1/venues", None, {}),
        ("GET", "/v1/trainers", None, {}),
    ]
    for method, path, body, headers in calls:
        response = admin.request(method, path, json=body, headers=headers)
        assert documented_errors(response, method, path) == {}, path
    path = f"{base}/sessions/{session_id}"
    moved = admin.patch(path, json={"starts_at": "2026-12-05T10:00:00", "ends_at": "2026-12-05T13:00:00",
                                    "reason": "Mundur"}, headers={"If-Match": admin.get(base).headers["ETag"]})
    assert documented_errors(moved, "PATCH", path) == {}
    enrolment_id = admin.get(f"{base}/enrolments").json()["items"][0]["id"]
    path = f"{base}/enrolments/{enrolment_id}/cancellation"
    assert documented_errors(admin.post(path), "POST", path) == {}
    path = f"{base}/sessions/{session_id}/cancellation"
    assert documented_errors(admin.post(path, json={"reason": "Banjir"}), "POST", path) == {}


def test_funding_responses_match_their_documented_schemas(kube_programme, funding_people, as_user):
    staff, approver = as_user("staf_lawang"), as_user("approver")
    members = [funding_people[f"lawang{i}"] for i in range(1, 7)]
    case = open_case(staff, kube_programme, members)
    base = f"/v1/funding-cases/{case['id']}"
    staff.post(f"{base}/documents?doc_type=ktp", files={"file": ("ktp.jpg", b"jpeg", "image/jpeg")})
    calls = [
        (staff, "POST", "/v1/funding-cases", kube_body(kube_programme, members)),
        (approver, "GET", "/v1/funding-programmes", None),
        (approver, "GET", f"/v1/funding-programmes/{kube_programme['id']}", None),
        (staff, "GET", "/v1/funding-cases", None),
        (staff, "GET", base, None),
        (staff, "GET", f"{base}/eligibility", None),
        (staff, "GET", f"{base}/documents", None),
        (staff, "GET", f"{base}/reports", None),
        (approver, "GET", "/v1/stats/funding", None),
    ]
    for web, method, path, body in calls:
        response = web.request(method, path, json=body)
        assert documented_errors(response, method, path) == {}, path
    programme_path = f"/v1/funding-programmes/{kube_programme['id']}"
    etag = approver.get(programme_path).headers["ETag"]
    changed = approver.patch(programme_path, json={"budget": 25_000_000}, headers={"If-Match": etag})
    assert documented_errors(changed, "PATCH", programme_path) == {}
    moved = step(staff, case["id"], "submit")
    assert documented_errors(staff.get(f"{base}/transitions"), "GET", f"{base}/transitions") == {}
    assert CaseOut().validate(moved) == {}


def test_problem_responses_match_the_problem_schema(gateway, web_session):
    from gateway.openapi import ProblemSchema

    for response in (web_session.get("/v1/persons"), web_session.get("/v1/nothing"),
                     web_session.post("/v1/auth/token", data="x", headers={"Content-Type": "text/plain"})):
        assert response.headers["Content-Type"] == "application/problem+json"
        assert ProblemSchema().validate(response.json()) == {}


def test_problem_responses_match_their_documented_schemas(gateway, registry_service, training_service, as_user):
    admin = as_user("admin")
    programme = admin.post("/v1/programmes", json={"title": "Terapi", "topic": "lainnya", "organiser_org": "FOMI",
                                                   "audience": "paguyuban"}).json()
    body = {"title": "Akses terapi", "description": "Terapi anak sulit dijangkau.", "field": "layanan",
            "area_code": "35.73.03", "people_affected": 12, "raisers": [{"kind": "organisasi", "organisation": "HWDI"}],
            "evidence": [{"kind": "attachment", "filename": "notulen.pdf", "size_bytes": 10}]}
    made = admin.post("/v1/problems", json=body)
    assert documented_errors(made, "POST", "/v1/problems") == {}
    duplicate = admin.post("/v1/problems", json=body).json()
    base = f"/v1/problems/{made.json()['id']}"
    calls = [
        ("POST", f"{base}/duplicates", {"duplicate_id": duplicate["id"]}),
        ("POST", f"{base}/links", {"kind": "programme", "target_id": programme["id"]}),
        ("POST", f"{base}/comments", {"body": "Setuju"}),
        ("POST", "/v1/advocacy-actions", {"title": "Audiensi", "kind": "audiensi", "held_on": "2026-10-01",
                                          "counterpart_org": "Dinas Kesehatan"}),
        ("GET", base, None),
        ("GET", "/v1/problems", None),
        ("GET", f"{base}/history", None),
        ("GET", f"{base}/comments", None),
        ("GET", f"{base}/links", None),
        ("GET", "/v1/advocacy-actions", None),
        ("GET", "/v1/stats/problems", None),
        ("GET", f"/v1/programmes/{programme['id']}", None),
    ]
    for method, path, json_body in calls:
        response = admin.request(method, path, json=json_body)
        assert documented_errors(response, method, path) == {}, path
    changed = admin.patch(base, json={"status": "selesai"}, headers={"If-Match": admin.get(base).headers["ETag"]})
    assert documented_errors(changed, "PATCH", base) == {}
    assert documented_errors(as_user("fomi").get(base), "GET", base) == {}  # the view without persons too
