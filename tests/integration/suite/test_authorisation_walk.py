"""Object-level authorisation, walked from the route table: every route with an id in its path or body.

Two officers of the same role hold different areas: staf_lawang (Lawang, 35.07.25) and staf_batu
(Kota Batu, 35.79). For every route whose path names a record, staf_batu asking for Lawang's record
must get exactly the answer an unknown id gets (404, same problem body). For every route declaring
`body_ids`, staf_lawang naming Batu's record in the body must get exactly the answer an unknown id
gets. A new route is walked the day it is added; a path parameter nobody knows fails the walk until
a record for it is added to RECORDS below.
"""
import re

import pytest
from sqlalchemy.orm import sessionmaker

from gateway import accounts
from gateway.access.roles import RoleBook
from gateway.routes import routes_of
from gateway.service import GatewayService
from inklusi_platform.engines import make_engine
from tests.integration.suite.conftest import BATU_DESA, LAWANG_DESA, comparable, person_payload
from tests.support.fieldsheet import sheet
from tests.support.funding_cases import kube_body
from tests.support.gateway_fixtures import PASSWORD
from tests.support.waiting import wait_for

pytestmark = pytest.mark.integration

UNKNOWN_ID = "00000000-0000-0000-0000-000000000000"
UNKNOWN = {"scope": f"pokja-{UNKNOWN_ID}"}  # path parameters whose unknown value is not a bare id
PARAM = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")
ROUTES = [doc for doc in routes_of(GatewayService) if not doc.public]
PATH_ROUTES = [doc for doc in ROUTES if PARAM.search(doc.url) and not doc.unscoped]
# Routes naming a record without an area of its own (declared `unscoped`): readable by all who hold the permission.
UNSCOPED_ROUTES = [doc for doc in ROUTES if doc.unscoped]
BODY_ROUTES = [doc for doc in ROUTES if any(kind is not None for kind in doc.body_ids.values())]


@pytest.fixture
def staf_batu(gateway_db, seeded_accounts):
    engine = make_engine(gateway_db)
    session = sessionmaker(engine)()
    accounts.create_user(session, RoleBook.load(), username="staf_batu", full_name="Staf Batu",
                         org_id="lingkar-sosial", roles=["ngo_staff", "dinsos_officer"], areas=["35.79"],
                         password=PASSWORD)  # dinsos_officer too: every area-scoped permission is walked
    session.commit()
    session.close()
    engine.dispose()


