"""Pokja: forming them, their stage and assessments, and who is a member in which role."""
from __future__ import annotations

import contextlib

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from inklusi_platform.errors import Conflict, NotFound, PreconditionFailed, ValidationFailed
from inklusi_platform.pagination import clamp_limit, decode_cursor, page
from inklusi_platform.regions import in_areas, regions
from registry import history, memberships
from registry.group_schemas import (
    AssessmentInput,
    MembershipInput,
    PokjaChanges,
    PokjaInput,
    check_filters,
    group_area,
    load_date,
    not_after,
    within,
)
from registry.models.groups import ROLES, SCORE_FIELDS, STAGES, Pokja, PokjaAssessment, PokjaMembership
from registry.models.persons import Person, new_id
from registry.persons import check_areas
from registry.schemas import combine, load, refuse

STALE = "Data pokja sudah diubah orang lain sejak Anda membacanya; muat ulang lalu ulangi."
NOT_FOUND = "Pokja ini tidak ditemukan."


# --- reading -------------------------------------------------------------------------------------

def load_pokja(uow, pokja_id, lock: bool = False) -> Pokja:
    """The pokja, or NotFound. `lock` holds the row until commit (PostgreSQL), serialising member changes."""
    pokja = uow.session.get(Pokja, pokja_id, with_for_update=lock or None) if isinstance(pokja_id, str) else None
    if pokja is None:
        raise NotFound(NOT_FOUND)
    return pokja


def assessment_dict(assessment: PokjaAssessment) -> dict:
    return {
        "id": assessment.id,
        "pokja_id": assessment.pokja_id,
        "assessed_on": assessment.assessed_on.isoformat(),
        **{name: getattr(assessment, name) for name in SCORE_FIELDS},
        "total": assessment.total,
        "notes": assessment.notes,
        "assessed_by": assessment.assessed_by,
    }


def _latest_assessments(uow, pokja_ids: list[str]) -> dict[str, dict]:
    if not pokja_ids:
        return {}
    rows = uow.session.scalars(
        sa.select(PokjaAssessment).where(PokjaAssessment.pokja_id.in_(pokja_ids))
        .order_by(PokjaAssessment.pokja_id, PokjaAssessment.assessed_on, PokjaAssessment.recorded_at)
    )
    # Ordered oldest first, so the last one seen per pokja wins; a pokja has a handful at most.
    return {row.pokja_id: assessment_dict(row) for row in rows}


def _member_counts(uow, pokja_ids: list[str]) -> dict[str, int]:
    return memberships.active_counts(uow, PokjaMembership.pokja_id, PokjaMembership.left_on, pokja_ids)


def pokja_dict(pokja: Pokja, latest: dict | None, member_count: int) -> dict:
    kecamatan = regions().get(pokja.kecamatan_code)
    area = regions().get(pokja.area_code)
    return {
        "id": pokja.id,
        "version": pokja.version,
        "name": pokja.name,
        "area_code": pokja.area_code,
        "area_name": area.name if area else None,
        "kecamatan_code": pokja.kecamatan_code,
        "kecamatan_name": kecamatan.name if kecamatan else None,
        "stage": pokja.stage,
        "business_lines": list(pokja.business_lines),
        "formed_on": pokja.formed_on.isoformat(),
        "latest_assessment": latest,
        "member_count": member_count,
        "created_at": history.iso_time(pokja.created_at),
        "updated_at": history.iso_time(pokja.updated_at),
    }


def _views(uow, rows: list[Pokja]) -> list[dict]:
    ids = [p.id for p in rows]
    latest, counts = _latest_assessments(uow, ids), _member_counts(uow, ids)
    return [pokja_dict(p, latest.get(p.id), counts.get(p.id, 0)) for p in rows]


def get_pokja(uow, pokja_id: str) -> dict:
    return _views(uow, [load_pokja(uow, pokja_id)])[0]


def list_pokja(uow, areas, filters=None, limit=None, cursor=None) -> dict:
    """A page of pokja whose own area lies in the areas (None: everywhere; []: nowhere), by name then id."""
    areas = check_areas(areas)
    filters = check_filters(filters, {"stage": STAGES, "kecamatan_code": None})
    limit = clamp_limit(limit)
    after = decode_cursor(cursor, name=str, id=str)
    if areas is not None and not areas:
        return {"items": [], "next_cursor": None}
    query = sa.select(Pokja)
    if areas is not None:
        query = query.where(within(Pokja.area_code, areas))
    for name in ("stage", "kecamatan_code"):
        if name in filters:
            query = query.where(getattr(Pokja, name) == filters[name])
    if after is not None:
        query = query.where(sa.or_(Pokja.name > after["name"],
                                   sa.and_(Pokja.name == after["name"], Pokja.id > after["id"])))
    rows = uow.session.scalars(query.order_by(Pokja.name, Pokja.id).limit(limit + 1)).all()
    result = page(list(rows), limit, lambda p: {"name": p.name, "id": p.id})
    result["items"] = _views(uow, result["items"])
    return result


