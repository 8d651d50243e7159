"""Funding through the gateway, with the real registry, a training stand-in, RabbitMQ and PostgreSQL.

Covers issue 12's "Done when": KUBE eligibility explained (4 members; a member from another
kecamatan), a valid 6-member case from draft to closed through the right roles, the submitter
refused when approving, a member's death putting the case on hold, and the budget limit.
"""
import hashlib

import pytest

from inklusi_platform.contracts.funding import UNKNOWN_PERSON
from tests.support.events import event_tap
from tests.support.funding_cases import VISIT, kube_body, open_case, rules_of, step
from tests.support.waiting import wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def funding_events(rabbit_config):
    with event_tap(rabbit_config["AMQP_URI"], "funding") as get_all:
        yield get_all


def lawang(funding_people, count):
    return [funding_people[f"lawang{i}"] for i in range(1, count + 1)]


def test_kube_eligibility_explains_four_members_and_a_member_from_another_kecamatan(kube_programme, funding_people,
                                                                                    as_user):
    staff, admin = as_user("staf_lawang"), as_user("admin")
    small = open_case(staff, kube_programme, lawang(funding_people, 4))
    rules = rules_of(staff, small["id"])
    assert rules["member_count"]["passed"] is False
    assert rules["member_count"]["reason"] == "KUBE beranggotakan 4 orang; minimal 5"
    refused = step(staff, small["id"], "submit", expect=409)
    assert refused["details"]["failing_rules"] == ["member_count"]

    mixed = open_case(admin, kube_programme, lawang(funding_people, 5) + [funding_people["sukun"]])
    rules = rules_of(admin, mixed["id"])
    assert rules["same_kecamatan"]["passed"] is False
    assert rules["same_kecamatan"]["reason"] == "anggota 6 tinggal di kecamatan lain (Sukun)"
    assert rules["training"]["passed"] is True  # answered by the training stand-in


def test_a_person_outside_the_callers_area_is_refused_like_an_unknown_id(kube_programme, funding_people, as_user):
    staff = as_user("staf_lawang")
    five = lawang(funding_people, 5)
    outside = staff.post("/v1/funding-cases", json=kube_body(kube_programme, five + [funding_people["sukun"]]))
    unknown = staff.post("/v1/funding-cases", json=kube_body(kube_programme, five + ["nobody"]))
    assert outside.status_code == unknown.status_code == 422
    assert outside.json()["errors"] == unknown.json()["errors"] == {"members.5.person_id": [UNKNOWN_PERSON]}


def test_a_valid_six_member_case_goes_from_draft_to_closed_through_the_right_roles(
        kube_programme, funding_people, as_user, dinsos_malang, funding_events):
    staff, ppd, dinsos, approver = (as_user(u) for u in ("staf_lawang", "ppd_malang", dinsos_malang, "approver"))
    case = open_case(staff, kube_programme, lawang(funding_people, 6))
    assert all(r["passed"] for r in rules_of(staff, case["id"]).values())
    step(staff, case["id"], "submit")
    wrong = step(ppd, case["id"], "approve", expect=409, amount=1)
    assert wrong["details"] == {"state": "submitted", "allowed_actions": ["verify", "reject", "withdraw"]}
    step(ppd, case["id"], "verify", **VISIT)
    assert as_user("dinsos_batu").get(f"/v1/funding-cases/{case['id']}").status_code == 404  # another city
    step(dinsos, case["id"], "recommend", note="Layak; usaha sudah berjalan")
    step(approver, case["id"], "approve", amount=6_000_000)
    step(approver, case["id"], "disburse", amount=6_000_000, transfer_reference="BRI-2026-0001",
         disbursed_on="2026-11-25")
    step(ppd, case["id"], "start_monitoring")
    report = ppd.post(f"/v1/funding-cases/{case['id']}/reports", json={
        "business_running": True, "revenue": 2_500_000, "people_employed": 6,
        "photos": [{"file_name": "warung.jpg", "taken_on": "2026-11-28"}]})
    assert report.status_code == 201, report.text
    closed = step(dinsos, case["id"], "close", note="Usaha mandiri")
    assert closed["state"] == "closed" and closed["allowed_actions"] == []

    history = staff.get(f"/v1/funding-cases/{case['id']}/transitions").json()["items"]
    moves = {h["action"]: h["actor"] for h in history if h["from_state"] not in (None, h["to_state"])}
    assert list(moves) == ["submit", "verify", "recommend", "approve", "disburse", "start_monitoring", "close"]
    assert moves["submit"] == case["created_by"]
    assert len({moves["submit"], moves["verify"], moves["recommend"], moves["approve"]}) == 4
    assert moves["disburse"] == moves["approve"] and moves["close"] == moves["recommend"]
    assert all(h["correlation_id"] for h in history)
    names = wait_for(lambda: (n := [e["type"] for e in funding_events()]) and "funding.case_closed" in n and n,
                     message="case_closed event")
    assert names == ["funding.case_submitted", "funding.case_verified", "funding.case_recommended",
                     "funding.case_approved", "funding.funds_disbursed", "funding.case_closed"]
    approved = next(e for e in funding_events() if e["type"] == "funding.case_approved")
    assert approved["payload"]["amount"] == 6_000_000 and "members" not in approved["payload"]

    stats = approver.get("/v1/stats/funding").json()
    assert stats["by_state"] == {"closed": 1}
    assert stats["amounts"][0]["disbursed"] == 6_000_000 and stats["amounts"][0]["remaining"] == 14_000_000


