"""The needs inventory through the gateway, the real training and registry services, RabbitMQ and PostgreSQL.

The issue's Done-when list: a problem raised by the Kedungkandang paguyuban about therapy access and the
same problem raised by a second organisation end up as one record with two raisers, linked to a training
programme, and the report shows it programmed with the days it took; a forum_viewer sees the problem and
its links but no personal data of a person who raised one.
"""
from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from tests.integration.suite.conftest import person_payload

pytestmark = pytest.mark.integration

KEDUNGKANDANG = "35.73.03"
KEDUNGKANDANG_DESA = "35.73.03.1006"


def today() -> date:
    return datetime.now(ZoneInfo("Asia/Jakarta")).date()  # the forum's day, as the service counts it


@pytest.fixture
def coordinator(gateway_db, seeded_accounts):
    """A FOMI coordinator: raises and triages the inventory, reads no personal record."""
    from sqlalchemy.orm import sessionmaker

    from gateway import accounts
    from gateway.access.roles import RoleBook
    from inklusi_platform.engines import make_engine
    from tests.support.gateway_fixtures import PASSWORD

    engine = make_engine(gateway_db)
    with sessionmaker(engine)() as session:
        accounts.create_user(session, RoleBook.load(), username="koordinator_fomi", full_name="Koordinator",
                             org_id="fomi", roles=["forum_coordinator"], areas=[], password=PASSWORD)
        session.commit()
    engine.dispose()
    return "koordinator_fomi"


@pytest.fixture
def inventory(gateway, registry_service, training_service, as_user):
    """The Kedungkandang paguyuban and a training programme, made by the admin."""
    admin = as_user("admin")
    paguyuban = admin.post("/v1/paguyuban", json={"kecamatan_code": KEDUNGKANDANG, "name": "Paguyuban Kedungkandang",
                                                  "formed_on": "2025-05-01"})
    assert paguyuban.status_code == 201, paguyuban.text
    programme = admin.post("/v1/programmes", json={
        "title": "Pendampingan Terapi Anak", "topic": "lainnya", "organiser_org": "Lingkar Sosial",
        "audience": "paguyuban"})
    assert programme.status_code == 201, programme.text
    return {"paguyuban": paguyuban.json(), "programme": programme.json()}


def therapy(raisers, raised_on: date, **overrides) -> dict:
    return {"title": "Akses terapi untuk anak difabel", "field": "layanan", "area_code": KEDUNGKANDANG,
            "description": "Keluarga harus menunggu berbulan-bulan untuk terapi anak di puskesmas.",
            "people_affected": 35, "severity": "berat", "raisers": raisers, "raised_on": raised_on.isoformat(),
            "evidence": [{"kind": "note", "note": "Dibahas di pertemuan paguyuban"}], **overrides}