# --- forming and changing ------------------------------------------------------------------------

def form_pokja(uow, data, actor) -> dict:
    """A new pokja in a Malang Raya kecamatan or desa/kelurahan; several may share a kecamatan."""
    user_id, _ = history.actor_ids(actor)
    doc, schema_errors = load(PokjaInput(), data)
    rule_errors: dict = {}
    kecamatan = None
    if doc.get("area_code") is not None:
        kecamatan, problem = group_area(doc["area_code"])
        if problem:
            rule_errors["area_code"] = [problem]
    not_after(doc.get("formed_on"), history.today(), "formed_on", rule_errors, "Tanggal pembentukan")
    refuse(combine(schema_errors, rule_errors))

    at = history.now()
    pokja = Pokja(
        id=new_id(), name=doc["name"], area_code=doc["area_code"], kecamatan_code=kecamatan.code,
        stage=doc["stage"], business_lines=list(dict.fromkeys(doc["business_lines"])),
        formed_on=doc["formed_on"], created_at=at, updated_at=at, created_by=user_id,
    )
    uow.session.add(pokja)
    uow.session.flush()
    uow.emit("pokja_formed", {"pokja_id": pokja.id, "kecamatan_code": pokja.kecamatan_code,
                              "area_code": pokja.area_code, "stage": pokja.stage})
    return pokja_dict(pokja, None, 0)


def update_pokja(uow, pokja_id: str, changes, expected_version, actor) -> dict:
    """Change name, stage, business lines or formation date. A change that changes nothing keeps the version."""
    history.actor_ids(actor)
    pokja = load_pokja(uow, pokja_id)
    if expected_version is not None:
        if isinstance(expected_version, bool) or not isinstance(expected_version, int):
            raise ValidationFailed("Versi tidak valid", {"expected_version": ["Harus bilangan bulat."]})
        if expected_version != pokja.version:
            raise PreconditionFailed(STALE, {"current_version": pokja.version})
    doc, schema_errors = load(PokjaChanges(), changes, partial=True)
    rule_errors: dict = {}
    if "area_code" in doc and doc["area_code"] != pokja.area_code:
        # Events and coverage already count the pokja where it was formed; a move would rewrite that.
        rule_errors["area_code"] = ["Wilayah pokja tidak bisa diubah; bentuk pokja baru di wilayah itu."]
    not_after(doc.get("formed_on"), history.today(), "formed_on", rule_errors, "Tanggal pembentukan")
    refuse(combine(schema_errors, rule_errors))
    if "business_lines" in doc:
        doc["business_lines"] = list(dict.fromkeys(doc["business_lines"]))

    diff = {name: value for name, value in doc.items()
            if name != "area_code" and value is not None and getattr(pokja, name) != value}
    if not diff:
        return get_pokja(uow, pokja.id)
    from_stage = pokja.stage
    for name, value in diff.items():
        setattr(pokja, name, value)
    pokja.updated_at = history.now()
    try:
        uow.session.flush()
    except StaleDataError:
        raise PreconditionFailed(STALE, {}) from None
    if "stage" in diff:
        uow.emit("pokja_stage_changed", {"pokja_id": pokja.id, "kecamatan_code": pokja.kecamatan_code,
                                         "from_stage": from_stage, "to_stage": pokja.stage})
    return get_pokja(uow, pokja.id)


def assess_pokja(uow, pokja_id: str, data, actor) -> dict:
    """Record a dated assessment (1-5 on production, administration, finance, marketing)."""
    user_id, _ = history.actor_ids(actor)
    pokja = load_pokja(uow, pokja_id)
    doc, schema_errors = load(AssessmentInput(), data)
    rule_errors: dict = {}
    assessed_on = doc.get("assessed_on")
    not_after(assessed_on, history.today(), "assessed_on", rule_errors, "Tanggal penilaian")
    if assessed_on is not None and assessed_on < pokja.formed_on:
        rule_errors.setdefault("assessed_on", []).append("Tanggal penilaian sebelum pokja dibentuk.")
    refuse(combine(schema_errors, rule_errors))
    assessment = PokjaAssessment(
        id=new_id(), pokja_id=pokja.id, assessed_on=assessed_on,
        **{name: doc[name] for name in SCORE_FIELDS},
        total=sum(doc[name] for name in SCORE_FIELDS),
        notes=doc.get("notes"), assessed_by=user_id, recorded_at=history.now(),
    )
    uow.session.add(assessment)
    uow.session.flush()
    return assessment_dict(assessment)


def list_assessments(uow, pokja_id: str) -> list[dict]:
    """Every assessment of the pokja, newest first (a few a year)."""
    load_pokja(uow, pokja_id)
    rows = uow.session.scalars(sa.select(PokjaAssessment).where(PokjaAssessment.pokja_id == pokja_id)
                               .order_by(PokjaAssessment.assessed_on.desc(), PokjaAssessment.recorded_at.desc()))
    return [assessment_dict(row) for row in rows]


# --- members -------------------------------------------------------------------------------------

