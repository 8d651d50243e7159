"""Funding through the gateway, with the real registry, a training stand-in, RabbitMQ and PostgreSQL.

Covers issue 12's "Done when": KUBE eligibility explained (4 members; a member from another
kecamatan), a valid 6-member case from draft to closed through the right roles, the submitter
refused when approving, a member's death putting the case on hold, and the budget limit.
"""
import hashlib
import json

import pytest
from kombu import Connection, Queue

from inklusi_platform.contracts.funding import UNKNOWN_PERSON
from inklusi_platform.publishing import events_exchange
from tests.integration.suite.conftest import LAWANG_DESA, SUKUN_DESA, person_payload
from tests.support.funding_cases import plan
from tests.support.waiting import wait_for

pytestmark = pytest.mark.integration

BANK = {"bank": "BRI", "account_number": "0012345678", "holder": "KUBE Sekar Lawang"}
VISIT = {"visit_date": "2026-11-20", "findings": "Usaha berjalan di rumah ketua",
         "checklist": {"business_exists": True, "members_met": True, "location_matches": True}}
ROLES = ["ketua", "sekretaris", "bendahara", "anggota", "anggota", "anggota", "anggota"]


@pytest.fixture
def funding_events(rabbit_config):
    connection = Connection(rabbit_config["AMQP_URI"])
    queue = Queue("funding-test-tap", exchange=events_exchange("funding"), routing_key="#",
                  durable=False)(connection.channel())
    queue.declare()
    seen = []

    def get_all():
        while (message := queue.get(no_ack=True)) is not None:
            seen.append(json.loads(message.body))
        return list(seen)

    yield get_all
    connection.release()


@pytest.fixture
def people(gateway, registry_service, as_user):
    """Twelve persons in Lawang and one in Sukun, registered by the admin; returns their ids."""
    admin = as_user("admin")
    ids = {}
    for serial in range(1, 13):
        made = admin.post("/v1/persons", json=person_payload(f"35072552039{serial:05d}", LAWANG_DESA,
                                                             name=f"Warga Lawang {chr(64 + serial)}"))
        assert made.status_code == 201, made.text
        ids[f"lawang{serial}"] = made.json()["id"]
    made = admin.post("/v1/persons", json=person_payload("3573045203900099", SUKUN_DESA, name="Warga Sukun"))
    assert made.status_code == 201, made.text
    ids["sukun"] = made.json()["id"]
    return ids


@pytest.fixture
def kube_programme(funding_service, as_user, training_stand_in, people):
    training_stand_in.extend({"person_id": person_id, "training_id": "t1", "programme_id": "tp1",
                              "topic": "kewirausahaan", "completed_at": "2026-10-01T09:00:00+00:00"}
                             for person_id in people.values())
    made = as_user("approver").post("/v1/funding-programmes", json={
        "programme": "KUBE", "year": 2026, "budget": 20_000_000, "kube_max_per_group": 15_000_000,
        "required_training_topic": "kewirausahaan", "reports_required": 1})
    assert made.status_code == 201, made.text
    return made.json()


def kube_body(programme, member_ids, amount=6_000_000):
    return {"case_type": "KUBE", "programme_id": programme["id"], "group_name": "KUBE Sekar Lawang",
            "members": [{"person_id": pid, "role": role} for pid, role in zip(member_ids, ROLES, strict=False)],
            "bank_account": BANK, "business_plan": plan(amount)}


def open_case(web, programme, member_ids, amount=6_000_000):
    made = web.post("/v1/funding-cases", json=kube_body(programme, member_ids, amount))
    assert made.status_code == 201, made.text
    return made.json()


def step(web, case_id, action, expect=200, **fields):
    etag = web.get(f"/v1/funding-cases/{case_id}").headers["ETag"]
    moved = web.post(f"/v1/funding-cases/{case_id}/transitions", json={"action": action, **fields},
                     headers={"If-Match": etag})
    assert moved.status_code == expect, (action, moved.text)
    return moved.json()


def rules_of(web, case_id) -> dict:
    response = web.get(f"/v1/funding-cases/{case_id}/eligibility")
    assert response.status_code == 200, response.text
    return {r["rule"]: r for r in response.json()["rules"]}


def lawang(people, count):
    return [people[f"lawang{i}"] for i in range(1, count + 1)]


