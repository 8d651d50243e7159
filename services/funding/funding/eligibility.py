"""Eligibility, explained: each rule with pass or fail and a reason a person can read (UU 27/2022).

Plain functions over facts: the case, its programme's settings, the registry's facts about each
person (`persons_by_ids`), training completions and this service's own record of other cases.
"""
from funding import budget
from funding.cases import EligibilityInputs
from inklusi_platform.contracts.funding import CONSENT_PURPOSES, OFFICER_ROLES
from inklusi_platform.regions import regions

STATUS_WORDS = {"deceased": "sudah meninggal", "merged": "datanya sudah digabung ke data lain",
                "moved_away": "sudah pindah dari Malang Raya"}


def rule(code: str, passed: bool, reason: str, blocking: bool = True) -> dict:
    return {"rule": code, "passed": passed, "blocking": blocking, "reason": reason}


def kecamatan_name(code: str | None) -> str:
    region = regions().get(code) if code else None
    return region.name if region else (code or "?")


def _who(case: dict, member: dict) -> str:
    return "pemohon" if case["case_type"] == "UEP" else f"anggota {member['position']}"


def _listing(labels: list[str]) -> str:
    return ", ".join(labels)


def person_rules(case: dict, persons: dict) -> list[dict]:
    """Every named person is registered, active and has consent recorded."""
    members = case["members"]
    unknown = [_who(case, m) for m in members if m["person_id"] not in persons]
    inactive = [f"{_who(case, m)} {STATUS_WORDS.get(persons[m['person_id']]['status'], 'tidak aktif')}"
                for m in members if m["person_id"] in persons and persons[m["person_id"]]["status"] != "active"]
    no_consent = [_who(case, m) for m in members if m["person_id"] in persons
                  and not set(persons[m["person_id"]].get("consent_active") or ()) & set(CONSENT_PURPOSES)]
    subject = "pemohon" if case["case_type"] == "UEP" else "semua anggota"
    return [
        rule("registered", not unknown and not inactive,
             _listing([f"{w} tidak ditemukan di registri" for w in unknown] + inactive)
             or f"{subject} terdaftar dan aktif"),
        rule("consent", not no_consent,
             f"{_listing(no_consent)} belum memberi persetujuan (consent) pendataan atau bantuan usaha"
             if no_consent else f"{subject} sudah memberi persetujuan"),
    ]


def _age_rule(case: dict, persons: dict, programme) -> dict:
    member = case["members"][0]
    age = (persons.get(member["person_id"]) or {}).get("age")
    span = f"{programme.min_age}–{programme.max_age} tahun"
    if age is None:
        return rule("working_age", False, f"usia pemohon tidak diketahui; usia kerja {span}")
    passed = programme.min_age <= age <= programme.max_age
    return rule("working_age", passed, f"usia pemohon {age} tahun, " + ("dalam" if passed else "di luar")
                + f" usia kerja {span}")


def _plan_rule(case: dict) -> dict:
    plan = case.get("business_plan") or {}
    missing = [label for key, label in (("sector", "sektor usaha"), ("description", "uraian usaha"),
                                        ("budget_lines", "rincian anggaran"),
                                        ("requested_amount", "jumlah yang diajukan")) if not plan.get(key)]
    if missing:
        return rule("business_plan", False, "rencana usaha belum lengkap: " + _listing(missing))
    total = sum(line["amount"] for line in plan["budget_lines"])
    if total != plan["requested_amount"]:
        return rule("business_plan", False, f"rincian anggaran berjumlah {budget.rupiah(total)}, tidak sama "
                                            f"dengan yang diajukan {budget.rupiah(plan['requested_amount'])}")
    return rule("business_plan", True, "rencana usaha lengkap")


def _amount_rule(case: dict, programme) -> dict:
    requested = (case.get("business_plan") or {}).get("requested_amount")
    limit = budget.case_limit(programme, case["case_type"], len(case["members"]))
    if requested is None:
        return rule("amount_limit", False, "jumlah yang diajukan belum diisi")
    if limit is not None and requested > limit:
        return rule("amount_limit", False, f"diajukan {budget.rupiah(requested)}, melebihi batas program "
                                           f"{budget.rupiah(limit)}")
    return rule("amount_limit", True, f"diajukan {budget.rupiah(requested)}, dalam batas program"
                + (f" {budget.rupiah(limit)}" if limit is not None else ""))


