"""The case state machine: the path from draft to closed, who may take each step, holds and refusals."""
from datetime import date

import pytest

from funding import cases, eligibility, monitoring, workflow
from inklusi_platform.errors import Conflict, Forbidden, PreconditionFailed, ValidationFailed
from tests.support.funding_cases import (
    APPROVER,
    BANK,
    DINSOS,
    PPD,
    STAFF,
    VISIT,
    actor,
    kube_members,
    members_for,
    person,
    plan,
)

PERSONS = {f"p{i}": person(f"p{i}") for i in range(1, 7)}


def open_kube(uow, programme, amount=6_000_000, persons=PERSONS):
    return cases.create_case(uow, {"case_type": "KUBE", "programme_id": programme["id"], "group_name": "KUBE Sekar",
                                   "members": members_for(list(persons)), "bank_account": BANK,
                                   "business_plan": plan(amount)}, STAFF, persons)


def rules_for(uow, case_id, persons=PERSONS):
    return eligibility.evaluate(cases.eligibility_inputs(uow, case_id), persons, [])


def step(uow, case, who, action, persons=PERSONS, **fields):
    rules = rules_for(uow, case["id"], persons) if action in ("submit", "resume") else None
    return workflow.transition(uow, case["id"], {"action": action, **fields}, case["version"], who, rules)


def events(uow):
    return [(e["type"].split(".", 1)[1], e["payload"]) for e in uow.emitted]


def to_recommended(uow, programme, amount=6_000_000, persons=PERSONS):
    case = open_kube(uow, programme, amount, persons)
    case = step(uow, case, STAFF, "submit", persons)
    case = step(uow, case, PPD, "verify", **VISIT)
    return step(uow, case, DINSOS, "recommend", note="Layak didanai")


def test_a_valid_six_member_case_goes_from_draft_to_closed(uow, kube_programme):
    case = to_recommended(uow, kube_programme)
    case = step(uow, case, APPROVER, "approve", amount=6_000_000)
    case = step(uow, case, APPROVER, "disburse", amount=6_000_000, transfer_reference="TRX-1",
                disbursed_on="2026-01-10")
    case = step(uow, case, PPD, "start_monitoring")
    for _ in range(2):
        monitoring.record_report(uow, case["id"], {"business_running": True, "revenue": 1_500_000,
                                                   "people_employed": 6}, PPD)
    case = step(uow, cases.get_case(uow, case["id"]), DINSOS, "close", note="Usaha mandiri")
    assert case["state"] == "closed" and case["allowed_actions"] == []
    assert [name for name, _ in events(uow)] == ["case_submitted", "case_verified", "case_recommended",
                                                 "case_approved", "funds_disbursed", "case_closed"]
    assert events(uow)[3][1]["amount"] == 6_000_000
    history = cases.history(uow, case["id"])
    assert [h["action"] for h in history] == ["create", "submit", "verify", "recommend", "approve", "disburse",
                                              "start_monitoring", "report", "report", "close"]
    assert history[2]["actor"] == "user:ppd" and history[2]["data"]["visit_date"] == "2026-11-20"
    assert all(h["correlation_id"] == "test-correlation" for h in history)


def test_events_carry_no_personal_data(uow, kube_programme):
    to_recommended(uow, kube_programme)
    for _, payload in events(uow):
        assert set(payload) <= {"case_id", "case_type", "programme_id", "year", "kecamatan_code", "state", "amount"}


def test_the_submitter_may_not_approve(uow, kube_programme):
    case = to_recommended(uow, kube_programme)
    submitter_with_approval = actor("staf", "funding:approve", "funding:propose")
    with pytest.raises(Forbidden) as refused:
        step(uow, case, submitter_with_approval, "approve", amount=1_000_000)
    assert "Pemisahan tugas" in str(refused.value)


def test_the_recommender_may_not_approve_and_the_submitter_may_not_verify(uow, kube_programme):
    case = to_recommended(uow, kube_programme)
    with pytest.raises(Forbidden):
        step(uow, case, actor("dinsos", "funding:approve"), "approve", amount=1_000_000)
    other = open_kube(uow, kube_programme, persons={f"q{i}": person(f"q{i}") for i in range(1, 7)})
    other = step(uow, other, STAFF, "submit", persons={f"q{i}": person(f"q{i}") for i in range(1, 7)})
    with pytest.raises(Forbidden):
        step(uow, other, actor("staf", "funding:verify"), "verify", **VISIT)


def test_a_role_without_the_steps_permission_is_refused(uow, kube_programme):
    case = open_kube(uow, kube_programme)
    case = step(uow, case, STAFF, "submit")
    with pytest.raises(Forbidden):
        step(uow, case, DINSOS, "verify", **VISIT)


def test_an_invalid_step_is_409_with_the_state_and_the_allowed_steps(uow, kube_programme):
    case = open_kube(uow, kube_programme)
    with pytest.raises(Conflict) as refused:
        step(uow, case, APPROVER, "approve", amount=1)
    assert refused.value.details == {"state": "draft", "allowed_actions": ["submit", "withdraw"]}


def test_each_step_requires_its_fields(uow, kube_programme):
    case = step(uow, open_kube(uow, kube_programme), STAFF, "submit")
    with pytest.raises(ValidationFailed) as refused:
        step(uow, case, PPD, "verify", findings="ok", amount=5)
    assert refused.value.details == {"visit_date": ["Wajib diisi untuk langkah ini."],
                                     "checklist": ["Wajib diisi untuk langkah ini."],
                                     "amount": ["Tidak dipakai pada langkah ini."]}


