"""Loading a training and its sessions, and raising its version: shared by scheduling and enrolment."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from inklusi_platform.errors import NotFound, PreconditionFailed, ValidationFailed
from training.models.schedule import Session, Training
from training.times import now

NOT_FOUND = "Pelatihan ini tidak ditemukan."
SESSION_NOT_FOUND = "Sesi ini tidak ditemukan pada pelatihan ini."
STALE = "Data pelatihan sudah diubah orang lain sejak Anda membacanya; muat ulang lalu ulangi."


def load_training(uow, training_id, lock: bool = False) -> Training:
    """The training, or NotFound. `lock` serialises enrolments and session changes of one training."""
    training = uow.session.get(Training, training_id, with_for_update=lock or None) \
        if isinstance(training_id, str) else None
    if training is None:
        raise NotFound(NOT_FOUND)
    return training


def load_session(uow, training: Training, session_id) -> Session:
    session = uow.session.get(Session, session_id) if isinstance(session_id, str) else None
    if session is None or session.training_id != training.id:
        raise NotFound(SESSION_NOT_FOUND)
    return session


def sessions_of(uow, training_id: str, live_only: bool = False) -> list[Session]:
    query = sa.select(Session).where(Session.training_id == training_id)
    if live_only:
        query = query.where(Session.status != "cancelled")
    return list(uow.session.scalars(query.order_by(Session.starts_at, Session.id)))


def capacity_of(sessions: list[Session]) -> int:
    """A participant takes every session, so the smallest live session sets the number of places."""
    live = [s.capacity for s in sessions if s.status != "cancelled"]
    return min(live) if live else 0


def touch(uow, training: Training) -> None:
    """Raise the training's version: its ETag covers its sessions and enrolments too."""
    training.updated_at = now()
    try:
        uow.session.flush()
    except StaleDataError:
        raise PreconditionFailed(STALE, {}) from None


def check_version(training: Training, expected_version) -> None:
    if expected_version is None:
        return
    if isinstance(expected_version, bool) or not isinstance(expected_version, int):
        raise ValidationFailed("Versi tidak valid", {"expected_version": ["Harus bilangan bulat."]})
    if expected_version != training.version:
        raise PreconditionFailed(STALE, {"current_version": training.version})
