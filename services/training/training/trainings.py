"""Trainings and their sessions: scheduling, rescheduling and cancelling with a reason, confirming."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from inklusi_platform.errors import Conflict, ValidationFailed
from inklusi_platform.pagination import clamp_limit, decode_cursor, page
from training import accommodations, booking, enrolment
from training.actors import actor_id
from training.catalogue import load_row, within
from training.models.catalogue import Programme, Trainer, Venue
from training.models.schedule import Session, SessionTrainer, Training
from training.records import capacity_of, check_version, load_session, load_training, sessions_of, touch
from training.schemas import ReasonInput, RescheduleInput, SessionInput, TrainingInput, load
from training.times import from_wib, now, utc_iso, wib_iso

# --- reading -------------------------------------------------------------------------------------

def trainers_of(uow, session_ids: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {sid: [] for sid in session_ids}
    if session_ids:
        rows = uow.session.execute(sa.select(SessionTrainer.session_id, SessionTrainer.trainer_id)
                                   .where(SessionTrainer.session_id.in_(session_ids))
                                   .order_by(SessionTrainer.trainer_id))
        for session_id, trainer_id in rows:
            found[session_id].append(trainer_id)
    return found




def session_dict(session: Session, venue: Venue, trainer_ids: list[str]) -> dict:
    return {
        "id": session.id, "training_id": session.training_id,
        "starts_at": wib_iso(session.starts_at), "ends_at": wib_iso(session.ends_at),
        "venue": {"id": venue.id, "name": venue.name, "desa_code": venue.desa_code,
                  "features": list(venue.features), "accessibility_notes": venue.accessibility_notes},
        "trainer_ids": trainer_ids, "capacity": session.capacity, "status": session.status,
        "change_reason": session.change_reason,
    }


def session_views(uow, sessions: list[Session]) -> list[dict]:
    trainers = trainers_of(uow, [s.id for s in sessions])
    venues = {v.id: v for v in uow.session.scalars(
        sa.select(Venue).where(Venue.id.in_({s.venue_id for s in sessions})))} if sessions else {}
    return [session_dict(s, venues[s.venue_id], trainers[s.id]) for s in sessions]


def training_dict(uow, training: Training) -> dict:
    programme = uow.session.get(Programme, training.programme_id)
    sessions = sessions_of(uow, training.id)
    counts = enrolment.counts(uow, training.id)
    return {
        "id": training.id, "version": training.version, "title": training.title,
        "programme": {"id": programme.id, "title": programme.title, "topic": programme.topic,
                      "organiser_org": programme.organiser_org, "audience": programme.audience},
        "area_code": training.area_code, "pokja_id": training.pokja_id,
        "capacity": capacity_of(sessions), "confirmed_count": counts["confirmed"],
        "waitlisted_count": counts["waitlisted"], "sessions": session_views(uow, sessions),
        "created_at": utc_iso(training.created_at), "updated_at": utc_iso(training.updated_at),
    }


def get_training(uow, training_id: str) -> dict:
    return training_dict(uow, load_training(uow, training_id))


def list_trainings(uow, areas, filters=None, limit=None, cursor=None) -> dict:
    """Newest first; `areas` None: everywhere, []: nowhere. Filters: pokja_id, topic."""
    filters = filters or {}
    limit = clamp_limit(limit)
    after = decode_cursor(cursor, at=str, id=str)
    if areas is not None and not areas:
        return {"items": [], "next_cursor": None}
    query = sa.select(Training)
    if areas is not None:
        query = query.where(within(Training.area_code, areas))
    if filters.get("pokja_id"):
        query = query.where(Training.pokja_id == filters["pokja_id"])
    if filters.get("topic"):
        query = query.join(Programme, Programme.id == Training.programme_id).where(Programme.topic == filters["topic"])
    if after is not None:
        at = _cursor_time(after["at"])
        query = query.where(sa.or_(Training.created_at < at,
                                   sa.and_(Training.created_at == at, Training.id < after["id"])))
    rows = uow.session.scalars(query.order_by(Training.created_at.desc(), Training.id.desc()).limit(limit + 1)).all()
    result = page(list(rows), limit, lambda t: {"at": utc_iso(t.created_at), "id": t.id})
    result["items"] = [training_dict(uow, t) for t in result["items"]]
    return result


def _cursor_time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed("cursor tidak dikenali", {"cursor": ["Cursor tidak valid."]}) from None


def list_sessions(uow, training_id: str) -> list[dict]:
    return session_views(uow, sessions_of(uow, load_training(uow, training_id).id))


# --- scheduling ----------------------------------------------------------------------------------

def _check_resources(uow, venue_id, trainer_ids) -> None:
    """Lock the venue and trainers (so racing bookings queue up), or say which ids are unknown."""
    errors = {}
    if uow.session.get(Venue, venue_id, with_for_update=True) is None:
        errors["venue_id"] = ["Tempat pelatihan ini tidak ditemukan."]
    # Locked in id order, so two bookings sharing trainers cannot deadlock.
    unknown = [t for t in sorted(set(trainer_ids)) if uow.session.get(Trainer, t, with_for_update=True) is None]
    if unknown:
        errors["trainer_ids"] = [f"Pelatih tidak ditemukan: {', '.join(unknown)}."]
    if errors:
        raise ValidationFailed("Beberapa isian tidak valid.", errors)


def _add_session(uow, training: Training, doc: dict) -> Session:
    starts_at, ends_at = from_wib(doc["starts_at"]), from_wib(doc["ends_at"])
    trainer_ids = list(dict.fromkeys(doc["trainer_ids"]))
    _check_resources(uow, doc["venue_id"], trainer_ids)
    booking.refuse_clash(uow, starts_at, ends_at, doc["venue_id"], trainer_ids)
    session = Session(training_id=training.id, starts_at=starts_at, ends_at=ends_at, venue_id=doc["venue_id"],
                      capacity=doc["capacity"], status="scheduled", created_at=now())
    uow.session.add(session)
    uow.session.flush()
    uow.session.add_all([SessionTrainer(session_id=session.id, trainer_id=t) for t in trainer_ids])
    uow.session.flush()
    uow.emit("session_scheduled", {"training_id": training.id, "session_id": session.id,
                                   "area_code": training.area_code, "starts_at": utc_iso(starts_at),
                                   "ends_at": utc_iso(ends_at), "venue_id": session.venue_id})
    return session


def create_training(uow, data, actor) -> dict:
    """A training of a programme for an area, with its sessions; a clash of any session refuses it all."""
    user = actor_id(actor)
    doc = load(TrainingInput(), data)
    load_row(uow, Programme, doc["programme_id"])
    at = now()
    training = Training(programme_id=doc["programme_id"], title=doc["title"], area_code=doc["area_code"],
                        pokja_id=doc["pokja_id"], created_at=at, updated_at=at, created_by=user)
    uow.session.add(training)
    uow.session.flush()
    for session_doc in doc["sessions"]:
        _add_session(uow, training, session_doc)
    return training_dict(uow, training)






def add_session(uow, training_id: str, data, actor) -> dict:
    actor_id(actor)
    training = load_training(uow, training_id, lock=True)
    session = _add_session(uow, training, load(SessionInput(), data))
    touch(uow, training)
    enrolment.fill_places(uow, training)
    return session_views(uow, [session])[0]


def reschedule_session(uow, training_id: str, session_id: str, data, expected_version, actor) -> dict:
    """Move a session (and perhaps its venue or trainers); the reason goes to everyone enrolled."""
    actor_id(actor)
    training = load_training(uow, training_id, lock=True)
    check_version(training, expected_version)
    session = load_session(uow, training, session_id)
    if session.status == "cancelled":
        raise Conflict("Sesi ini sudah dibatalkan; jadwalkan sesi baru.")
    doc = load(RescheduleInput(), data)
    starts_at, ends_at = from_wib(doc["starts_at"]), from_wib(doc["ends_at"])
    venue_id = doc.get("venue_id", session.venue_id)
    current_trainers = trainers_of(uow, [session.id])[session.id]
    trainer_ids = list(dict.fromkeys(doc.get("trainer_ids", current_trainers)))
    _check_resources(uow, venue_id, trainer_ids)
    booking.refuse_clash(uow, starts_at, ends_at, venue_id, trainer_ids, ignore_session_id=session.id)
    previous = (session.starts_at, session.ends_at)
    session.starts_at, session.ends_at, session.venue_id = starts_at, ends_at, venue_id
    session.change_reason = doc["reason"]
    if set(trainer_ids) != set(current_trainers):
        uow.session.execute(sa.delete(SessionTrainer).where(SessionTrainer.session_id == session.id))
        uow.session.add_all([SessionTrainer(session_id=session.id, trainer_id=t) for t in trainer_ids])
    touch(uow, training)
    uow.emit("session_rescheduled", {
        "training_id": training.id, "session_id": session.id, "area_code": training.area_code,
        "starts_at": utc_iso(starts_at), "ends_at": utc_iso(ends_at), "venue_id": venue_id,
        "previous_starts_at": utc_iso(previous[0]), "previous_ends_at": utc_iso(previous[1]),
        "reason": doc["reason"], "person_ids": enrolment.open_person_ids(uow, training.id),
    })
    return session_views(uow, [session])[0]


def cancel_session(uow, training_id: str, session_id: str, data, actor) -> dict:
    """Cancel with a reason, told to everyone enrolled. With no live session left, enrolments end too."""
    actor_id(actor)
    training = load_training(uow, training_id, lock=True)
    session = load_session(uow, training, session_id)
    reason = load(ReasonInput(), data)["reason"]
    if session.status == "cancelled":
        return session_views(uow, [session])[0]  # a retry changes nothing
    session.status, session.change_reason = "cancelled", reason
    touch(uow, training)
    uow.emit("session_cancelled", {"training_id": training.id, "session_id": session.id,
                                   "area_code": training.area_code, "reason": reason,
                                   "person_ids": enrolment.open_person_ids(uow, training.id)})
    if not sessions_of(uow, training.id, live_only=True):
        enrolment.cancel_all(uow, training, "session_cancelled")
    else:
        enrolment.fill_places(uow, training)  # the smallest session may have gone
    return session_views(uow, [session])[0]


def confirm_session(uow, training_id: str, session_id: str, actor) -> dict:
    """Mark a session confirmed: only once every participant's need is arranged or waived with a reason."""
    actor_id(actor)
    training = load_training(uow, training_id, lock=True)
    session = load_session(uow, training, session_id)
    if session.status == "cancelled":
        raise Conflict("Sesi ini sudah dibatalkan.")
    unmet = accommodations.unmet_needs(uow, training.id, session.id)
    if unmet:
        names = ", ".join(accommodations.label(kind) for kind in unmet)
        raise Conflict(f"Sesi belum bisa dikonfirmasi: kebutuhan peserta belum diatur atau dikecualikan: {names}.",
                       {"unmet": unmet})
    if session.status != "confirmed":
        session.status = "confirmed"
        touch(uow, training)
    return session_views(uow, [session])[0]



