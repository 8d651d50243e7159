"""Issue 8: each hole found from outside, closed, through the real gateway, registry, RabbitMQ and PostgreSQL.

Users (tests/support/gateway_fixtures.py): staf_lawang is ngo_staff limited to Lawang (35.07.25);
the Batu person lies outside it. Each test failed before the fix it names.
"""
import json
import socket
import time

import pytest
import sqlalchemy as sa

from gateway.models import User
from inklusi_platform.engines import make_engine
from tests.integration.suite.conftest import LAWANG_DESA, comparable, person_payload
from tests.support.fieldsheet import sheet
from tests.support.gateway_fixtures import JWT_SECRET, PASSWORD
from tests.support.waiting import wait_for

pytestmark = pytest.mark.integration

UNKNOWN_ID = "00000000-0000-0000-0000-000000000000"


@pytest.fixture
def lawang_staff(as_user):
    return as_user("staf_lawang")


@pytest.fixture
def lawang_pokja(two_persons, lawang_staff):
    created = lawang_staff.post("/v1/pokja", json={"name": "Pokja Lawang Maju", "area_code": "35.07.25",
                                                   "formed_on": "2026-01-10"})
    assert created.status_code == 201, created.text
    return created.json()


@pytest.fixture
def lawang_paguyuban(two_persons, lawang_staff):
    created = lawang_staff.post("/v1/paguyuban", json={"kecamatan_code": "35.07.25", "name": "Paguyuban Lawang",
                                                       "formed_on": "2026-01-10"})
    assert created.status_code == 201, created.text
    return created.json()


# --- item 2: ids in a body are checked like ids in a path -------------------------------------------

def test_an_out_of_area_person_cannot_join_a_pokja_and_reads_like_an_unknown_one(
        two_persons, lawang_staff, lawang_pokja):
    url = f"/v1/pokja/{lawang_pokja['id']}/members"
    outside = lawang_staff.post(url, json={"person_id": two_persons["batu"]["id"], "joined_on": "2026-02-01"})
    unknown = lawang_staff.post(url, json={"person_id": UNKNOWN_ID, "joined_on": "2026-02-01"})
    assert outside.status_code == unknown.status_code == 422, outside.text
    assert comparable(outside)["errors"]["person_id"] == [
        m.replace(UNKNOWN_ID, two_persons["batu"]["id"]) for m in comparable(unknown)["errors"]["person_id"]]
    assert lawang_staff.get(url).json()["items"] == []
    inside = lawang_staff.post(url, json={"person_id": two_persons["lawang"]["id"], "joined_on": "2026-02-01"})
    assert inside.status_code == 201, inside.text


def test_an_out_of_area_person_cannot_be_named_in_cares_for(two_persons, lawang_staff, lawang_paguyuban):
    url = f"/v1/paguyuban/{lawang_paguyuban['id']}/members"
    member = {"name": "Ibu Sumarni", "relation": "ibu"}
    outside = lawang_staff.post(url, json=member | {"cares_for": [two_persons["batu"]["id"]]})
    unknown = lawang_staff.post(url, json=member | {"cares_for": [UNKNOWN_ID]})
    assert outside.status_code == unknown.status_code == 422, outside.text
    assert set(outside.json()["errors"]) == set(unknown.json()["errors"]) == {"cares_for"}
    both = [two_persons["lawang"]["id"], two_persons["batu"]["id"]]
    mixed = lawang_staff.post(url, json=member | {"cares_for": both})
    assert mixed.status_code == 422
    assert lawang_staff.post(url, json=member | {"cares_for": [two_persons["lawang"]["id"]]}).status_code == 201


def test_a_merge_target_outside_the_area_reads_like_an_unknown_one(two_persons, lawang_staff):
    url = f"/v1/persons/{two_persons['lawang']['id']}/merge"
    outside = lawang_staff.post(url, json={"merge_id": two_persons["batu"]["id"]})
    unknown = lawang_staff.post(url, json={"merge_id": UNKNOWN_ID})
    assert outside.status_code == unknown.status_code == 422, outside.text
    assert comparable(outside)["title"] == comparable(unknown)["title"]
    assert comparable(outside)["detail"] == comparable(unknown)["detail"]


# --- item 3: "not here" and "not yours" look the same ----------------------------------------------