def test_the_submitter_is_refused_when_approving(kube_programme, funding_people, as_user, dinsos_malang):
    admin = as_user("admin")  # holds every permission, so only separation of duties can refuse
    case = open_case(admin, kube_programme, lawang(funding_people, 6))
    step(admin, case["id"], "submit")
    step(as_user("ppd_malang"), case["id"], "verify", **VISIT)
    step(as_user(dinsos_malang), case["id"], "recommend", note="Layak")
    refused = step(admin, case["id"], "approve", expect=403, amount=6_000_000)
    assert "Pemisahan tugas" in refused["detail"]
    assert as_user("staf_lawang").get(f"/v1/funding-cases/{case['id']}").json()["state"] == "recommended"


def test_a_members_death_puts_the_open_case_on_hold(kube_programme, funding_people, as_user, funding_events):
    staff, admin = as_user("staf_lawang"), as_user("admin")
    case = open_case(staff, kube_programme, lawang(funding_people, 6))
    step(staff, case["id"], "submit")
    person_id = funding_people["lawang3"]
    etag = admin.get(f"/v1/persons/{person_id}").headers["ETag"]
    died = admin.patch(f"/v1/persons/{person_id}", json={"status": "deceased"}, headers={"If-Match": etag})
    assert died.status_code == 200, died.text
    held = wait_for(lambda: (c := staff.get(f"/v1/funding-cases/{case['id']}").json())["state"] == "on_hold" and c,
                    message="case on hold")
    assert held["state_before_hold"] == "submitted"
    assert held["hold_reasons"][0]["reason"] == "person_deceased"
    hold_event = wait_for(lambda: [e for e in funding_events() if e["type"] == "funding.case_on_hold"],
                          message="case_on_hold event")[0]
    assert hold_event["payload"]["reason"] == "person_deceased"
    assert step(staff, case["id"], "resume", expect=409, resolution="belum")["details"]["failing_rules"] == [
        "registered"]


def test_approving_beyond_the_programmes_remaining_budget_is_refused(kube_programme, funding_people, as_user,
                                                                    dinsos_malang):
    staff, ppd, dinsos, approver = (as_user(u) for u in ("staf_lawang", "ppd_malang", dinsos_malang, "approver"))
    first = open_case(staff, kube_programme, lawang(funding_people, 6), amount=12_000_000)
    second = open_case(as_user("admin"), kube_programme, lawang(funding_people, 12)[6:], 12_000_000)
    for case in (first, second):
        step(staff if case is first else as_user("admin"), case["id"], "submit")
        step(ppd, case["id"], "verify", **VISIT)
        step(dinsos, case["id"], "recommend", note="Layak")
    step(approver, first["id"], "approve", amount=12_000_000)
    refused = step(approver, second["id"], "approve", expect=409, amount=12_000_000)
    assert refused["detail"] == "Jumlah Rp12.000.000 melebihi sisa anggaran program KUBE 2026 (Rp8.000.000)."
    programme = approver.get(f"/v1/funding-programmes/{kube_programme['id']}").json()
    assert programme["remaining"] == 8_000_000