@pytest.fixture
def records(gateway, routed_services, import_worker, staf_batu, as_user):
    """path parameter -> an id of that kind of record in Lawang, plus `outside`: kind -> a record in Batu."""
    lawang, admin = as_user("staf_lawang"), as_user("admin")

    def created(response):
        assert response.status_code in (201, 202), response.text
        return response.json()

    person = created(lawang.post("/v1/persons", json=person_payload("3507255203900001", LAWANG_DESA)))
    twin = lawang.post("/v1/persons", json=person_payload("3507255203900002", LAWANG_DESA))  # flagged as likely
    assert twin.status_code == 201, twin.text
    outside = created(admin.post("/v1/persons", json=person_payload("3579015203900003", BATU_DESA, name="Dewi")))
    pokja = created(lawang.post("/v1/pokja", json={"name": "Pokja Lawang", "area_code": "35.07.25",
                                                   "formed_on": "2026-01-10"}))
    assert lawang.post(f"/v1/pokja/{pokja['id']}/members",
                       json={"person_id": person["id"], "joined_on": "2026-02-01"}).status_code == 201
    outside_pokja = created(admin.post("/v1/pokja", json={"name": "Pokja Batu", "area_code": "35.79.01",
                                                          "formed_on": "2026-01-10"}))
    paguyuban = created(lawang.post("/v1/paguyuban", json={"kecamatan_code": "35.07.25", "name": "Paguyuban Lawang",
                                                           "formed_on": "2026-01-10"}))
    consent = lawang.get(f"/v1/persons/{person['id']}/consents").json()["items"][0]
    job = created(lawang.post("/v1/imports", files={"file": ("lawang.csv", sheet(1), "text/csv")}))
    wait_for(lambda: lawang.get(f"/v1/imports/{job['id']}").json()["status"] in ("done", "failed"), timeout=60,
             message="the import to finish")
    feed = created(lawang.post("/v1/calendar/feeds", json={"scope": "area-35.07.25"}))  # a calendar key
    problem = created(lawang.post("/v1/problems", json={
        "title": "Akses terapi anak", "description": "Terapi jauh dari rumah.", "field": "layanan",
        "area_code": "35.07.25", "people_affected": 12, "severity": "sedang",
        "raisers": [{"kind": "paguyuban", "ref_id": paguyuban["id"]}]}))
    wait_for(lambda: lawang.get(f"/v1/notifications?person_id={person['id']}").json()["items"], timeout=30,
             message="the welcome notification of the Lawang person")
    notification = lawang.get(f"/v1/notifications?person_id={person['id']}").json()["items"][0]
    flags = lawang.get("/v1/duplicate-flags").json()["items"]
    assert flags, "registering the twin should have flagged a likely duplicate"
    # training: a Lawang training for the pokja, with its session and an enrolment
    programme = created(admin.post("/v1/programmes", json={
        "title": "Kewirausahaan Sosial", "topic": "kewirausahaan", "organiser_org": "Lingkar Sosial",
        "audience": "anggota_pokja"}))
    venue = created(admin.post("/v1/venues", json={"name": "Balai Desa Sidoluhur", "address": "Sidoluhur",
                                                   "desa_code": LAWANG_DESA, "features": ["step_free_entrance"]}))
    training = created(lawang.post("/v1/trainings", json={
        "programme_id": programme["id"], "title": "Kewirausahaan Lawang", "area_code": "35.07.25",
        "pokja_id": pokja["id"], "sessions": [{"starts_at": "2026-12-05T09:00:00", "ends_at": "2026-12-05T12:00:00",
                                               "venue_id": venue["id"], "capacity": 5}]}))
    enrolment = created(lawang.post(f"/v1/trainings/{training['id']}/enrolments", json={"person_id": person["id"]}))
    # funding: a programme (no area of its own), a KUBE draft in Lawang and one of its documents
    funding_programme = created(as_user("approver").post("/v1/funding-programmes", json={
        "programme": "KUBE", "year": 2026, "budget": 20_000_000, "kube_max_per_group": 15_000_000,
        "required_training_topic": "kewirausahaan", "reports_required": 1}))
    case = created(lawang.post("/v1/funding-cases", json=kube_body(funding_programme, [person["id"]])))
    document = created(lawang.post(f"/v1/funding-cases/{case['id']}/documents?doc_type=business_plan",
                                   files={"file": ("rencana.pdf", b"%PDF-1.4 rencana", "application/pdf")}))
    return {"person_id": person["id"], "pokja_id": pokja["id"], "paguyuban_id": paguyuban["id"],
            "consent_id": consent["id"], "job_id": job["id"], "flag_id": flags[0]["id"], "feed_id": feed["id"],
            "problem_id": problem["id"], "notification_id": str(notification["id"]), "name": "welcome",
            "training_programme_id": programme["id"],
            "training_id": training["id"], "session_id": training["sessions"][0]["id"],
            "enrolment_id": enrolment["id"], "scope": f"pokja-{pokja['id']}", "programme_id": funding_programme["id"],
            "case_id": case["id"], "document_id": document["id"],
            "outside": {"person": outside["id"], "pokja": outside_pokja["id"]}}


def call(web, doc, url, body=None):
    if doc.method == "GET":
        return web.get(url)
    return web.request(doc.method, url, json=body if body is not None else {}, headers={"If-Match": '"x"'})


ID_FIELD = re.compile(r"(^|_)ids?$")


def test_every_id_field_in_a_body_is_declared():
    """A new route whose body names a record by id must say which kind (or None), so the walk covers it."""
    undeclared = [f"{doc.method} {doc.url}: {name}" for doc in ROUTES if doc.body is not None
                  for name in doc.body().fields if ID_FIELD.search(name) and name not in doc.body_ids]
    assert not undeclared, f"declare these in the route's body_ids: {undeclared}"


