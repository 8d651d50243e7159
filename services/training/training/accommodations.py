"""Accommodations: what organisers must arrange for a training's participants, and whether they did.

A participant's needs follow from their registered disability categories and communication format,
plus what they state when enrolling. Only the resulting kinds are kept, never the categories.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import sqlalchemy as sa

from inklusi_platform.contracts.training import ACCOMMODATIONS, CATEGORY_NEEDS, FORMAT_NEEDS
from inklusi_platform.errors import Conflict
from training.actors import actor_id
from training.models.participation import Arrangement, Enrolment
from training.models.schedule import Session, Training
from training.records import load_session, load_training, sessions_of, touch
from training.schemas import ArrangementInput, load
from training.times import now, utc_iso


def label(kind: str) -> str:
    return ACCOMMODATIONS[kind]


def needs_for(profile: dict | None, stated=()) -> list[str]:
    """The kinds one participant needs, in the contract's order."""
    profile = profile or {}
    wanted = set(stated or ())
    for category in profile.get("categories") or ():
        wanted.update(CATEGORY_NEEDS.get(category, ()))
    wanted.update(FORMAT_NEEDS.get(profile.get("format"), ()))
    return [kind for kind in ACCOMMODATIONS if kind in wanted]


def need_counts(uow, training_id: str) -> Counter:
    """How many confirmed participants have each need (the waitlisted are not coming yet)."""
    counted: Counter = Counter()
    for needs in uow.session.scalars(sa.select(Enrolment.needs).where(
            Enrolment.training_id == training_id, Enrolment.status == "confirmed")):
        counted.update(needs)
    return counted


def _arrangements(uow, session_ids: list[str]) -> dict[tuple[str, str], Arrangement]:
    if not session_ids:
        return {}
    rows = uow.session.scalars(sa.select(Arrangement).where(Arrangement.session_id.in_(session_ids)))
    return {(row.session_id, row.kind): row for row in rows}


def unmet_needs(uow, training_id: str, session_id: str) -> list[str]:
    arranged = _arrangements(uow, [session_id])
    counted = need_counts(uow, training_id)
    return [kind for kind in ACCOMMODATIONS if counted.get(kind) and (session_id, kind) not in arranged]


def gather(uow, training_id: str) -> dict:
    """Each need with how many participants have it, and per live session whether it is arranged or waived."""
    training = load_training(uow, training_id)
    sessions = sessions_of(uow, training.id, live_only=True)
    counted = need_counts(uow, training.id)
    arranged = _arrangements(uow, [s.id for s in sessions])
    items = []
    for kind in ACCOMMODATIONS:
        if not counted.get(kind):
            continue
        per_session = []
        for session in sessions:
            row = arranged.get((session.id, kind))
            per_session.append({"session_id": session.id, "status": row.status if row else "needed",
                                "reason": row.reason if row else None, "note": row.note if row else None,
                                "recorded_at": utc_iso(row.recorded_at) if row else None})
        items.append({"kind": kind, "label": label(kind), "participants": counted[kind], "sessions": per_session})
    return {"training_id": training.id, "items": items}


def record_arrangement(uow, training_id: str, data, actor) -> dict:
    """Mark a need arranged for a session, or waive it with a reason; a later mark replaces an earlier one."""
    user = actor_id(actor)
    doc = load(ArrangementInput(), data)
    training = load_training(uow, training_id, lock=True)
    session = load_session(uow, training, doc["session_id"])
    if session.status == "cancelled":
        raise Conflict("Sesi ini sudah dibatalkan.")
    row = uow.session.get(Arrangement, (session.id, doc["kind"]))
    if row is None:
        row = Arrangement(session_id=session.id, kind=doc["kind"])
        uow.session.add(row)
    row.status, row.reason, row.note = doc["status"], doc["reason"], doc["note"]
    row.recorded_at, row.recorded_by = now(), user
    touch(uow, training)
    return gather(uow, training.id)


def missing_before(uow, within_days: int, at: datetime | None = None) -> list[dict]:
    """Live sessions starting within `within_days` whose participants' needs are not all arranged or waived,
    for notify to remind the organisers: ids, the area, the time, the missing kinds and who organises
    (the user who scheduled the training). No person is named."""
    start = at or now()
    rows = uow.session.execute(
        sa.select(Session, Training).join(Training, Training.id == Session.training_id)
        .where(Session.status != "cancelled", Session.starts_at > start,
               Session.starts_at <= start + timedelta(days=within_days))
        .order_by(Session.starts_at, Session.id)).all()
    found = []
    for session, training in rows:
        missing = unmet_needs(uow, training.id, session.id)
        if missing:
            found.append({"training_id": training.id, "session_id": session.id, "area_code": training.area_code,
                          "starts_at": utc_iso(session.starts_at), "missing": missing,
                          "organiser_ids": [training.created_by]})
    return found
