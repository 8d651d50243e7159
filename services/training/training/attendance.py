"""Attendance, recorded per session from a sheet, and completion once a person attended enough sessions."""
from __future__ import annotations

import math

import sqlalchemy as sa

from inklusi_platform.contracts.training import DEFAULT_COMPLETION_SHARE
from inklusi_platform.errors import Conflict, ValidationFailed
from training.actors import actor_id
from training.models.catalogue import Programme
from training.models.participation import Attendance, Enrolment
from training.records import load_session, load_training, sessions_of
from training.schemas import AttendanceInput, load
from training.times import now, utc_iso


def required_sessions(total: int, share: float = DEFAULT_COMPLETION_SHARE) -> int:
    """How many of `total` sessions make a completion: 75% of 4 is 3, of 3 is 3 (2.25 rounds up)."""
    return max(1, math.ceil(total * share - 1e-9)) if total else 0


def check_share(share) -> float:
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share <= 1:
        raise ValueError("COMPLETION_SHARE must be a number above 0 and at most 1")
    return float(share)


def record_sheet(uow, training_id: str, data, actor, share: float = DEFAULT_COMPLETION_SHARE) -> dict:
    """Record who came to one session; everyone on the sheet must hold a confirmed place.

    Persons who now reach the required share are marked completed, and that is announced once.
    """
    user = actor_id(actor)
    doc = load(AttendanceInput(), data)
    training = load_training(uow, training_id, lock=True)
    session = load_session(uow, training, doc["session_id"])
    if session.status == "cancelled":
        raise Conflict("Sesi ini sudah dibatalkan; kehadiran tidak bisa dicatat.")
    sheet = {row["person_id"]: row["present"] for row in doc["sheet"]}  # the last line for a person wins
    enrolled = {e.person_id: e for e in uow.session.scalars(sa.select(Enrolment).where(
        Enrolment.training_id == training.id, Enrolment.status == "confirmed"))}
    strangers = [i for i, row in enumerate(doc["sheet"]) if row["person_id"] not in enrolled]
    if strangers:
        raise ValidationFailed("Beberapa peserta pada daftar hadir tidak terdaftar di pelatihan ini.",
                               {"sheet": {i: {"person_id": ["Tidak terdaftar (terkonfirmasi) di pelatihan ini."]}
                                          for i in strangers}})
    at = now()
    for person_id, present in sheet.items():
        row = uow.session.get(Attendance, (session.id, person_id))
        if row is None:
            uow.session.add(Attendance(session_id=session.id, person_id=person_id, present=present,
                                       recorded_at=at, recorded_by=user))
        else:
            row.present, row.recorded_at, row.recorded_by = present, at, user
    uow.session.flush()
    uow.emit("attendance_recorded", {
        "training_id": training.id, "session_id": session.id, "area_code": training.area_code,
        "present_person_ids": sorted(p for p, here in sheet.items() if here),
        "absent_person_ids": sorted(p for p, here in sheet.items() if not here),
    })
    completed = _complete(uow, training, [enrolled[p] for p in sheet], share)
    return {"training_id": training.id, "session_id": session.id, "recorded": len(sheet),
            "completed_person_ids": completed}


def _complete(uow, training, enrolments: list[Enrolment], share: float) -> list[str]:
    live = [s.id for s in sessions_of(uow, training.id, live_only=True)]
    needed = required_sessions(len(live), share)
    attended = dict(uow.session.execute(
        sa.select(Attendance.person_id, sa.func.count()).where(
            Attendance.session_id.in_(live), Attendance.present.is_(True),
            Attendance.person_id.in_([e.person_id for e in enrolments]))
        .group_by(Attendance.person_id)).all()) if live else {}
    topic = uow.session.scalar(sa.select(Programme.topic).where(Programme.id == training.programme_id))
    done = []
    for row in enrolments:
        if row.completed_at is None and needed and attended.get(row.person_id, 0) >= needed:
            row.completed_at = now()
            done.append(row.person_id)
            uow.emit("training_completed", {"training_id": training.id, "person_id": row.person_id,
                                            "area_code": training.area_code, "topic": topic,
                                            "attended_sessions": attended[row.person_id],
                                            "total_sessions": len(live)})
    uow.session.flush()
    return done


def attendance_of(uow, training_id: str) -> dict:
    """Per session, who was recorded present or absent; per participant, sessions attended and completion."""
    training = load_training(uow, training_id)
    sessions = sessions_of(uow, training.id, live_only=True)
    rows = list(uow.session.scalars(sa.select(Attendance).where(
        Attendance.session_id.in_([s.id for s in sessions])).order_by(Attendance.session_id, Attendance.person_id))) \
        if sessions else []
    per_session = {s.id: [] for s in sessions}
    attended: dict[str, int] = {}
    for row in rows:
        per_session[row.session_id].append({"person_id": row.person_id, "present": row.present})
        attended[row.person_id] = attended.get(row.person_id, 0) + (1 if row.present else 0)
    participants = [{"person_id": e.person_id, "attended_sessions": attended.get(e.person_id, 0),
                     "completed_at": utc_iso(e.completed_at)}
                    for e in uow.session.scalars(sa.select(Enrolment).where(
                        Enrolment.training_id == training.id, Enrolment.status == "confirmed")
                        .order_by(Enrolment.requested_at, Enrolment.id))]
    return {"training_id": training.id, "total_sessions": len(sessions),
            "sessions": [{"session_id": sid, "sheet": sheet} for sid, sheet in per_session.items()],
            "participants": participants}
