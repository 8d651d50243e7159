"""Enrolment: only active registered persons, capacity with a waitlist, and automatic promotion.

Every change here runs with the training's row locked (PostgreSQL), so two clerks enrolling the
last place at once are served one after the other: one gets it, the other waits in line.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from inklusi_platform.errors import Conflict, NotFound
from training import accommodations
from training.actors import actor_id
from training.models.participation import Attendance, Enrolment
from training.models.schedule import Training
from training.records import capacity_of, load_training, sessions_of, touch
from training.schemas import EnrolmentInput, load
from training.times import now, utc_iso

NOT_FOUND = "Pendaftaran ini tidak ditemukan pada pelatihan ini."
PERSON_NOT_FOUND = "Data orang ini tidak ditemukan."
OPEN = ("confirmed", "waitlisted")


def enrolment_dict(e: Enrolment, position: int | None = None) -> dict:
    return {"id": e.id, "training_id": e.training_id, "person_id": e.person_id, "status": e.status,
            "position": position, "needs": list(e.needs), "requested_at": utc_iso(e.requested_at),
            "confirmed_at": utc_iso(e.confirmed_at), "cancelled_at": utc_iso(e.cancelled_at),
            "cancel_reason": e.cancel_reason, "completed_at": utc_iso(e.completed_at)}


def _open(uow, training_id: str, status: str) -> list[Enrolment]:
    return list(uow.session.scalars(
        sa.select(Enrolment).where(Enrolment.training_id == training_id, Enrolment.status == status)
        .order_by(Enrolment.requested_at, Enrolment.id)))


def counts(uow, training_id: str) -> dict[str, int]:
    rows = uow.session.execute(sa.select(Enrolment.status, sa.func.count()).where(
        Enrolment.training_id == training_id, Enrolment.status.in_(OPEN)).group_by(Enrolment.status))
    found = dict(rows.all())
    return {status: found.get(status, 0) for status in OPEN}


def open_person_ids(uow, training_id: str) -> list[str]:
    return list(uow.session.scalars(sa.select(Enrolment.person_id).where(
        Enrolment.training_id == training_id, Enrolment.status.in_(OPEN)).order_by(Enrolment.requested_at)))


def list_enrolments(uow, training_id: str, include_cancelled: bool = False) -> list[dict]:
    """Confirmed first, then the waitlist in its order (with positions), then, if asked, the cancelled."""
    training = load_training(uow, training_id)
    items = [enrolment_dict(e) for e in _open(uow, training.id, "confirmed")]
    items += [enrolment_dict(e, i) for i, e in enumerate(_open(uow, training.id, "waitlisted"), start=1)]
    if include_cancelled:
        items += [enrolment_dict(e) for e in _open(uow, training.id, "cancelled")]
    return items


def check_eligible(profile: dict | None, person_id: str) -> None:
    """Only an active registered person whose registration consent holds may enrol (facts from the registry)."""
    if profile is None or profile.get("person_id") != person_id:
        raise NotFound(PERSON_NOT_FOUND)
    if profile.get("status") != "active":
        raise Conflict("Hanya orang terdaftar yang berstatus aktif yang bisa didaftarkan ke pelatihan.",
                       {"person_status": profile.get("status")})
    if "pendataan" not in (profile.get("consent_active") or ()):
        raise Conflict("Orang ini belum memberi (atau sudah menarik) persetujuan pendataan; "
                       "catat persetujuannya dulu di registry.")


def enrol(uow, training_id: str, data, profile: dict | None, actor) -> dict:
    """Confirm a place while there is one, otherwise put the person at the end of the waitlist."""
    user = actor_id(actor)
    doc = load(EnrolmentInput(), data)
    training = load_training(uow, training_id, lock=True)
    check_eligible(profile, doc["person_id"])
    sessions = sessions_of(uow, training.id, live_only=True)
    if not sessions:
        raise Conflict("Pelatihan ini tidak punya sesi yang berjalan; pendaftaran ditutup.")
    existing = uow.session.scalar(sa.select(Enrolment).where(
        Enrolment.training_id == training.id, Enrolment.person_id == doc["person_id"], Enrolment.status.in_(OPEN)))
    if existing is not None:
        raise Conflict("Orang ini sudah terdaftar di pelatihan ini.", {"enrolment_id": existing.id})
    confirmed = counts(uow, training.id)["confirmed"]
    at = now()
    place = confirmed < capacity_of(sessions)
    row = Enrolment(training_id=training.id, person_id=doc["person_id"],
                    status="confirmed" if place else "waitlisted",
                    needs=accommodations.needs_for(profile, doc["needs"]), requested_at=at,
                    confirmed_at=at if place else None, created_by=user)
    try:
        with uow.savepoint():
            uow.session.add(row)
    except IntegrityError:
        raise Conflict("Orang ini sudah terdaftar di pelatihan ini.") from None
    touch(uow, training)
    ref = _ref(row, training)
    if place:
        uow.emit("enrolment_confirmed", ref)
        return enrolment_dict(row)
    position = len(_open(uow, training.id, "waitlisted"))
    uow.emit("enrolment_waitlisted", ref | {"position": position})
    return enrolment_dict(row, position)


def cancel(uow, training_id: str, enrolment_id: str, actor) -> dict:
    """Cancel on request; a freed place goes to the first on the waitlist."""
    actor_id(actor)
    training = load_training(uow, training_id, lock=True)
    row = uow.session.get(Enrolment, enrolment_id) if isinstance(enrolment_id, str) else None
    if row is None or row.training_id != training.id:
        raise NotFound(NOT_FOUND)
    if row.status == "cancelled":
        return enrolment_dict(row)  # a retry changes nothing
    _cancel(uow, row, training, "requested")
    touch(uow, training)
    fill_places(uow, training)
    return enrolment_dict(row)


def _cancel(uow, row: Enrolment, training: Training, reason: str) -> None:
    row.status, row.cancelled_at, row.cancel_reason = "cancelled", now(), reason
    uow.session.flush()
    uow.emit("enrolment_cancelled", _ref(row, training) | {"reason": reason})


def fill_places(uow, training: Training) -> list[Enrolment]:
    """Promote from the waitlist, first come first served, while places are free."""
    free = capacity_of(sessions_of(uow, training.id, live_only=True)) - counts(uow, training.id)["confirmed"]
    promoted = _open(uow, training.id, "waitlisted")[:max(free, 0)]
    for row in promoted:
        row.status, row.confirmed_at = "confirmed", now()
        uow.session.flush()
        uow.emit("enrolment_promoted", _ref(row, training))
    return promoted


def cancel_all(uow, training: Training, reason: str) -> None:
    for status in OPEN:
        for row in _open(uow, training.id, status):
            _cancel(uow, row, training, reason)


def cancel_for_person(uow, person_id: str, reason: str) -> int:
    """A person who died or withdrew consent: their open enrolments end, and their places are passed on."""
    training_ids = list(uow.session.scalars(sa.select(Enrolment.training_id).where(
        Enrolment.person_id == person_id, Enrolment.status.in_(OPEN)).order_by(Enrolment.training_id)))
    for training_id in training_ids:
        training = load_training(uow, training_id, lock=True)
        row = uow.session.scalar(sa.select(Enrolment).where(
            Enrolment.training_id == training_id, Enrolment.person_id == person_id, Enrolment.status.in_(OPEN)))
        if row is None:
            continue
        _cancel(uow, row, training, reason)
        touch(uow, training)
        fill_places(uow, training)
    return len(training_ids)


def merge_person(uow, kept_id: str, merged_id: str) -> None:
    """Two registry records were one person: enrolments and attendance follow the kept record.

    Where both records were enrolled in one training, the merged record's enrolment ends.
    """
    rows = list(uow.session.scalars(sa.select(Enrolment).where(Enrolment.person_id == merged_id)
                                    .order_by(Enrolment.training_id)))
    for row in rows:
        training = load_training(uow, row.training_id, lock=True)
        twin = uow.session.scalar(sa.select(Enrolment).where(
            Enrolment.training_id == row.training_id, Enrolment.person_id == kept_id, Enrolment.status.in_(OPEN)))
        if row.status in OPEN and twin is not None:
            _cancel(uow, row, training, "person_merged")
            touch(uow, training)
            fill_places(uow, training)
        else:
            row.person_id = kept_id
    session_ids = sa.select(Attendance.session_id).where(Attendance.person_id == kept_id)
    uow.session.execute(sa.update(Attendance).where(Attendance.person_id == merged_id,
                                                    Attendance.session_id.not_in(session_ids))
                        .values(person_id=kept_id))
    uow.session.flush()


def _ref(row: Enrolment, training: Training) -> dict:
    return {"enrolment_id": row.id, "training_id": training.id, "person_id": row.person_id,
            "area_code": training.area_code}
