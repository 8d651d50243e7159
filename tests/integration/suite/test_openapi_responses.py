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