def test_kube_eligibility_explains_four_members_and_a_member_from_another_kecamatan(kube_programme, people,
                                                                                    as_user):
    staff, admin = as_user("staf_lawang"), as_user("admin")
    small = open_case(staff, kube_programme, lawang(people, 4))
    rules = rules_of(staff, small["id"])
    assert rules["member_count"]["passed"] is False
    assert rules["member_count"]["reason"] == "KUBE beranggotakan 4 orang; minimal 5"
    refused = step(staff, small["id"], "submit", expect=409)
    assert refused["details"]["failing_rules"] == ["member_count"]

    mixed = open_case(admin, kube_programme, lawang(people, 5) + [people["sukun"]])
    rules = rules_of(admin, mixed["id"])
    assert rules["same_kecamatan"]["passed"] is False
    assert rules["same_kecamatan"]["reason"] == "anggota 6 tinggal di kecamatan lain (Sukun)"
    assert rules["training"]["passed"] is True  # answered by the training stand-in


def test_a_person_outside_the_callers_area_is_refused_like_an_unknown_id(kube_programme, people, as_user):
    staff = as_user("staf_lawang")
    outside = staff.post("/v1/funding-cases", json=kube_body(kube_programme, lawang(people, 5) + [people["sukun"]]))
    unknown = staff.post("/v1/funding-cases", json=kube_body(kube_programme, lawang(people, 5) + ["nobody"]))
    assert outside.status_code == unknown.status_code == 422
    assert outside.json()["errors"] == unknown.json()["errors"] == {"members.5.person_id": [UNKNOWN_PERSON]}


def test_a_valid_six_member_case_goes_from_draft_to_closed_through_the_right_roles(
        kube_programme, people, as_user, dinsos_malang, funding_events):
    staff, ppd, dinsos, approver = (as_user(u) for u in ("staf_lawang", "ppd_malang", dinsos_malang, "approver"))
    case = open_case(staff, kube_programme, lawang(people, 6))
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


def test_the_submitter_is_refused_when_approving(kube_programme, people, as_user, dinsos_malang):
    admin = as_user("admin")  # holds every permission, so only separation of duties can refuse
    case = open_case(admin, kube_programme, lawang(people, 6))
    step(admin, case["id"], "submit")
    step(as_user("ppd_malang"), case["id"], "verify", **VISIT)
    step(as_user(dinsos_malang), case["id"], "recommend", note="Layak")
    refused = step(admin, case["id"], "approve", expect=403, amount=6_000_000)
    assert "Pemisahan tugas" in refused["detail"]
    assert as_user("staf_lawang").get(f"/v1/funding-cases/{case['id']}").json()["state"] == "recommended"


def test_a_members_death_puts_the_open_case_on_hold(kube_programme, people, as_user, funding_events):
    staff, admin = as_user("staf_lawang"), as_user("admin")
    case = open_case(staff, kube_programme, lawang(people, 6))
    step(staff, case["id"], "submit")
    person_id = people["lawang3"]
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


def test_approving_beyond_the_programmes_remaining_budget_is_refused(kube_programme, people, as_user,
                                                                    dinsos_malang):
    staff, ppd, dinsos, approver = (as_user(u) for u in ("staf_lawang", "ppd_malang", dinsos_malang, "approver"))
    first = open_case(staff, kube_programme, lawang(people, 6), amount=12_000_000)
    second = open_case(as_user("admin"), kube_programme, lawang(people, 12)[6:], 12_000_000)
    for case in (first, second):
        step(staff if case is first else as_user("admin"), case["id"], "submit")
        step(ppd, case["id"], "verify", **VISIT)
        step(dinsos, case["id"], "recommend", note="Layak")
    step(approver, first["id"], "approve", amount=12_000_000)
    refused = step(approver, second["id"], "approve", expect=409, amount=12_000_000)
    assert refused["detail"] == "Jumlah Rp12.000.000 melebihi sisa anggaran program KUBE 2026 (Rp8.000.000)."
    programme = approver.get(f"/v1/funding-programmes/{kube_programme['id']}").json()
    assert programme["remaining"] == 8_000_000


def test_documents_are_stored_with_their_hash_and_downloads_are_audited(kube_programme, people, as_user):
    staff, admin = as_user("staf_lawang"), as_user("admin")
    case = open_case(staff, kube_programme, lawang(people, 6))
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