def test_documents_are_stored_with_their_hash_and_downloads_are_audited(kube_programme, funding_people, as_user):
    staff, admin = as_user("staf_lawang"), as_user("admin")
    case = open_case(staff, kube_programme, lawang(funding_people, 6))
    content = b"%PDF-1.4 rencana usaha KUBE"
    uploaded = staff.post(f"/v1/funding-cases/{case['id']}/documents?doc_type=business_plan",
                          files={"file": ("rencana.pdf", content, "application/pdf")})
    assert uploaded.status_code == 201, uploaded.text
    doc = uploaded.json()
    assert doc["size"] == len(content) and doc["uploaded_by"] == case["created_by"]
    assert doc["sha256"] == hashlib.sha256(content).hexdigest()
    download = staff.get(f"/v1/funding-cases/{case['id']}/documents/{doc['id']}")
    assert download.status_code == 200 and download.content == content
    assert as_user("dinsos_batu").get(f"/v1/funding-cases/{case['id']}/documents/{doc['id']}").status_code == 404
    audit = admin.get("/v1/audit").json()["items"]
    assert any(e["action"] == "export" and e["resource"] == "funding_document" for e in audit)


def test_an_authorised_override_with_a_reason_lets_a_failing_case_be_submitted(kube_programme, funding_people,
                                                                              as_user, dinsos_malang):
    staff, dinsos = as_user("staf_lawang"), as_user(dinsos_malang)
    case = open_case(staff, kube_programme, lawang(funding_people, 4))
    etag = staff.get(f"/v1/funding-cases/{case['id']}").headers["ETag"]
    path = f"/v1/funding-cases/{case['id']}/eligibility/override"
    assert staff.post(path, json={"reason": "x"}, headers={"If-Match": etag}).status_code == 403
    assert dinsos.post(path, json={}, headers={"If-Match": etag}).status_code == 422
    overridden = dinsos.post(path, json={"reason": "Anggota kelima menyusul setelah sembuh"},
                             headers={"If-Match": etag})
    assert overridden.status_code == 200, overridden.text
    assert overridden.json()["eligibility_override"]["rules"] == ["member_count"]
    report = staff.get(f"/v1/funding-cases/{case['id']}/eligibility").json()
    assert report["eligible"] is False and report["may_submit"] is True
    assert step(staff, case["id"], "submit")["state"] == "submitted"


def test_who_sees_and_changes_funding_cases(kube_programme, funding_people, as_user):
    staff = as_user("staf_lawang")
    case = open_case(staff, kube_programme, lawang(funding_people, 6))
    path = f"/v1/funding-cases/{case['id']}"
    readers = {"admin": 200, "ppd_malang": 200, "approver": 200, "dinsos_batu": 404, "fomi": 403}
    for suffix in ("", "/eligibility", "/transitions", "/documents", "/reports"):
        seen = {user: as_user(user).get(path + suffix).status_code for user in readers}
        assert seen == readers, suffix
    programmes = {user: as_user(user).get("/v1/funding-programmes").status_code for user in readers}
    assert programmes == {"admin": 200, "ppd_malang": 200, "approver": 200, "dinsos_batu": 200, "fomi": 403}
    assert {user: as_user(user).get("/v1/stats/funding").status_code for user in readers} == dict.fromkeys(
        readers, 200)
    listed = {user: [c["id"] for c in as_user(user).get("/v1/funding-cases").json().get("items", [])]
              for user in ("staf_lawang", "dinsos_batu")}
    assert listed == {"staf_lawang": [case["id"]], "dinsos_batu": []}
    assert as_user("ppd_malang").post("/v1/funding-cases", json=kube_body(kube_programme, [])).status_code == 403
    etag = staff.get(path).headers["ETag"]
    assert staff.patch(path, json={"group_name": "KUBE Mawar"}).status_code == 428
    renamed = staff.patch(path, json={"group_name": "KUBE Mawar"}, headers={"If-Match": etag})
    assert renamed.status_code == 200 and renamed.json()["group_name"] == "KUBE Mawar"
    assert staff.patch(path, json={"group_name": "KUBE Melati"}, headers={"If-Match": etag}).status_code == 412
    retry = {"Idempotency-Key": "submit-once", "If-Match": renamed.headers["ETag"]}
    first = staff.post(f"{path}/transitions", json={"action": "submit"}, headers=retry)
    again = staff.post(f"{path}/transitions", json={"action": "submit"}, headers=retry)
    assert first.status_code == again.status_code == 200 and first.json() == again.json()


def test_the_database_refuses_to_rewrite_a_cases_history(kube_programme, funding_people, as_user, migrated_databases):
    import sqlalchemy as sa

    open_case(as_user("staf_lawang"), kube_programme, lawang(funding_people, 6))
    engine = sa.create_engine(migrated_databases("funding"))
    try:
        for statement in ("UPDATE funding_case_transitions SET actor = 'someone else'",
                          "DELETE FROM funding_case_transitions"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as connection:
                connection.execute(sa.text(statement))
    finally:
        engine.dispose()
