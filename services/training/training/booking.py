"""Double-booking: a trainer or a venue may be in one session at a time.

Before checking, the caller locks the venue and trainer rows (PostgreSQL), so two organisers
booking the same trainer at once are served one after the other and the second sees the clash.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from inklusi_platform.errors import Conflict
from training.models.catalogue import Venue
from training.models.schedule import Session, SessionTrainer, Training
from training.times import wib_iso


def find_clash(uow, starts_at: datetime, ends_at: datetime, venue_id: str, trainer_ids: list[str],
               ignore_session_id: str | None = None) -> dict | None:
    """The first live session overlapping [starts_at, ends_at) that shares the venue or a trainer."""
    overlapping = [Session.status != "cancelled", Session.starts_at < ends_at, Session.ends_at > starts_at]
    if ignore_session_id is not None:
        overlapping.append(Session.id != ignore_session_id)
    venue_clash = uow.session.execute(
        sa.select(Session, Training.title).join(Training, Training.id == Session.training_id)
        .where(Session.venue_id == venue_id, *overlapping).order_by(Session.starts_at).limit(1)
    ).first()
    if venue_clash is not None:
        venue = uow.session.get(Venue, venue_id)
        return _clash("venue", venue_id, venue.name, *venue_clash)
    if trainer_ids:
        trainer_clash = uow.session.execute(
            sa.select(Session, Training.title, SessionTrainer.trainer_id)
            .join(Training, Training.id == Session.training_id)
            .join(SessionTrainer, SessionTrainer.session_id == Session.id)
            .where(SessionTrainer.trainer_id.in_(trainer_ids), *overlapping)
            .order_by(Session.starts_at).limit(1)
        ).first()
        if trainer_clash is not None:
            session, title, trainer_id = trainer_clash
            return _clash("trainer", trainer_id, None, session, title)
    return None


def _clash(resource: str, resource_id: str, venue_name: str | None, session: Session, title: str) -> dict:
    # A trainer is named by id only: error messages may reach logs, and a name is personal data.
    return {"resource": resource, "resource_id": resource_id, "venue_name": venue_name,
            "session_id": session.id, "training_id": session.training_id, "training_title": title,
            "starts_at": wib_iso(session.starts_at), "ends_at": wib_iso(session.ends_at)}


def refuse_clash(uow, starts_at, ends_at, venue_id, trainer_ids, ignore_session_id=None) -> None:
    clash = find_clash(uow, starts_at, ends_at, venue_id, trainer_ids, ignore_session_id)
    if clash is None:
        return
    what = "Pelatih yang dipilih" if clash["resource"] == "trainer" else f"Tempat {clash['venue_name']}"
    when = f"{_wib_text(clash['starts_at'])}–{_wib_text(clash['ends_at'], time_only=True)} WIB"
    raise Conflict(
        f"{what} sudah terjadwal pada sesi lain yang bentrok: '{clash['training_title']}' {when} "
        f"(sesi {clash['session_id']}).",
        {"clash": clash},
    )


def _wib_text(iso: str, time_only: bool = False) -> str:
    day, _, clock = iso.partition("T")
    return clock[:5] if time_only else f"{day} {clock[:5]}"
