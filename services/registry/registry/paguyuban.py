"""Paguyuban keluarga: one per kecamatan, its members (families and carers) and the activities it holds."""
from __future__ import annotations

import contextlib

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from inklusi_platform.errors import Conflict, NotFound, ValidationFailed
from inklusi_platform.pagination import clamp_limit, decode_cursor, page
from inklusi_platform.regions import in_areas, regions
from registry import history, memberships
from registry.group_schemas import (
    ActivityInput,
    PaguyubanInput,
    PaguyubanMemberInput,
    check_filters,
    kecamatan_problem,
    load_date,
    not_after,
    within,
)
from registry.models.groups import Paguyuban, PaguyubanActivity, PaguyubanMember
from registry.models.persons import Person, new_id
from registry.persons import check_areas
from registry.phones import normalise_phone
from registry.schemas import combine, load, refuse

NOT_FOUND = "Paguyuban ini tidak ditemukan."


# --- the paguyuban -------------------------------------------------------------------------------

def load_paguyuban(uow, paguyuban_id) -> Paguyuban:
    found = uow.session.get(Paguyuban, paguyuban_id) if isinstance(paguyuban_id, str) else None
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def _member_counts(uow, ids: list[str]) -> dict[str, int]:
    return memberships.active_counts(uow, PaguyubanMember.paguyuban_id, PaguyubanMember.left_on, ids)


def paguyuban_dict(paguyuban: Paguyuban, member_count: int) -> dict:
    kecamatan = regions().get(paguyuban.kecamatan_code)
    return {
        "id": paguyuban.id,
        "version": paguyuban.version,
        "kecamatan_code": paguyuban.kecamatan_code,
        "kecamatan_name": kecamatan.name if kecamatan else None,
        "kabupaten_code": kecamatan.parent_code if kecamatan else None,
        "name": paguyuban.name,
        "formed_on": paguyuban.formed_on.isoformat(),
        "member_count": member_count,
        "created_at": history.iso_time(paguyuban.created_at),
    }


def get_paguyuban(uow, paguyuban_id: str) -> dict:
    found = load_paguyuban(uow, paguyuban_id)
    return paguyuban_dict(found, _member_counts(uow, [found.id]).get(found.id, 0))


def list_paguyuban(uow, areas, filters=None, limit=None, cursor=None) -> dict:
    """A page of paguyuban whose kecamatan lies in the areas (None: everywhere; []: nowhere), by kecamatan."""
    areas = check_areas(areas)
    filters = check_filters(filters, {"kecamatan_code": None})
    limit = clamp_limit(limit)
    after = decode_cursor(cursor, kecamatan_code=str)
    if areas is not None and not areas:
        return {"items": [], "next_cursor": None}
    query = sa.select(Paguyuban)
    if areas is not None:
        query = query.where(within(Paguyuban.kecamatan_code, areas))
    if "kecamatan_code" in filters:
        query = query.where(Paguyuban.kecamatan_code == filters["kecamatan_code"])
    if after is not None:
        # kecamatan_code is unique, so it alone orders the pages.
        query = query.where(Paguyuban.kecamatan_code > after["kecamatan_code"])
    rows = uow.session.scalars(query.order_by(Paguyuban.kecamatan_code).limit(limit + 1)).all()
    result = page(list(rows), limit, lambda p: {"kecamatan_code": p.kecamatan_code})
    counts = _member_counts(uow, [p.id for p in result["items"]])
    result["items"] = [paguyuban_dict(p, counts.get(p.id, 0)) for p in result["items"]]
    return result