def test_every_route_is_walked():
    assert PATH_ROUTES and BODY_ROUTES and UNSCOPED_ROUTES
    known = {"person_id", "pokja_id", "paguyuban_id", "consent_id", "job_id", "flag_id", "training_id", "session_id",
             "enrolment_id", "scope", "programme_id", "case_id", "document_id", "feed_id",
             "problem_id", "notification_id", "name", "training_programme_id"}
    unknown = {name for doc in PATH_ROUTES + UNSCOPED_ROUTES for name in PARAM.findall(doc.url)} - known
    assert not unknown, f"no record for path parameters {unknown}: add one to the `records` fixture"


def test_ids_in_the_path_of_another_area_read_like_unknown_ids(records, as_user):
    batu, lawang = as_user("staf_batu"), as_user("staf_lawang")
    seen = []
    for doc in PATH_ROUTES:
        names = PARAM.findall(doc.url)
        url = PARAM.sub(lambda m: records[m.group(1)], doc.url)
        unknown_url = PARAM.sub(lambda m: UNKNOWN.get(m.group(1), UNKNOWN_ID), doc.url)
        hidden, missing = call(batu, doc, url), call(batu, doc, unknown_url)
        assert hidden.status_code == 404, f"{doc.method} {doc.url}: {hidden.status_code} {hidden.text[:200]}"
        assert comparable(hidden) == comparable(missing), f"{doc.method} {doc.url}"
        if doc.method == "GET":  # the ids are real: their own area reads them
            assert call(lawang, doc, url).status_code == 200, f"{doc.method} {doc.url} for its own area"
        seen.append((doc.method, doc.url, names))
    assert len(seen) == len(PATH_ROUTES)


def test_records_without_an_area_answer_every_area_alike(records, as_user):
    """Declared `unscoped`: a funding programme has no area, so Batu reaches Lawang's exactly as Lawang does."""
    batu, lawang = as_user("staf_batu"), as_user("staf_lawang")
    for doc in UNSCOPED_ROUTES:
        assert set(doc.unscoped) == set(PARAM.findall(doc.url)), f"{doc.method} {doc.url}: only unscoped ids"
        url = PARAM.sub(lambda m: records[m.group(1)], doc.url)
        seen_by_batu, seen_by_lawang = call(batu, doc, url), call(lawang, doc, url)
        assert seen_by_batu.status_code == seen_by_lawang.status_code, f"{doc.method} {doc.url}"
        if doc.method == "GET":
            assert seen_by_batu.status_code == 200, f"{doc.method} {doc.url}: {seen_by_batu.text[:200]}"
            assert seen_by_batu.json() == seen_by_lawang.json(), f"{doc.method} {doc.url}"
        else:
            assert comparable(seen_by_batu) == comparable(seen_by_lawang), f"{doc.method} {doc.url}"


def test_ids_in_the_body_of_another_area_read_like_unknown_ids(records, as_user):
    lawang = as_user("staf_lawang")
    for doc in BODY_ROUTES:
        url = PARAM.sub(lambda m: records[m.group(1)], doc.url)
        for field, kind in doc.body_ids.items():
            if kind is None:
                continue  # no area of its own: the owning service checks it
            assert kind in records["outside"], f"add a record of kind {kind} outside Lawang to the walk"
            outside_id = records["outside"][kind]
            outside = call(lawang, doc, url, {field: outside_id})
            unknown = call(lawang, doc, url, {field: UNKNOWN_ID})
            assert outside.status_code == unknown.status_code == 422, f"{doc.method} {doc.url}: {outside.text}"
            assert comparable(outside)["title"] == comparable(unknown)["title"]
            assert (str(comparable(outside)).replace(outside_id, "ID")
                    == str(comparable(unknown)).replace(UNKNOWN_ID, "ID")), f"{doc.method} {doc.url} {field}"