def _training_rule(case: dict, programme, completions: list[dict]) -> dict | None:
    topic = programme.required_training_topic
    if not topic:
        return None
    done = {c["person_id"] for c in completions if c.get("topic") == topic}
    missing = [_who(case, m) for m in case["members"] if m["person_id"] not in done]
    if missing:
        return rule("training", False, f"{_listing(missing)} belum menyelesaikan pelatihan {topic}")
    subject = "pemohon" if case["case_type"] == "UEP" else "semua anggota"
    return rule("training", True, f"{subject} sudah menyelesaikan pelatihan {topic}")


def _kube_rules(inputs: EligibilityInputs, persons: dict) -> list[dict]:
    case, programme = inputs.case, inputs.programme
    members = case["members"]
    count = len(members)
    span = f"{programme.min_members}–{programme.max_members} orang"
    if count < programme.min_members:
        size = rule("member_count", False, f"KUBE beranggotakan {count} orang; minimal {programme.min_members}")
    elif count > programme.max_members:
        size = rule("member_count", False, f"KUBE beranggotakan {count} orang; maksimal {programme.max_members}")
    else:
        size = rule("member_count", True, f"KUBE beranggotakan {count} orang ({span})")

    home = case["kecamatan_code"]
    living = {m["position"]: persons[m["person_id"]]["kecamatan_code"] for m in members if m["person_id"] in persons}
    elsewhere = [f"{_who(case, m)} tinggal di kecamatan lain ({kecamatan_name(living[m['position']])})"
                 for m in members if living.get(m["position"], home) != home]
    same = rule("same_kecamatan", not elsewhere,
                _listing(elsewhere) or f"semua anggota tinggal di kecamatan {kecamatan_name(home)}")

    roles = [m["role"] for m in members]
    officer_problems = [f"{'tidak ada' if roles.count(r) == 0 else 'lebih dari satu'} {r}"
                        for r in OFFICER_ROLES if roles.count(r) != 1]
    officers = rule("officers", not officer_problems, _listing(officer_problems)
                    or "ada satu ketua, satu sekretaris dan satu bendahara")

    account = case.get("bank_account") or {}
    bank = rule("bank_account", bool(account.get("bank") and account.get("account_number") and account.get("holder")),
                "rekening bank atas nama kelompok tercatat" if account else "rekening bank kelompok belum diisi")

    busy = [_who(case, m) for m in members if m["person_id"] in inputs.other_open_cases]
    single = rule("one_open_case", not busy, f"{_listing(busy)} sudah terdaftar di kasus KUBE lain yang masih berjalan"
                  if busy else "tidak ada anggota di kasus KUBE lain yang masih berjalan")

    funded = [_who(case, m) for m in members if m["person_id"] in inputs.funded_before]
    if inputs.group_funded_before:
        funded.insert(0, f"kelompok bernama {case['group_name']}")
    previous = rule("funded_before", not funded, f"{_listing(funded)} pernah menerima bantuan KUBE; periksa kembali"
                    if funded else "kelompok dan anggotanya belum pernah menerima bantuan KUBE", blocking=False)
    return [size, same, officers, bank, single, previous]


def evaluate(inputs: EligibilityInputs, persons: dict, completions: list[dict]) -> list[dict]:
    """Every rule of the case's type, in a fixed order. `persons` maps person id -> registry facts."""
    case, programme = inputs.case, inputs.programme
    rules = person_rules(case, persons)
    if case["case_type"] == "UEP":
        rules.append(_age_rule(case, persons, programme))
    else:
        rules += _kube_rules(inputs, persons)
    rules += [_plan_rule(case), _amount_rule(case, programme)]
    training = _training_rule(case, programme, completions)
    if training is not None:
        rules.append(training)
    return rules


def failing(rules: list[dict]) -> list[str]:
    """Codes of the rules that block a submission."""
    return [r["rule"] for r in rules if r["blocking"] and not r["passed"]]


def report(rules: list[dict], override: dict | None) -> dict:
    blocking = failing(rules)
    covered = bool(override) and set(blocking) <= set(override.get("rules", ()))
    return {"eligible": not blocking, "may_submit": not blocking or covered, "rules": rules,
            "override": override}
