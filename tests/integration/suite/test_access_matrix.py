"""Every personal-data endpoint x every role x a record in and out of the caller's area (OWASP API1).

The expectations are written out, not derived from the role book, so a wrong role book fails here.
Users (see tests/integration/gateway/conftest.py): admin (everywhere), staf_lawang (ngo_staff, Lawang
35.07.25), ppd_malang (ppd_companion, Kabupaten Malang 35.07), dinsos_batu (dinsos_officer, Kota Batu
35.79), approver (kemensos_approver, everywhere), fomi (forum_viewer). The Lawang record lies in
Kabupaten Malang; the Batu record in Kota Batu.
"""
import pytest

from tests.integration.suite.conftest import BATU_DESA, LAWANG_DESA, person_payload

pytestmark = pytest.mark.integration

USERS = ("admin", "staf_lawang", "ppd_malang", "dinsos_batu", "approver", "fomi")

# user -> (status for the Lawang record, status for the Batu record)
READ_ONE = {
    "admin": (200, 200), "staf_lawang": (200, 404), "ppd_malang": (200, 404), "dinsos_batu": (404, 200),
    "approver": (200, 200), "fomi": (403, 403),
}
WRITE_ONE = {
    "admin": (200, 200), "staf_lawang": (200, 404), "ppd_malang": (200, 404), "dinsos_batu": (403, 403),
    "approver": (403, 403), "fomi": (403, 403),
}
# user -> which of the two records a list shows (None: the list itself is refused)
LISTED = {
    "admin": {"lawang", "batu"}, "staf_lawang": {"lawang"}, "ppd_malang": {"lawang"}, "dinsos_batu": {"batu"},
    "approver": {"lawang", "batu"}, "fomi": None,
}
# user -> (status registering in Lawang, status registering in Batu)
CREATE = {
    "admin": (201, 201), "staf_lawang": (201, 403), "ppd_malang": (201, 403), "dinsos_batu": (403, 403),
    "approver": (403, 403), "fomi": (403, 403),
}
EXPORT = {"admin": 200, "staf_lawang": 200, "ppd_malang": 200, "dinsos_batu": 200, "approver": 403, "fomi": 403}
AGGREGATES = {user: 200 for user in USERS}
AUDIT = {"admin": 200, "staf_lawang": 403, "ppd_malang": 403, "dinsos_batu": 403, "approver": 403, "fomi": 403}


@pytest.mark.parametrize("path", ["/v1/persons/{id}", "/v1/persons/{id}/consents", "/v1/persons/{id}/history"])
def test_reading_one_record(two_persons, as_user, path):
    for user in USERS:
        web = as_user(user)
        got = tuple(web.get(path.format(id=two_persons[place]["id"])).status_code for place in ("lawang", "batu"))
        assert got == READ_ONE[user], f"{user} {path}: {got}"


def test_out_of_area_answer_is_indistinguishable_from_a_missing_record(two_persons, as_user):
    web = as_user("dinsos_batu")
    hidden = web.get(f"/v1/persons/{two_persons['lawang']['id']}")
    missing = web.get("/v1/persons/00000000-0000-0000-0000-000000000000")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["title"] == missing.json()["title"]


def test_updating_one_record(two_persons, as_user):
    admin = as_user("admin")
    for user in USERS:
        web = as_user(user)
        got = []
        for place in ("lawang", "batu"):
            person_id = two_persons[place]["id"]
            etag = admin.get(f"/v1/persons/{person_id}").headers["ETag"]
            got.append(web.patch(f"/v1/persons/{person_id}", json={"business": {"sector": f"kuliner {user}"}},
                                 headers={"If-Match": etag}).status_code)
        assert tuple(got) == WRITE_ONE[user], f"{user}: {got}"


def test_lists_hold_only_in_area_records(two_persons, as_user):
    ids = {two_persons[place]["id"]: place for place in ("lawang", "batu")}
    for user in USERS:
        response = as_user(user).get("/v1/persons")
        if LISTED[user] is None:
            assert response.status_code == 403, user
            continue
        assert response.status_code == 200, user
        seen = {ids[item["id"]] for item in response.json()["items"] if item["id"] in ids}
        assert seen == LISTED[user], f"{user}: {seen}"


def test_a_list_filter_cannot_widen_the_callers_area(two_persons, as_user):
    response = as_user("dinsos_batu").get("/v1/persons", params={"area": "35.07"})
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_registering_in_and_out_of_area(gateway, registry_service, as_user):
    for index, user in enumerate(USERS):
        web = as_user(user)
        got = (
            web.post("/v1/persons", json=person_payload(f"350725520390{100 + index:04d}", LAWANG_DESA,
                                                        name=f"Lawang {user}")).status_code,
            web.post("/v1/persons", json=person_payload(f"357901520390{100 + index:04d}", BATU_DESA,
                                                        name=f"Batu {user}")).status_code,
        )
        assert got == CREATE[user], f"{user}: {got}"


def test_exports_aggregates_and_audit(two_persons, as_user):
    for user in USERS:
        web = as_user(user)
        assert web.get("/v1/exports/persons").status_code == EXPORT[user], user
        assert web.get("/v1/stats/registry").status_code == AGGREGATES[user], user
        assert web.get("/v1/coverage").status_code == AGGREGATES[user], user
        assert web.get("/v1/audit").status_code == AUDIT[user], user


def test_fields_are_masked_by_role(two_persons, as_user):
    person_id = two_persons["lawang"]["id"]
    full = as_user("staf_lawang").get(f"/v1/persons/{person_id}").json()
    assert full["nik"] == "3507255203900001"
    assert full["disability"]["diagnosis"] == "pascapolio"
    assert full["phone"] == "+6281234567890"

    officer = as_user("approver").get(f"/v1/persons/{person_id}").json()
    assert officer["nik"] == "3507255203900001"  # approvers check identity before disbursing
    assert "diagnosis" not in officer["disability"]  # removed, not emptied
    assert "functional_limitations" not in officer["disability"]
    assert officer["disability"]["categories"] == ["fisik"]
    assert officer["phone"] != "+6281234567890"


def test_forum_viewer_gets_statistics_but_no_personal_record(two_persons, as_user):
    web = as_user("fomi")
    stats = web.get("/v1/stats/registry")
    assert stats.status_code == 200
    body = stats.text
    for personal in ("3507255203900001", "Siti Aminah", two_persons["lawang"]["id"], "pascapolio"):
        assert personal not in body
    assert web.get("/v1/persons").status_code == 403
    assert web.get(f"/v1/persons/{two_persons['lawang']['id']}").status_code == 403
