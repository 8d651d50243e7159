"""Eligibility, rule by rule, with the reasons a person reads."""
from funding import cases, eligibility
from tests.support.funding_cases import BANK, LAWANG, STAFF, SUKUN, kube_members, person, plan


def kube_case(uow, programme, count, persons):
    data = {"case_type": "KUBE", "programme_id": programme["id"], "group_name": "KUBE Sekar",
            "members": kube_members(count), "bank_account": BANK, "business_plan": plan()}
    return cases.create_case(uow, data, STAFF, persons)


def evaluate(uow, case_id, persons, completions=()):
    return eligibility.evaluate(cases.eligibility_inputs(uow, case_id), persons, list(completions))


def by_rule(rules):
    return {r["rule"]: r for r in rules}


def test_a_kube_of_four_fails_on_its_size_with_the_reason(uow, kube_programme):
    persons = {f"p{i}": person(f"p{i}") for i in range(1, 5)}
    case = kube_case(uow, kube_programme, 4, persons)
    rules = by_rule(evaluate(uow, case["id"], persons))
    assert rules["member_count"] == {"rule": "member_count", "passed": False, "blocking": True,
                                     "reason": "KUBE beranggotakan 4 orang; minimal 5"}
    assert eligibility.failing(list(rules.values())) == ["member_count"]


def test_a_member_from_another_kecamatan_is_named_with_that_kecamatan(uow, kube_programme):
    persons = {f"p{i}": person(f"p{i}") for i in range(1, 7)}
    persons["p3"] = person("p3", kecamatan=SUKUN)
    case = kube_case(uow, kube_programme, 6, persons)
    rules = by_rule(evaluate(uow, case["id"], persons))
    assert rules["same_kecamatan"]["passed"] is False
    assert rules["same_kecamatan"]["reason"] == "anggota 3 tinggal di kecamatan lain (Sukun)"
    assert rules["member_count"]["passed"] is True


def test_a_valid_kube_passes_every_rule(uow, kube_programme):
    persons = {f"p{i}": person(f"p{i}") for i in range(1, 7)}
    case = kube_case(uow, kube_programme, 6, persons)
    report = eligibility.report(evaluate(uow, case["id"], persons), None)
    assert report["eligible"] and report["may_submit"]
    assert by_rule(report["rules"])["same_kecamatan"]["reason"] == "semua anggota tinggal di kecamatan Lawang"


def test_officers_deceased_members_and_missing_consent_are_each_explained(uow, kube_programme):
    persons = {f"p{i}": person(f"p{i}") for i in range(1, 7)}
    case = kube_case(uow, kube_programme, 6, persons)
    persons["p2"] = person("p2", status="deceased")
    persons["p5"] = person("p5", consent=())
    rules = by_rule(evaluate(uow, case["id"], persons))
    assert rules["registered"]["reason"] == "anggota 2 sudah meninggal"
    assert rules["consent"]["reason"].startswith("anggota 5 belum memberi persetujuan")
    members = kube_members(6)
    members[1]["role"] = "ketua"
    cases.update_case(uow, case["id"], {"members": members}, None, STAFF, persons)
    rules = by_rule(evaluate(uow, case["id"], persons))
    assert rules["officers"]["reason"] == "lebih dari satu ketua, tidak ada sekretaris"


def test_a_member_in_another_submitted_kube_fails_and_a_funded_one_is_only_flagged(uow, kube_programme):
    from funding.models.cases import Case

    persons = {f"p{i}": person(f"p{i}") for i in range(1, 8)}
    first = kube_case(uow, kube_programme, 6, persons)
    uow.session.get(Case, first["id"]).state = "disbursed"
    second = kube_case(uow, kube_programme, 6, persons)
    rules = by_rule(evaluate(uow, second["id"], persons))
    assert rules["one_open_case"]["passed"] is False
    assert rules["one_open_case"]["reason"].startswith("anggota 1, anggota 2, anggota 3")
    assert rules["funded_before"] == {"rule": "funded_before", "passed": False, "blocking": False,
                                      "reason": rules["funded_before"]["reason"]}
    assert rules["funded_before"]["reason"].startswith("kelompok bernama KUBE Sekar, anggota 1, anggota 2")
    assert rules["funded_before"]["reason"].endswith("pernah menerima bantuan KUBE; periksa kembali")
    assert "funded_before" not in eligibility.failing(list(rules.values()))


def test_uep_checks_working_age_plan_limit_and_required_training(uow, uep_programme):
    persons = {"a": person("a", age=61)}
    case = cases.create_case(uow, {"case_type": "UEP", "programme_id": uep_programme["id"], "applicant_id": "a",
                                   "business_plan": plan(6_000_000)}, STAFF, persons)
    rules = by_rule(evaluate(uow, case["id"], persons))
    assert rules["working_age"]["reason"] == "usia pemohon 61 tahun, di luar usia kerja 18–60 tahun"
    assert rules["amount_limit"]["reason"] == "diajukan Rp6.000.000, melebihi batas program Rp5.000.000"
    assert rules["training"]["reason"] == "pemohon belum menyelesaikan pelatihan kewirausahaan"
    done = [{"person_id": "a", "training_id": "t", "programme_id": "x", "topic": "kewirausahaan",
             "completed_at": "2026-01-01T00:00:00+00:00"}]
    assert by_rule(evaluate(uow, case["id"], {"a": person("a", age=40)}, done))["training"]["passed"] is True
    assert by_rule(evaluate(uow, case["id"], persons))["business_plan"]["passed"] is True


def test_a_plan_whose_lines_do_not_add_up_fails(uow, uep_programme):
    persons = {"a": person("a")}
    bad = plan(4_000_000) | {"budget_lines": [{"item": "Peralatan", "amount": 1_000_000}]}
    case = cases.create_case(uow, {"case_type": "UEP", "programme_id": uep_programme["id"], "applicant_id": "a",
                                   "business_plan": bad}, STAFF, persons)
    reason = by_rule(evaluate(uow, case["id"], persons))["business_plan"]["reason"]
    assert reason == "rincian anggaran berjumlah Rp1.000.000, tidak sama dengan yang diajukan Rp4.000.000"


def test_cases_belong_to_the_ketuas_kecamatan(uow, kube_programme):
    persons = {f"p{i}": person(f"p{i}", kecamatan=SUKUN if i == 1 else LAWANG) for i in range(1, 7)}
    case = kube_case(uow, kube_programme, 6, persons)
    assert case["kecamatan_code"] == SUKUN