def test_a_stale_version_changes_nothing(uow, kube_programme):
    case = open_kube(uow, kube_programme)
    with pytest.raises(PreconditionFailed):
        workflow.transition(uow, case["id"], {"action": "submit"}, case["version"] + 5, STAFF,
                            rules_for(uow, case["id"]))
    assert cases.get_case(uow, case["id"])["state"] == "draft"


def test_approving_beyond_the_remaining_budget_is_refused(uow, kube_programme):
    # Budget 20 juta; the first case takes 12 juta, the second asks 12 juta with 8 juta left.
    first = to_recommended(uow, kube_programme, amount=12_000_000)
    step(uow, first, APPROVER, "approve", amount=12_000_000)
    second = to_recommended(uow, kube_programme, 12_000_000, {f"q{i}": person(f"q{i}") for i in range(1, 7)})
    with pytest.raises(Conflict) as refused:
        step(uow, second, APPROVER, "approve", amount=12_000_000)
    assert str(refused.value) == "Jumlah Rp12.000.000 melebihi sisa anggaran program KUBE 2026 (Rp8.000.000)."
    assert step(uow, second, APPROVER, "approve", amount=8_000_000)["state"] == "approved"


def test_approval_above_the_programme_limit_and_disbursement_above_approval_are_refused(uow, kube_programme):
    case = to_recommended(uow, kube_programme, amount=12_000_000)  # limit: 6 members x 2 juta = 12 juta
    with pytest.raises(Conflict):
        step(uow, case, APPROVER, "approve", amount=13_000_000)
    case = step(uow, case, APPROVER, "approve", amount=10_000_000)
    with pytest.raises(Conflict):
        step(uow, case, APPROVER, "disburse", amount=11_000_000, transfer_reference="T", disbursed_on="2026-01-01")


def test_submission_is_blocked_while_a_rule_fails_until_an_override_with_a_reason(uow, kube_programme):
    persons = {f"p{i}": person(f"p{i}") for i in range(1, 5)}
    case = open_kube(uow, kube_programme, persons=persons)
    with pytest.raises(Conflict) as refused:
        step(uow, case, STAFF, "submit", persons=persons)
    assert refused.value.details["failing_rules"] == ["member_count"]
    with pytest.raises(Forbidden):  # the case's own author cannot excuse it
        workflow.record_override(uow, case["id"], {"reason": "x"}, None, actor("staf", "funding:override"),
                                 rules_for(uow, case["id"], persons))
    case = workflow.record_override(uow, case["id"], {"reason": "Anggota kelima sedang sakit, menyusul"}, None,
                                    DINSOS, rules_for(uow, case["id"], persons))
    assert case["eligibility_override"]["rules"] == ["member_count"]
    assert step(uow, case, STAFF, "submit", persons=persons)["state"] == "submitted"


def test_a_deceased_member_puts_open_cases_on_hold_and_resume_waits_for_the_fix(uow, kube_programme):
    case = step(uow, open_kube(uow, kube_programme), STAFF, "submit")
    assert workflow.hold_cases_of(uow, "p4", "person_deceased") == [case["id"]]
    held = cases.get_case(uow, case["id"])
    assert held["state"] == "on_hold" and held["state_before_hold"] == "submitted"
    assert held["allowed_actions"] == ["withdraw", "resume"]
    assert events(uow)[-1] == ("case_on_hold", {
        "case_id": case["id"], "case_type": "KUBE", "programme_id": case["programme_id"], "year": 2026,
        "kecamatan_code": "35.07.25", "state": "on_hold", "reason": "person_deceased",
        "previous_state": "submitted"})
    dead = PERSONS | {"p4": person("p4", status="deceased")}
    with pytest.raises(Conflict):
        step(uow, held, STAFF, "resume", persons=dead, resolution="sudah")
    members = kube_members(6)
    members[3]["person_id"] = "p9"
    fixed = dict(PERSONS) | {"p9": person("p9")}
    held = cases.update_case(uow, case["id"], {"members": members}, held["version"], STAFF, fixed)
    resumed = step(uow, held, STAFF, "resume", persons=fixed, resolution="Anggota 4 diganti")
    assert resumed["state"] == "submitted" and resumed["hold_reasons"] == []


def test_closed_and_withdrawn_cases_are_not_held(uow, kube_programme):
    case = step(uow, open_kube(uow, kube_programme), STAFF, "withdraw", reason="Kelompok bubar")
    assert case["state"] == "withdrawn"
    assert workflow.hold_cases_of(uow, "p1", "consent_withdrawn") == []


def test_closing_waits_for_every_scheduled_report(uow, kube_programme):
    case = to_recommended(uow, kube_programme)
    case = step(uow, case, APPROVER, "approve", amount=6_000_000)
    case = step(uow, case, APPROVER, "disburse", amount=5_000_000, transfer_reference="T",
                disbursed_on=date(2026, 1, 1).isoformat())
    case = step(uow, case, PPD, "start_monitoring")
    with pytest.raises(Conflict) as refused:
        step(uow, case, DINSOS, "close", note="selesai")
    assert str(refused.value) == "Laporan monitoring ke-1, 2 belum masuk."