@pytest.mark.parametrize("kind", ["pokja", "persons"])
def test_missing_and_out_of_area_records_get_the_same_problem(two_persons, as_user, kind):
    admin = as_user("admin")
    if kind == "pokja":
        made = admin.post("/v1/pokja", json={"name": "Pokja Batu", "area_code": "35.79.01", "formed_on": "2026-01-10"})
        hidden_id = made.json()["id"]
    else:
        hidden_id = two_persons["batu"]["id"]
    web = as_user("staf_lawang")
    hidden, missing = web.get(f"/v1/{kind}/{hidden_id}"), web.get(f"/v1/{kind}/{UNKNOWN_ID}")
    assert hidden.status_code == missing.status_code == 404
    assert comparable(hidden) == comparable(missing)
    assert "details" not in missing.json()  # was the string "None"


# --- item 4: tokens do not outlive the account ------------------------------------------------------

def test_a_deactivated_users_access_token_stops_working(gateway, gateway_db, as_user):
    web = as_user("ppd_malang")
    assert web.get("/v1/areas").status_code == 200
    engine = make_engine(gateway_db)
    with engine.begin() as connection:
        connection.execute(sa.update(User).where(User.username == "ppd_malang").values(active=False))
    engine.dispose()
    deadline = time.monotonic() + 3  # the gateway trusts its last look at an account for 1 s
    while web.get("/v1/areas").status_code != 401:
        assert time.monotonic() < deadline, "the token still works after the account was deactivated"
        time.sleep(0.1)


