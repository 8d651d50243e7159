"""Cases: opening a draft, reading and listing them by area, and changing a draft's contents."""
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from funding import programmes
from funding.models.cases import APPLICANT, Case, CaseMember, CaseTransition
from funding.models.programmes import Programme
from funding.schemas import load, refuse
from inklusi_platform import clock
from inklusi_platform.contracts.funding import (
    MAX_MEMBERS,
    OPEN_STATES,
    UNKNOWN_PERSON,
    CaseChanges,
    CaseInput,
    allowed_actions,
)
from inklusi_platform.errors import Conflict, NotFound, PreconditionFailed, ValidationFailed
from inklusi_platform.pagination import clamp_limit, decode_cursor, page

NOT_FOUND = "Kasus bantuan ini tidak ditemukan."
STALE = "Kasus sudah diubah orang lain sejak Anda membacanya; muat ulang lalu ulangi."
EDITABLE_STATES = ("draft", "on_hold")
FUNDED_STATES = ("disbursed", "monitoring", "closed")


def load_case(uow, case_id, lock: bool = False) -> Case:
    case = uow.session.get(Case, case_id, with_for_update=lock or None) if isinstance(case_id, str) else None
    if case is None:
        raise NotFound(NOT_FOUND)
    return case


def members_of(uow, case_ids: list[str]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {case_id: [] for case_id in case_ids}
    if not case_ids:
        return found
    rows = uow.session.scalars(sa.select(CaseMember).where(CaseMember.case_id.in_(case_ids))
                               .order_by(CaseMember.case_id, CaseMember.position))
    for row in rows:
        found[row.case_id].append({"position": row.position, "person_id": row.person_id, "role": row.role})
    return found


def case_dict(case: Case, members: list[dict], programme: Programme) -> dict:
    return {
        "id": case.id,
        "version": case.version,
        "case_type": case.case_type,
        "programme_id": case.programme_id,
        "year": programme.year,
        "state": case.state,
        "allowed_actions": allowed_actions(case.state),
        "state_before_hold": case.state_before_hold,
        "hold_reasons": list(case.hold_reasons or []),
        "kecamatan_code": case.kecamatan_code,
        "group_name": case.group_name,
        "members": members,
        "bank_account": case.bank_account,
        "business_plan": case.business_plan,
        "eligibility_override": case.eligibility_override,
        "approved_amount": case.approved_amount,
        "disbursed_amount": case.disbursed_amount,
        "disbursed_on": case.disbursed_on.isoformat() if case.disbursed_on else None,
        "submitted_by": case.submitted_by,
        "verified_by": case.verified_by,
        "recommended_by": case.recommended_by,
        "approved_by": case.approved_by,
        "state_entered_at": clock.iso_time(case.state_entered_at),
        "created_at": clock.iso_time(case.created_at),
        "updated_at": clock.iso_time(case.updated_at),
        "created_by": case.created_by,
    }


def event_payload(case: Case, programme: Programme, **extra) -> dict:
    """What every funding event says about its case: ids, area, state; amounts where given. No person."""
    return {"case_id": case.id, "case_type": case.case_type, "programme_id": case.programme_id,
            "year": programme.year, "kecamatan_code": case.kecamatan_code, "state": case.state, **extra}


def view(uow, case: Case) -> dict:
    return case_dict(case, members_of(uow, [case.id])[case.id], programmes.load_programme(uow, case.programme_id))


def get_case(uow, case_id: str) -> dict:
    return view(uow, load_case(uow, case_id))


def parties(uow, case_id: str) -> dict:
    """Who is told about a case (for notify, whose events name no person): the members in their order
    (the UEP applicant, or the KUBE's ketua and members), and the officer assigned to it, the staff user
    who opened the case with the applicant (cases have no other assignment)."""
    case = load_case(uow, case_id)
    return {"case_id": case.id, "person_ids": [m["person_id"] for m in members_of(uow, [case.id])[case.id]],
            "officer_id": case.created_by}


def person_ids_of(data: dict) -> list[str]:
    """The ids a case input names, to fetch their facts before the input is checked; anything that is
    not an id is left for the input schema to refuse."""
    if isinstance(data.get("applicant_id"), str):
        return [data["applicant_id"]]
    members = data.get("members")
    if not isinstance(members, list):
        return []
    return [m["person_id"] for m in members[:MAX_MEMBERS]
            if isinstance(m, dict) and isinstance(m.get("person_id"), str)]


def _member_rows(data: dict) -> list[dict]:
    if data.get("applicant_id"):
        return [{"person_id": data["applicant_id"], "role": APPLICANT}]
    return [{"person_id": m["person_id"], "role": m["role"]} for m in data["members"]]


def _check_known(rows: list[dict], persons: dict, case_type: str) -> None:
    """Unknown ids (or ids the caller may not see) are refused the same way, field by field."""
    errors = {}
    for index, row in enumerate(rows):
        if row["person_id"] not in persons:
            errors["applicant_id" if case_type == "UEP" else f"members.{index}.person_id"] = [UNKNOWN_PERSON]
    seen = set()
    for index, row in enumerate(rows):
        if row["person_id"] in seen:
            errors[f"members.{index}.person_id"] = ["Orang ini sudah ada di daftar anggota."]
        seen.add(row["person_id"])
    if errors:
        raise ValidationFailed("Beberapa isian tidak valid.", errors)


def _case_kecamatan(rows: list[dict], persons: dict) -> str:
    # A KUBE case belongs to the kecamatan of its ketua (or its first member without one).
    anchor = next((r for r in rows if r["role"] in ("ketua", APPLICANT)), rows[0])
    return persons[anchor["person_id"]]["kecamatan_code"]


def _replace_members(uow, case: Case, rows: list[dict]) -> None:
    uow.session.execute(sa.delete(CaseMember).where(CaseMember.case_id == case.id))
    uow.session.add_all(CaseMember(case_id=case.id, position=i + 1, person_id=r["person_id"], role=r["role"])
                        for i, r in enumerate(rows))


def create_case(uow, data: dict, actor: dict, persons: dict) -> dict:
    """A draft. `persons` maps person id -> the registry's facts for the ids the input names."""
    values = load(CaseInput(), data)
    programme = programmes.load_programme(uow, values["programme_id"])
    if programme.programme != values["case_type"]:
        raise refuse("programme_id", f"Program ini untuk {programme.programme}, bukan {values['case_type']}.")
    rows = _member_rows(values)
    _check_known(rows, persons, values["case_type"])
    at = clock.now()
    case = Case(version=1, case_type=values["case_type"], programme_id=programme.id, state="draft",
                hold_reasons=[], kecamatan_code=_case_kecamatan(rows, persons),
                group_name=values.get("group_name"), bank_account=values.get("bank_account"),
                business_plan=values.get("business_plan"), state_entered_at=at, created_at=at, updated_at=at,
                created_by=actor["user_id"])
    uow.session.add(case)
    uow.session.flush()
    _replace_members(uow, case, rows)
    record_step(uow, case, "create", None, "draft", actor, {})
    uow.session.flush()
    return view(uow, case)


def update_case(uow, case_id: str, changes: dict, expected_version, actor: dict, persons: dict) -> dict:
    """Change a draft, or replace members of a case on hold. The kecamatan follows the ketua."""
    case = load_case(uow, case_id, lock=True)
    if expected_version is not None and case.version != expected_version:
        raise PreconditionFailed(STALE)
    if case.state not in EDITABLE_STATES:
        raise Conflict("Kasus hanya dapat diubah selagi draf atau ditunda.",
                       {"state": case.state, "allowed_actions": allowed_actions(case.state)})
    values = load(CaseChanges(), changes)
    if not values:
        raise refuse("_schema", "Tidak ada yang diubah.")
    if case.case_type == "UEP" and ({"members", "group_name", "bank_account"} & set(values)):
        raise refuse("members", "Hanya untuk KUBE.")
    if case.state == "on_hold" and set(values) - {"members"}:
        raise refuse("_schema", "Selagi ditunda hanya daftar anggota yang dapat diubah.")
    if "members" in values:
        rows = _member_rows({"members": values.pop("members")})
        _check_known(rows, persons, case.case_type)
        _replace_members(uow, case, rows)
        case.kecamatan_code = _case_kecamatan(rows, persons)
    for name, value in values.items():
        setattr(case, name, value)
    case.updated_at = clock.now()
    record_step(uow, case, "update", case.state, case.state, actor, {"fields": sorted(changes)})
    try:
        uow.session.flush()
    except StaleDataError:
        raise PreconditionFailed(STALE) from None
    return view(uow, case)


def record_step(uow, case: Case, action: str, from_state, to_state: str, actor: dict, data: dict) -> None:
    """Append one line to the case's history, with who and under which correlation id."""
    uow.session.add(CaseTransition(case_id=case.id, action=action, from_state=from_state, to_state=to_state,
                                   actor=actor["user_id"], actor_org=actor.get("org_id"),
                                   correlation_id=uow.correlation_id, data=data, at=clock.now()))


def area_condition(code: str):
    return sa.or_(Case.kecamatan_code == code, Case.kecamatan_code.like(code + ".%"))


def list_cases(uow, areas, filters=None, limit=None, cursor=None) -> dict:
    """A page of cases whose kecamatan lies in the areas (None: everywhere; []: nowhere), newest first."""
    filters = filters or {}
    limit = clamp_limit(limit)
    after = decode_cursor(cursor, created_at=str, id=str)
    if areas is not None and not areas:
        return {"items": [], "next_cursor": None}
    query = sa.select(Case)
    if areas is not None:
        query = query.where(sa.or_(*(area_condition(code) for code in areas)))
    for name in ("state", "case_type", "programme_id", "kecamatan_code"):
        if filters.get(name):
            query = query.where(getattr(Case, name) == filters[name])
    if after is not None:
        at = clock.aware_from_iso(after["created_at"])
        query = query.where(sa.or_(Case.created_at < at, sa.and_(Case.created_at == at, Case.id < after["id"])))
    rows = uow.session.scalars(query.order_by(Case.created_at.desc(), Case.id.desc()).limit(limit + 1)).all()
    result = page(list(rows), limit, lambda c: {"created_at": clock.iso_time(c.created_at), "id": c.id})
    members = members_of(uow, [c.id for c in result["items"]])
    programmes_by_id = {p.id: p for p in uow.session.scalars(sa.select(Programme))}
    result["items"] = [case_dict(c, members[c.id], programmes_by_id[c.programme_id]) for c in result["items"]]
    return result


def history(uow, case_id: str) -> list[dict]:
    load_case(uow, case_id)
    rows = uow.session.scalars(sa.select(CaseTransition).where(CaseTransition.case_id == case_id)
                               .order_by(CaseTransition.id))
    return [{"action": r.action, "from_state": r.from_state, "to_state": r.to_state, "actor": r.actor,
             "actor_org": r.actor_org, "correlation_id": r.correlation_id, "data": r.data,
             "at": clock.iso_time(r.at)} for r in rows]


@dataclass(frozen=True)
class EligibilityInputs:
    """What the rules need from this service's own tables; the registry and training add the rest."""

    case: dict
    programme: Programme
    other_open_cases: dict  # person id -> ids of other open KUBE cases naming them
    funded_before: set  # person ids in a KUBE case that was funded before
    group_funded_before: bool = False  # a funded KUBE case had this group's name


def eligibility_inputs(uow, case_id: str) -> EligibilityInputs:
    case = load_case(uow, case_id)
    case_view = view(uow, case)
    person_ids = [m["person_id"] for m in case_view["members"]]
    other_open, funded = {}, set()
    if case.case_type == "KUBE" and person_ids:
        rows = uow.session.execute(
            sa.select(CaseMember.person_id, Case.id, Case.state)
            .join(Case, Case.id == CaseMember.case_id)
            .where(CaseMember.person_id.in_(person_ids), Case.case_type == "KUBE", Case.id != case.id)
        )
        for person_id, other_id, state in rows:
            if state in OPEN_STATES and state != "draft":
                other_open.setdefault(person_id, []).append(other_id)
            if state in FUNDED_STATES:
                funded.add(person_id)
    group_funded = case.case_type == "KUBE" and bool(case.group_name) and uow.session.execute(
        sa.select(Case.id).where(Case.case_type == "KUBE", Case.id != case.id, Case.state.in_(FUNDED_STATES),
                                 sa.func.lower(Case.group_name) == case.group_name.lower()).limit(1)
    ).first() is not None
    return EligibilityInputs(case_view, programmes.load_programme(uow, case.programme_id), other_open, funded,
                             group_funded)


def open_cases_naming(uow, person_id: str) -> list[Case]:
    return list(uow.session.scalars(
        sa.select(Case).join(CaseMember, CaseMember.case_id == Case.id)
        .where(CaseMember.person_id == person_id, Case.state.in_(OPEN_STATES))
        .order_by(Case.created_at).with_for_update()
    ).unique())