def test_two_raisers_one_record_linked_to_a_programme_and_reported_with_its_days(inventory, as_user, coordinator):
    staff, fomi = as_user("admin"), as_user(coordinator)
    raised_on = today() - timedelta(days=20)
    first = staff.post("/v1/problems", json=therapy([{"kind": "paguyuban", "ref_id": inventory["paguyuban"]["id"]}],
                                                    raised_on), headers={"Idempotency-Key": "raise-1"})
    assert first.status_code == 201, first.text
    again = staff.post("/v1/problems", json=therapy([{"kind": "paguyuban", "ref_id": inventory["paguyuban"]["id"]}],
                                                    raised_on), headers={"Idempotency-Key": "raise-1"})
    assert again.json()["id"] == first.json()["id"]  # a retried POST raises nothing twice
    second = fomi.post("/v1/problems", json=therapy([{"kind": "organisasi", "organisation": "HWDI Kota Malang"}],
                                                    raised_on + timedelta(days=5), people_affected=50))
    assert second.status_code == 201, second.text
    problem_id = first.json()["id"]

    merged = fomi.post(f"/v1/problems/{problem_id}/duplicates", json={"duplicate_id": second.json()["id"]})
    assert merged.status_code == 201, merged.text
    assert sorted(r["kind"] for r in merged.json()["raisers"]) == ["organisasi", "paguyuban"]
    assert merged.json()["people_affected"] == 50
    assert [p["id"] for p in fomi.get("/v1/problems").json()["items"]] == [problem_id]

    linked = fomi.post(f"/v1/problems/{problem_id}/links",
                       json={"kind": "programme", "target_id": inventory["programme"]["id"]})
    assert linked.status_code == 201, linked.text
    assert linked.json()["items"][0]["title"] == "Pendampingan Terapi Anak"
    problem = fomi.get(f"/v1/problems/{problem_id}")
    assert problem.json()["status"] == "diprogramkan"
    assert problem.json()["priority"]["parts"][2] == {"factor": "raisers", "value": 2, "points": 20,
                                                      "explanation": "diajukan oleh 2 pihak"}
    listed = fomi.get("/v1/programmes").json()["items"]
    assert [p["problem_ids"] for p in listed] == [[problem_id]]
    assert fomi.get(f"/v1/programmes/{inventory['programme']['id']}").json()["problem_ids"] == [problem_id]

    report = fomi.get("/v1/stats/problems")
    assert report.status_code == 200, report.text
    assert report.json()["programmed"] == [{
        "problem_id": problem_id, "title": "Akses terapi untuk anak difabel", "field": "layanan",
        "area_code": KEDUNGKANDANG, "status": "diprogramkan", "raised_on": raised_on.isoformat(), "days": 20}]
    assert report.json()["open_by_field"]["layanan"] == 1 and report.json()["by_status"]["diprogramkan"] == 1

    steps = fomi.get(f"/v1/problems/{problem_id}/history").json()["items"]
    assert [s["action"] for s in steps] == ["raised", "merged", "linked", "status", "status"]

    sheet = fomi.get("/v1/stats/problems/export")
    assert sheet.status_code == 200
    rows = list(load_workbook(BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "Akses terapi untuk anak difabel" and rows[1][12] == "20"


def test_a_forum_viewer_sees_the_problem_and_links_but_not_the_person_who_raised_it(inventory, as_user):
    admin, viewer = as_user("admin"), as_user("fomi")
    person = admin.post("/v1/persons", json=person_payload("3573035203900001", KEDUNGKANDANG_DESA,
                                                           name="Ibu Ratna"))
    assert person.status_code == 201, person.text
    person_id = person.json()["id"]
    raisers = [{"kind": "person", "ref_id": person_id}]
    refused = admin.post("/v1/problems", json=therapy(raisers, today()))
    assert refused.status_code == 422, refused.text  # no consent for this purpose yet
    consent = admin.post(f"/v1/persons/{person_id}/consents", json={
        "purpose": "inventarisasi_masalah", "given_by": "self", "form": "read_aloud",
        "given_on": today().isoformat()})
    assert consent.status_code == 201, consent.text
    made = admin.post("/v1/problems", json=therapy(raisers, today()))
    assert made.status_code == 201, made.text
    assert made.json()["raisers"][0]["ref_id"] == person_id  # the admin may read persons
    problem_id = made.json()["id"]
    admin.post(f"/v1/problems/{problem_id}/links", json={"kind": "programme",
                                                         "target_id": inventory["programme"]["id"]})

    seen = viewer.get(f"/v1/problems/{problem_id}")
    assert seen.status_code == 200, seen.text
    assert seen.json()["raisers"] == [] and seen.json()["raiser_counts"]["person"] == 1
    assert [link["kind"] for link in viewer.get(f"/v1/problems/{problem_id}/links").json()["items"]] == ["programme"]
    for path in (f"/v1/problems/{problem_id}", "/v1/problems", f"/v1/problems/{problem_id}/history",
                 "/v1/stats/problems"):
        body = viewer.get(path).text
        assert person_id not in body and "Ratna" not in body, path
    comment = viewer.post(f"/v1/problems/{problem_id}/comments", json={"body": "FOMI mendukung"})
    assert comment.status_code == 201, comment.text
    assert viewer.post("/v1/problems", json=therapy([{"kind": "organisasi", "organisation": "FOMI"}],
                                                    today())).status_code == 403
    etag = viewer.get(f"/v1/problems/{problem_id}").headers["ETag"]
    assert viewer.patch(f"/v1/problems/{problem_id}", json={"status": "selesai"},
                        headers={"If-Match": etag}).status_code == 403


def test_triage_needs_if_match_and_a_reason_and_stays_in_the_callers_area(inventory, as_user):
    admin, lawang = as_user("admin"), as_user("staf_lawang")
    made = admin.post("/v1/problems", json=therapy([{"kind": "organisasi", "organisation": "HWDI"}], today()))
    path = f"/v1/problems/{made.json()['id']}"
    assert lawang.get(path).status_code == 404  # Kedungkandang is outside Lawang
    assert admin.patch(path, json={"status": "dikaji"}).status_code == 428
    etag = admin.get(path).headers["ETag"]
    skipped = admin.patch(path, json={"status": "selesai"}, headers={"If-Match": etag})
    assert skipped.status_code == 409, skipped.text
    no_reason = admin.patch(path, json={"status": "ditolak"}, headers={"If-Match": etag})
    assert no_reason.status_code == 422, no_reason.text
    rejected = admin.patch(path, json={"status": "ditolak", "reason": "Sudah ditangani Dinas Kesehatan"},
                           headers={"If-Match": etag})
    assert rejected.status_code == 200, rejected.text
    assert admin.patch(path, json={"severity": "ringan"}, headers={"If-Match": etag}).status_code == 412
    wide = lawang.post("/v1/problems", json=therapy([{"kind": "organisasi", "organisation": "HWDI"}], today(),
                                                    area_code=None))
    assert wide.status_code == 403  # all of Malang Raya is beyond an area-limited staff member
    action = admin.post("/v1/advocacy-actions", json={
        "title": "Audiensi Dinas Kesehatan", "kind": "audiensi", "held_on": "2026-10-02",
        "counterpart_org": "Dinas Kesehatan Kota Malang", "outcome": "Jadwal terapi keliling", "area_code": "35.73"})
    assert action.status_code == 201, action.text
    assert [a["id"] for a in lawang.get("/v1/advocacy-actions").json()["items"]] == []


def test_a_training_outside_the_callers_area_cannot_be_linked(inventory, as_user):
    admin, lawang = as_user("admin"), as_user("staf_lawang")
    venue = admin.post("/v1/venues", json={"name": "Balai Kota Batu", "address": "Batu", "desa_code": "35.79.01.1001"})
    training = admin.post("/v1/trainings", json={
        "programme_id": inventory["programme"]["id"], "title": "Terapi Batu", "area_code": "35.79.01",
        "sessions": [{"starts_at": "2026-12-05T09:00:00", "ends_at": "2026-12-05T12:00:00",
                      "venue_id": venue.json()["id"], "capacity": 5}]})
    assert training.status_code == 201, training.text
    made = lawang.post("/v1/problems", json=therapy([{"kind": "organisasi", "organisation": "HWDI"}], today(),
                                                    area_code="35.07.25"))
    assert made.status_code == 201, made.text
    path = f"/v1/problems/{made.json()['id']}/links"
    refused = lawang.post(path, json={"kind": "training", "target_id": training.json()["id"]})
    assert refused.status_code == 404, refused.text
    assert lawang.get(path).json()["items"] == []