def create_paguyuban(uow, data, actor) -> dict:
    """The paguyuban of a Malang Raya kecamatan; a second one for the same kecamatan is a Conflict."""
    user_id, _ = history.actor_ids(actor)
    doc, schema_errors = load(PaguyubanInput(), data)
    rule_errors: dict = {}
    if doc.get("kecamatan_code") is not None and (problem := kecamatan_problem(doc["kecamatan_code"])):
        rule_errors["kecamatan_code"] = [problem]
    not_after(doc.get("formed_on"), history.today(), "formed_on", rule_errors, "Tanggal pembentukan")
    refuse(combine(schema_errors, rule_errors))
    _refuse_second(uow, doc["kecamatan_code"])
    paguyuban = Paguyuban(id=new_id(), kecamatan_code=doc["kecamatan_code"], name=doc["name"],
                          formed_on=doc["formed_on"], created_at=history.now(), created_by=user_id)
    with _guarding_kecamatan(uow, doc["kecamatan_code"]):
        uow.session.add(paguyuban)
    return paguyuban_dict(paguyuban, 0)


def _refuse_second(uow, kecamatan_code: str) -> None:
    existing = uow.session.scalar(sa.select(Paguyuban.id).where(Paguyuban.kecamatan_code == kecamatan_code))
    if existing is not None:
        raise Conflict("Kecamatan ini sudah punya paguyuban.", {"existing_id": existing})


@contextlib.contextmanager
def _guarding_kecamatan(uow, kecamatan_code: str):
    """A paguyuban created by someone else between our check and our write is a Conflict too.

    In a savepoint (not on SQLite, which serialises writers) so the rest of the unit of work survives.
    """
    try:
        with uow.savepoint():
            yield
    except IntegrityError:
        _refuse_second(uow, kecamatan_code)
        raise


# --- members -------------------------------------------------------------------------------------

def member_dict(member: PaguyubanMember) -> dict:
    return {
        "id": member.id,
        "paguyuban_id": member.paguyuban_id,
        "name": member.name,
        "relation": member.relation,
        "phone": member.phone,
        "cares_for": list(member.cares_for),
        "joined_on": member.joined_on.isoformat(),
        "left_on": member.left_on.isoformat() if member.left_on else None,
    }


def add_member(uow, paguyuban_id: str, data, actor, areas: list[str] | None = None) -> dict:
    """A family member or carer; the persons they care for must be registered (and, with `areas`,
    lie in the caller's areas: one outside reads like an unknown one)."""
    user_id, _ = history.actor_ids(actor)
    paguyuban = load_paguyuban(uow, paguyuban_id)
    doc, schema_errors = load(PaguyubanMemberInput(), data)
    rule_errors: dict = {}
    phone = doc.get("phone")
    if phone is not None:
        try:
            phone = normalise_phone(phone)
        except ValueError as problem:
            rule_errors["phone"] = [str(problem)]
    cares_for = list(dict.fromkeys(doc.get("cares_for") or []))
    if cares_for:
        known = {person_id for person_id, desa_code in uow.session.execute(
            sa.select(Person.id, Person.desa_code).where(Person.id.in_(cares_for))) if in_areas(desa_code, areas)}
        unknown = [person_id for person_id in cares_for if person_id not in known]
        if unknown:
            rule_errors["cares_for"] = [f"Orang ini tidak terdaftar: {person_id}." for person_id in unknown]
    today = history.today()
    joined_on = doc.get("joined_on") or today
    not_after(joined_on, today, "joined_on", rule_errors, "Tanggal bergabung")
    refuse(combine(schema_errors, rule_errors))
    member = PaguyubanMember(
        id=new_id(), paguyuban_id=paguyuban.id, name=doc["name"], relation=doc["relation"], phone=phone,
        cares_for=cares_for, joined_on=joined_on, created_at=history.now(), created_by=user_id,
    )
    uow.session.add(member)
    uow.session.flush()
    return member_dict(member)


def end_member(uow, paguyuban_id: str, member_id: str, left_on, actor) -> dict:
    """The member leaves on `left_on`; the record stays, so past activities keep their context."""
    history.actor_ids(actor)
    paguyuban = load_paguyuban(uow, paguyuban_id)
    left, errors = load_date(left_on, "left_on")
    refuse(errors)
    member = uow.session.get(PaguyubanMember, member_id) if isinstance(member_id, str) else None
    if member is None or member.paguyuban_id != paguyuban.id:
        raise NotFound("Anggota paguyuban ini tidak ditemukan.")
    if member.left_on is not None:
        raise Conflict("Anggota ini sudah keluar.", {"left_on": member.left_on.isoformat()})
    rule_errors: dict = {}
    not_after(left, history.today(), "left_on", rule_errors, "Tanggal keluar")
    if left < member.joined_on:
        rule_errors.setdefault("left_on", []).append("Tanggal keluar sebelum tanggal bergabung.")
    refuse(rule_errors)
    member.left_on = left
    uow.session.flush()
    return member_dict(member)


