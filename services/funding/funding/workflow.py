"""The case state machine: which step leads where, what each needs, and the automatic hold.

The table of steps (from which states, to which, by which permission, announcing which event) is
ACTIONS in contracts/funding.py, shared with the gateway. This module applies it.
"""
from sqlalchemy.orm.exc import StaleDataError

from funding import budget, cases, duties, eligibility, monitoring, programmes
from funding.models.cases import Case
from funding.schemas import load
from inklusi_platform import clock
from inklusi_platform.contracts.funding import (
    ACTIONS,
    OVERRIDE_PERMISSION,
    REQUIRED_FIELDS,
    OverrideInput,
    TransitionInput,
    allowed_actions,
)
from inklusi_platform.errors import Conflict, Forbidden, PreconditionFailed, ValidationFailed

STATE_WORDS = {"draft": "draf", "submitted": "diajukan", "verified": "diverifikasi", "recommended": "direkomendasikan",
               "approved": "disetujui", "rejected": "ditolak", "disbursed": "dicairkan", "monitoring": "dipantau",
               "closed": "ditutup", "withdrawn": "ditarik", "on_hold": "ditunda"}


def not_allowed(case: Case, action: str) -> Conflict:
    """409 with the current state and the steps it allows."""
    return Conflict(f"Langkah '{action}' tidak dapat dilakukan pada kasus yang {STATE_WORDS[case.state]}.",
                    {"state": case.state, "allowed_actions": allowed_actions(case.state)})


def _check_version(case: Case, expected_version) -> None:
    if expected_version is not None and case.version != expected_version:
        raise PreconditionFailed(cases.STALE)


def _fields(action: str, values: dict) -> None:
    """Each step takes exactly its own fields: all required, nothing else (it would land in the history)."""
    wanted = REQUIRED_FIELDS.get(action, ())
    errors = {name: ["Wajib diisi untuk langkah ini."] for name in wanted if values.get(name) in (None, "", {})}
    errors.update({name: ["Tidak dipakai pada langkah ini."] for name in values
                   if name != "action" and name not in wanted})
    if errors:
        raise ValidationFailed("Beberapa isian tidak valid.", errors)


def _jsonable(values: dict) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items() if k != "action"}


def transition(uow, case_id: str, data: dict, expected_version, actor: dict, rules: list[dict] | None = None) -> dict:
    """Take one step. `rules` are the eligibility results, needed by submit and resume."""
    values = load(TransitionInput(), data)
    action = ACTIONS[values["action"]]
    case = cases.load_case(uow, case_id, lock=True)
    _check_version(case, expected_version)
    if case.state not in action.sources:
        raise not_allowed(case, action.name)
    duties.check(case, action, actor)
    _fields(action.name, values)
    programme = programmes.load_programme(uow, case.programme_id, lock=action.name == "approve")
    from_state = case.state
    target = action.target or case.state_before_hold
    extra = _apply(uow, case, programme, action.name, values, actor, rules)
    case.state = target
    at = clock.now()
    case.state_entered_at = at
    case.updated_at = at
    cases.record_step(uow, case, action.name, from_state, target, actor, _jsonable(values))
    try:
        uow.session.flush()
    except StaleDataError:
        raise PreconditionFailed(cases.STALE) from None
    if action.event:
        uow.emit(action.event, cases.event_payload(case, programme, **extra))
    return cases.view(uow, case)