def membership_dict(membership: PokjaMembership) -> dict:
    return {
        "person_id": membership.person_id,
        "role": membership.role,
        "joined_on": membership.joined_on.isoformat(),
        "left_on": membership.left_on.isoformat() if membership.left_on else None,
    }


def _active_membership(uow, pokja_id: str, **where) -> PokjaMembership | None:
    query = sa.select(PokjaMembership).where(PokjaMembership.pokja_id == pokja_id, PokjaMembership.left_on.is_(None))
    for name, value in where.items():
        query = query.where(getattr(PokjaMembership, name) == value)
    return uow.session.scalar(query)


def add_member(uow, pokja_id: str, data, actor, areas: list[str] | None = None) -> dict:
    """An active person joins in a role; one active membership per person, one active ketua per pokja.

    With `areas` (the caller's), a person outside them is refused exactly like an unknown one.
    """
    user_id, _ = history.actor_ids(actor)
    pokja = load_pokja(uow, pokja_id, lock=True)
    doc, schema_errors = load(MembershipInput(), data)
    rule_errors: dict = {}
    joined_on = doc.get("joined_on")
    not_after(joined_on, history.today(), "joined_on", rule_errors, "Tanggal bergabung")
    if joined_on is not None and joined_on < pokja.formed_on:
        rule_errors.setdefault("joined_on", []).append("Tanggal bergabung sebelum pokja dibentuk.")
    person = uow.session.get(Person, doc["person_id"]) if doc.get("person_id") else None
    if person is not None and not in_areas(person.desa_code, areas):
        person = None
    if doc.get("person_id") and person is None:
        rule_errors["person_id"] = ["Orang ini tidak terdaftar."]
    refuse(combine(schema_errors, rule_errors))
    if person.status != "active":
        raise Conflict("Hanya orang yang berstatus aktif yang bisa menjadi anggota pokja.",
                       {"status": person.status, "merged_into": person.merged_into})
    if _active_membership(uow, pokja.id, person_id=person.id) is not None:
        raise Conflict("Orang ini sudah menjadi anggota aktif pokja ini.", {"person_id": person.id})
    if doc["role"] == "ketua":
        ketua = _active_membership(uow, pokja.id, role="ketua")
        if ketua is not None:
            raise Conflict("Pokja ini sudah punya ketua aktif; akhiri dulu keanggotaan ketua yang lama.",
                           {"person_id": ketua.person_id})

    membership = PokjaMembership(id=new_id(), pokja_id=pokja.id, person_id=person.id, role=doc["role"],
                                 joined_on=joined_on, created_by=user_id)
    with _guarding_rules(uow):
        uow.session.add(membership)
    uow.emit("pokja_member_joined", {"pokja_id": pokja.id, "kecamatan_code": pokja.kecamatan_code,
                                     "person_id": person.id, "role": membership.role})
    return membership_dict(membership)


@contextlib.contextmanager
def _guarding_rules(uow):
    """A membership that breaks a unique rule (a racing clerk got in first) is a Conflict, not a crash.

    In a savepoint (not on SQLite, which serialises writers anyway) so the unit of work survives.
    """
    try:
        with uow.savepoint():
            yield
    except IntegrityError:
        raise Conflict("Keanggotaan ini bentrok dengan perubahan lain yang baru saja disimpan; muat ulang.",
                       {}) from None


def end_membership(uow, pokja_id: str, person_id: str, left_on, actor) -> dict:
    """The person's active membership ends on `left_on` (a date or YYYY-MM-DD); the record stays."""
    user_id, _ = history.actor_ids(actor)
    pokja = load_pokja(uow, pokja_id, lock=True)
    left, errors = load_date(left_on, "left_on")
    refuse(errors)
    membership = _active_membership(uow, pokja.id, person_id=person_id) if isinstance(person_id, str) else None
    if membership is None:
        raise NotFound("Orang ini bukan anggota aktif pokja ini.")
    rule_errors: dict = {}
    not_after(left, history.today(), "left_on", rule_errors, "Tanggal keluar")
    if left < membership.joined_on:
        rule_errors.setdefault("left_on", []).append("Tanggal keluar sebelum tanggal bergabung.")
    refuse(rule_errors)
    membership.left_on = left
    membership.ended_by = user_id
    uow.session.flush()
    uow.emit("pokja_member_left", {"pokja_id": pokja.id, "kecamatan_code": pokja.kecamatan_code,
                                   "person_id": membership.person_id})
    return membership_dict(membership)


def list_members(uow, pokja_id: str, include_past: bool = False) -> list[dict]:
    """Members by role then joining date; past members too when asked. A pokja has tens at most."""
    load_pokja(uow, pokja_id)
    query = sa.select(PokjaMembership).where(PokjaMembership.pokja_id == pokja_id)
    if not include_past:
        query = query.where(PokjaMembership.left_on.is_(None))
    order = sa.case({role: i for i, role in enumerate(ROLES)}, value=PokjaMembership.role)
    rows = uow.session.scalars(query.order_by(order, PokjaMembership.joined_on, PokjaMembership.id))
    return [membership_dict(row) for row in rows]
