"""Real responses match what /openapi.json promises: each body loads cleanly with its documented schema."""
import pytest
from werkzeug.routing import Map, Rule

from gateway.routes import routes_of
from gateway.service import GatewayService
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


def test_problem_responses_match_the_problem_schema(gateway, web_session):
    from gateway.openapi import ProblemSchema

    for response in (web_session.get("/v1/persons"), web_session.get("/v1/nothing"),
                     web_session.post("/v1/auth/token", data="x", headers={"Content-Type": "text/plain"})):
        assert response.headers["Content-Type"] == "application/problem+json"
        assert ProblemSchema().validate(response.json()) == {}