def test_a_validly_signed_token_for_no_account_is_401(gateway, web_session):
    from gateway.access.tokens import TokenIssuer

    token, _ = TokenIssuer(JWT_SECRET).issue_access("5b1c7e7e-0000-4000-8000-000000000000", "user",
                                                    "lingkar-sosial", ["admin"], [])
    response = web_session.get("/v1/areas", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/problem+json"


def _login(web, username):
    response = web.post("/v1/auth/token", json={"grant_type": "password", "username": username,
                                                "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()


def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(gateway, web_session):
    first = _login(web_session, "admin")
    second = web_session.post("/v1/auth/token", json={"grant_type": "refresh_token",
                                                      "refresh_token": first["refresh_token"]}).json()
    replay = web_session.post("/v1/auth/token", json={"grant_type": "refresh_token",
                                                      "refresh_token": first["refresh_token"]})
    assert replay.status_code == 401
    successor = web_session.post("/v1/auth/token", json={"grant_type": "refresh_token",
                                                         "refresh_token": second["refresh_token"]})
    assert successor.status_code == 401, "the successor of a replayed token must die with its family"
    # Another login is another family, untouched.
    other = _login(web_session, "admin")
    assert web_session.post("/v1/auth/token", json={"grant_type": "refresh_token",
                                                    "refresh_token": other["refresh_token"]}).status_code == 200


def test_only_the_owner_or_an_admin_revokes_a_refresh_token(gateway, web_session):
    victim = _login(web_session, "staf_lawang")
    intruder = _login(web_session, "dinsos_batu")
    refused = web_session.post("/v1/auth/revoke", json={"refresh_token": victim["refresh_token"]},
                               headers={"Authorization": f"Bearer {intruder['access_token']}"})
    assert refused.status_code == 403
    still = web_session.post("/v1/auth/token", json={"grant_type": "refresh_token",
                                                     "refresh_token": victim["refresh_token"]})
    assert still.status_code == 200
    admin = _login(web_session, "admin")
    revoked = web_session.post("/v1/auth/revoke", json={"refresh_token": still.json()["refresh_token"]},
                               headers={"Authorization": f"Bearer {admin['access_token']}"})
    assert revoked.status_code == 204
    own = _login(web_session, "dinsos_batu")
    assert web_session.post("/v1/auth/revoke", json={"refresh_token": own["refresh_token"]},
                            headers={"Authorization": f"Bearer {own['access_token']}"}).status_code == 204


# --- item 5: every response carrying personal data is audited ---------------------------------------

def test_reading_pokja_members_and_paguyuban_activities_is_audited(
        two_persons, lawang_staff, lawang_pokja, lawang_paguyuban, as_user):
    for path, resource, record_id in ((f"/v1/pokja/{lawang_pokja['id']}/members", "pokja_member", lawang_pokja["id"]),
                                      (f"/v1/paguyuban/{lawang_paguyuban['id']}/activities", "paguyuban_activity",
                                       lawang_paguyuban["id"])):
        assert lawang_staff.get(path).status_code == 200
        entries = as_user("admin").get("/v1/audit", params={"resource": resource}).json()["items"]
        assert any(e["action"] == "read" and e["resource_id"] == record_id for e in entries), resource


def test_reading_an_import_error_report_is_audited(gateway, registry_service, import_worker, lawang_staff, as_user):
    started = lawang_staff.post("/v1/imports", files={"file": ("data.csv", sheet(2, {1: "phone"}), "text/csv")})
    assert started.status_code == 202, started.text
    job_id = started.json()["id"]
    wait_for(lambda: lawang_staff.get(f"/v1/imports/{job_id}").json()["status"] in ("done", "failed"), timeout=60,
             message="the import to finish")
    report = lawang_staff.get(f"/v1/imports/{job_id}/errors")
    assert report.status_code == 200, report.text
    assert report.headers["Cache-Control"] == "no-store"
    entries = as_user("admin").get("/v1/audit", params={"resource": "import_errors"}).json()["items"]
    assert [e["resource_id"] for e in entries] == [job_id]


# --- item 6: odd input is a 4xx with a clear message ------------------------------------------------

def test_odd_input_gets_a_clear_4xx(two_persons, lawang_staff, as_user):
    for response in (
        lawang_staff.get("/v1/persons", params={"q": "Siti\x00"}),
        lawang_staff.post("/v1/persons", json=person_payload("3507255203900009", LAWANG_DESA, name="Budi\x00")),
        lawang_staff.post("/v1/persons", data=b'{"name": "\\ud800"}', headers={"Content-Type": "application/json"}),
        lawang_staff.post("/v1/persons", data=b"[" * 100_000 + b"]" * 100_000,
                          headers={"Content-Type": "application/json"}),
        lawang_staff.get("/v1/persons/abc%00def"),
        as_user("admin").get("/v1/audit", params={"cursor": "eyJpZCI6IFsxXX0"}),
    ):
        assert 400 <= response.status_code < 500, (response.status_code, response.text[:200])
        assert response.headers["Content-Type"] == "application/problem+json"
        assert response.json()["detail"]
    assert lawang_staff.get("/v1/persons", params={"q": "Siti"}).status_code == 200


# --- item 7: the wire answers in problem+json too, and a chunked body is read ------------------------

def _raw(address: str, request: bytes) -> bytes:
    host, port = address.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("request_bytes, status", [
    (b"GET /v1/persons?q=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    (b"GET /v1/persons HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 9000 + b"\r\n\r\n", 400),
])
def test_over_long_urls_and_headers_get_a_problem_body(gateway, web_address, request_bytes, status):
    head, _, body = _raw(web_address, request_bytes).partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == str(status).encode()
    assert b"application/problem+json" in head
    assert json.loads(body)["status"] == status


def test_a_chunked_json_body_is_read(gateway, web_address):
    body = json.dumps({"grant_type": "password", "username": "admin", "password": PASSWORD}).encode()
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:10], body[10:])) + b"0\r\n\r\n"
    answer = _raw(web_address, b"POST /v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                               b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunked)
    assert answer.startswith(b"HTTP/1.1 200"), answer[:300]
    assert b"access_token" in answer


def test_the_document_names_what_the_operations_answer(gateway, web_session):
    document = web_session.get("/openapi.json").json()
    problem = document["components"]["schemas"]["Problem"]["properties"]
    assert problem["details"]["type"] == "object" and problem["existing"]["type"] == "string"
    paths = document["paths"]
    assert "409" in paths["/v1/persons/{person_id}/consents"]["post"]["responses"]
    assert "422" in paths["/v1/persons"]["get"]["responses"]  # a cursor or area the service cannot use
    assert "414" in paths["/v1/persons"]["get"]["responses"]


def test_conflict_details_are_an_object(two_persons, as_user):
    response = as_user("admin").post("/v1/persons", json=person_payload("3507255203900001", LAWANG_DESA))
    assert response.status_code == 409
    body = response.json()
    assert isinstance(body.get("details", {}), dict)
    assert body["existing"] == f"/v1/persons/{two_persons['lawang']['id']}"


# --- item 8: smaller leaks -----------------------------------------------------------------------------

def test_unknown_usernames_lock_like_real_ones(gateway, web_session):
    def attempts(username):
        return [web_session.post("/v1/auth/token", json={"grant_type": "password", "username": username,
                                                         "password": "salah-salah-1"}).status_code
                for _ in range(6)]

    assert attempts("fomi") == attempts("tidak-ada-orangnya") == [401, 401, 401, 401, 423, 423]


def test_personal_reads_and_exports_are_not_cached(two_persons, as_user):
    web = as_user("admin")
    for path in (f"/v1/persons/{two_persons['lawang']['id']}", "/v1/persons", "/v1/exports/persons"):
        response = web.get(path)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store", path