def list_members(uow, paguyuban_id: str, include_past: bool = False, limit=None, cursor=None) -> dict:
    """A page of members by name then id; past members too when asked."""
    load_paguyuban(uow, paguyuban_id)
    limit = clamp_limit(limit)
    after = decode_cursor(cursor, name=str, id=str)
    query = sa.select(PaguyubanMember).where(PaguyubanMember.paguyuban_id == paguyuban_id)
    if not include_past:
        query = query.where(PaguyubanMember.left_on.is_(None))
    if after is not None:
        query = query.where(sa.or_(PaguyubanMember.name > after["name"],
                                   sa.and_(PaguyubanMember.name == after["name"], PaguyubanMember.id > after["id"])))
    rows = uow.session.scalars(query.order_by(PaguyubanMember.name, PaguyubanMember.id).limit(limit + 1)).all()
    result = page(list(rows), limit, lambda m: {"name": m.name, "id": m.id})
    result["items"] = [member_dict(m) for m in result["items"]]
    return result


# --- activities ----------------------------------------------------------------------------------

def activity_dict(activity: PaguyubanActivity) -> dict:
    return {
        "id": activity.id,
        "paguyuban_id": activity.paguyuban_id,
        "kind": activity.kind,
        "title": activity.title,
        "held_on": activity.held_on.isoformat(),
        "participants": activity.participants,
        "notes": activity.notes,
        "recorded_by": activity.recorded_by,
        "recorded_at": history.iso_time(activity.recorded_at),
    }


def record_activity(uow, paguyuban_id: str, data, actor) -> dict:
    user_id, _ = history.actor_ids(actor)
    paguyuban = load_paguyuban(uow, paguyuban_id)
    doc, schema_errors = load(ActivityInput(), data)
    rule_errors: dict = {}
    not_after(doc.get("held_on"), history.today(), "held_on", rule_errors, "Tanggal kegiatan")
    refuse(combine(schema_errors, rule_errors))
    activity = PaguyubanActivity(
        id=new_id(), paguyuban_id=paguyuban.id, kind=doc["kind"], title=doc["title"], held_on=doc["held_on"],
        participants=doc["participants"], notes=doc.get("notes"), recorded_by=user_id, recorded_at=history.now(),
    )
    uow.session.add(activity)
    uow.session.flush()
    return activity_dict(activity)


def list_activities(uow, paguyuban_id: str, limit=None, cursor=None) -> dict:
    """A page of activities, the most recently held first."""
    load_paguyuban(uow, paguyuban_id)
    limit = clamp_limit(limit)
    after = decode_cursor(cursor, held_on=str, id=str)
    query = sa.select(PaguyubanActivity).where(PaguyubanActivity.paguyuban_id == paguyuban_id)
    if after is not None:
        held_on, errors = load_date(after["held_on"], "cursor")
        if errors:
            raise ValidationFailed("cursor tidak dikenali", {"cursor": ["Cursor tidak valid."]})
        query = query.where(sa.or_(PaguyubanActivity.held_on < held_on,
                                   sa.and_(PaguyubanActivity.held_on == held_on, PaguyubanActivity.id < after["id"])))
    rows = uow.session.scalars(
        query.order_by(PaguyubanActivity.held_on.desc(), PaguyubanActivity.id.desc()).limit(limit + 1)).all()
    result = page(list(rows), limit, lambda a: {"held_on": a.held_on.isoformat(), "id": a.id})
    result["items"] = [activity_dict(a) for a in result["items"]]
    return result
