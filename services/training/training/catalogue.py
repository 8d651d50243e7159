"""Programmes, venues and trainers: recording them, reading them, listing them page by page."""
from __future__ import annotations

import sqlalchemy as sa

from inklusi_platform.errors import NotFound, ValidationFailed
from inklusi_platform.pagination import clamp_limit, decode_cursor, page
from inklusi_platform.regions import regions
from training.actors import actor_id
from training.models.catalogue import Programme, Trainer, Venue
from training.models.problems import Problem, ProblemLink
from training.models.schedule import Training
from training.schemas import ProgrammeInput, TrainerInput, VenueInput, load
from training.times import now, utc_iso

NOT_FOUND = {
    Programme: "Program pelatihan ini tidak ditemukan.",
    Venue: "Tempat pelatihan ini tidak ditemukan.",
    Trainer: "Pelatih ini tidak ditemukan.",
}


def load_row(uow, model, row_id, lock: bool = False):
    """The row, or NotFound. `lock` holds it until commit, serialising bookings of one trainer or venue."""
    row = uow.session.get(model, row_id, with_for_update=lock or None) if isinstance(row_id, str) else None
    if row is None:
        raise NotFound(NOT_FOUND[model])
    return row


def programme_dict(p: Programme, problem_ids: list[str] | None = None) -> dict:
    """`problem_ids`: the needs-inventory problems the programme answers (directly or by a training)."""
    return {"id": p.id, "title": p.title, "topic": p.topic, "description": p.description,
            "organiser_org": p.organiser_org, "audience": p.audience, "created_at": utc_iso(p.created_at),
            "problem_ids": problem_ids or []}


def venue_dict(v: Venue) -> dict:
    return {"id": v.id, "name": v.name, "address": v.address, "desa_code": v.desa_code,
            "kecamatan_code": v.desa_code.rsplit(".", 1)[0], "features": list(v.features),
            "accessibility_notes": v.accessibility_notes, "created_at": utc_iso(v.created_at)}


def trainer_dict(t: Trainer) -> dict:
    return {"id": t.id, "name": t.name, "organisation": t.organisation, "topics": list(t.topics)}


def create_programme(uow, data, actor) -> dict:
    user = actor_id(actor)
    doc = load(ProgrammeInput(), data)
    programme = Programme(**doc, created_at=now(), created_by=user)
    uow.session.add(programme)
    uow.session.flush()
    return programme_dict(programme)


def create_venue(uow, data, actor) -> dict:
    user = actor_id(actor)
    doc = load(VenueInput(), data)
    if regions().get(doc["desa_code"]) is None:
        raise ValidationFailed("Beberapa isian tidak valid.",
                               {"desa_code": ["Desa/kelurahan ini tidak ada di Malang Raya."]})
    doc["features"] = list(dict.fromkeys(doc["features"]))
    venue = Venue(**doc, created_at=now(), created_by=user)
    uow.session.add(venue)
    uow.session.flush()
    return venue_dict(venue)


def create_trainer(uow, data, actor) -> dict:
    user = actor_id(actor)
    doc = load(TrainerInput(), data)
    doc["topics"] = list(dict.fromkeys(doc["topics"]))
    trainer = Trainer(**doc, created_at=now(), created_by=user)
    uow.session.add(trainer)
    uow.session.flush()
    return trainer_dict(trainer)


def _by_name(uow, model, key: str, view, limit, cursor, where=()) -> dict:
    limit = clamp_limit(limit)
    after = decode_cursor(cursor, name=str, id=str)
    column = getattr(model, key)
    query = sa.select(model).where(*where)
    if after is not None:
        query = query.where(sa.or_(column > after["name"], sa.and_(column == after["name"], model.id > after["id"])))
    rows = uow.session.scalars(query.order_by(column, model.id).limit(limit + 1)).all()
    result = page(list(rows), limit, lambda r: {"name": getattr(r, key), "id": r.id})
    result["items"] = [view(r) for r in result["items"]]
    return result


def list_programmes(uow, limit=None, cursor=None) -> dict:
    return _by_name(uow, Programme, "title", lambda p: programme_dict(p, problems_of_programme(uow, p.id)),
                    limit, cursor)


def get_programme(uow, programme_id) -> dict:
    programme = load_row(uow, Programme, programme_id)
    return programme_dict(programme, problems_of_programme(uow, programme.id))


def list_trainers(uow, limit=None, cursor=None) -> dict:
    return _by_name(uow, Trainer, "name", trainer_dict, limit, cursor)


def problems_of_programme(uow, programme_id: str) -> list[str]:
    """Ids of the needs-inventory problems a programme answers, directly or through one of its trainings."""
    trainings = sa.select(Training.id).where(Training.programme_id == programme_id)
    query = (sa.select(ProblemLink.problem_id).distinct()
             .join(Problem, Problem.id == ProblemLink.problem_id)
             .where(Problem.merged_into_id.is_(None))  # a merged duplicate's links live on in the kept record
             .where(sa.or_(sa.and_(ProblemLink.kind == "programme", ProblemLink.target_id == programme_id),
                           sa.and_(ProblemLink.kind == "training", ProblemLink.target_id.in_(trainings))))
             .order_by(ProblemLink.problem_id))
    return list(uow.session.scalars(query))


def list_venues(uow, areas, limit=None, cursor=None) -> dict:
    """Venues whose desa lies in the areas (None: everywhere; []: nowhere)."""
    if areas is not None and not areas:
        return {"items": [], "next_cursor": None}
    where = () if areas is None else (within(Venue.desa_code, areas),)
    return _by_name(uow, Venue, "name", venue_dict, limit, cursor, where)


def within(column, areas: list[str]):
    """Rows whose area code is one of the areas or lies beneath one (by whole dotted segments)."""
    return sa.or_(*[sa.or_(column == code, column.like(f"{code}.%")) for code in areas])