def _apply(uow, case: Case, programme, action: str, values: dict, actor: dict, rules) -> dict:
    """The step's own effects on the case; returns extra event fields (amounts)."""
    user = actor["user_id"]
    if action == "submit":
        report = eligibility.report(rules or [], case.eligibility_override)
        if rules is None or not report["may_submit"]:
            raise Conflict("Kasus belum memenuhi syarat; lihat penjelasan kelayakan atau minta pengecualian "
                           "(override) dari pejabat yang berwenang.",
                           {"failing_rules": eligibility.failing(rules or []), "state": case.state,
                            "allowed_actions": allowed_actions(case.state)})
        case.submitted_by = user
    elif action == "verify":
        case.verified_by = user
    elif action == "recommend":
        case.recommended_by = user
    elif action == "approve":
        members = len(cases.members_of(uow, [case.id])[case.id])
        requested = (case.business_plan or {}).get("requested_amount")
        budget.check_approval(programme, case.case_type, members, requested, values["amount"],
                              budget.committed(uow, programme.id))
        case.approved_amount = values["amount"]
        case.approved_by = user
        return {"amount": values["amount"]}
    elif action == "reject":
        case.approved_by = user
    elif action == "disburse":
        if values["amount"] > case.approved_amount:
            raise Conflict(f"Pencairan {budget.rupiah(values['amount'])} melebihi jumlah yang disetujui "
                           f"({budget.rupiah(case.approved_amount)}).")
        case.disbursed_amount = values["amount"]
        case.disbursed_on = values["disbursed_on"]
        return {"amount": values["amount"]}
    elif action == "close":
        missing = monitoring.missing_reports(uow, case, programme)
        if missing:
            raise Conflict(f"Laporan monitoring ke-{', '.join(map(str, missing))} belum masuk.",
                           {"state": case.state,
                            "allowed_actions": allowed_actions(case.state)})
    elif action == "resume":
        failing = [r for r in rules or [] if r["rule"] in ("registered", "consent") and not r["passed"]]
        if rules is None or failing:
            raise Conflict("Penundaan belum selesai: " + "; ".join(r["reason"] for r in failing),
                           {"failing_rules": [r["rule"] for r in failing], "state": case.state,
                            "allowed_actions": allowed_actions(case.state)})
        case.state_before_hold = None
        case.hold_reasons = []
    elif action == "withdraw" and case.state == "on_hold":
        case.state_before_hold = None
    return {}


def record_override(uow, case_id: str, data: dict, expected_version, actor: dict, rules: list[dict]) -> dict:
    """An authorised officer lets a draft be submitted although these rules fail, for this reason."""
    values = load(OverrideInput(), data)
    duties.check_any(actor, (OVERRIDE_PERMISSION,), "mencatat pengecualian kelayakan")
    case = cases.load_case(uow, case_id, lock=True)
    _check_version(case, expected_version)
    if case.state != "draft":
        raise not_allowed(case, "override")
    blocking = eligibility.failing(rules)
    if not blocking:
        raise Conflict("Semua syarat sudah terpenuhi; pengecualian tidak diperlukan.", {"state": case.state})
    if case.created_by == actor["user_id"]:
        raise Forbidden("Pemisahan tugas: pembuat kasus tidak boleh mengecualikan syaratnya sendiri.")
    case.eligibility_override = {"rules": blocking, "reason": values["reason"], "by": actor["user_id"],
                                 "at": clock.iso_time(clock.now())}
    case.updated_at = clock.now()
    cases.record_step(uow, case, "override", case.state, case.state, actor,
                      {"rules": blocking, "reason": values["reason"]})
    try:
        uow.session.flush()
    except StaleDataError:
        raise PreconditionFailed(cases.STALE) from None
    return cases.view(uow, case)


SYSTEM_ACTOR = {"user_id": "system:registry-event", "org_id": None}


def hold_cases_of(uow, person_id: str, reason: str) -> list[str]:
    """Put every open case naming the person on hold (a registry event said they died, withdrew consent
    or were merged away). A case already on hold records the further reason. Returns the case ids."""
    held = []
    for case in cases.open_cases_naming(uow, person_id):
        entry = {"person_id": person_id, "reason": reason, "at": clock.iso_time(clock.now())}
        case.hold_reasons = [*(case.hold_reasons or []), entry]
        case.updated_at = clock.now()
        if case.state == "on_hold":
            cases.record_step(uow, case, "hold", "on_hold", "on_hold", SYSTEM_ACTOR, {"reason": reason})
            continue
        programme = programmes.load_programme(uow, case.programme_id)
        previous = case.state
        case.state_before_hold = previous
        case.state = "on_hold"
        case.state_entered_at = clock.now()
        cases.record_step(uow, case, "hold", previous, "on_hold", SYSTEM_ACTOR, {"reason": reason})
        uow.session.flush()
        uow.emit("case_on_hold", cases.event_payload(case, programme, reason=reason, previous_state=previous))
        held.append(case.id)
    uow.session.flush()
    return held

