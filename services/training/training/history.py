"""A person's training history, for the funding service's eligibility facts and the person's calendar."""
from __future__ import annotations

import sqlalchemy as sa

from inklusi_platform.contracts.training import LIMITS
from inklusi_platform.errors import ValidationFailed
from training.models.catalogue import Programme
from training.models.participation import Enrolment
from training.models.schedule import Training
from training.times import utc_iso


def _ids(person_ids) -> list[str]:
    if not isinstance(person_ids, list) or not all(isinstance(i, str) for i in person_ids):
        raise ValidationFailed("person_ids harus daftar teks", {"person_ids": ["Harus berupa daftar id."]})
    if len(person_ids) > LIMITS["person_ids"]:
        raise ValidationFailed("Terlalu banyak id",
                               {"person_ids": [f"Paling banyak {LIMITS['person_ids']} id sekali minta."]})
    return list(dict.fromkeys(person_ids))


def _rows(uow, person_ids: list[str], completed_only: bool):
    query = (sa.select(Enrolment, Training, Programme)
             .join(Training, Training.id == Enrolment.training_id)
             .join(Programme, Programme.id == Training.programme_id)
             .where(Enrolment.person_id.in_(person_ids)))
    if completed_only:
        query = query.where(Enrolment.completed_at.is_not(None))
    return uow.session.execute(query.order_by(Enrolment.requested_at, Enrolment.id)).all()


def completions_of(uow, person_ids) -> dict[str, list[dict]]:
    """person id -> trainings completed (topic, when); every id asked for has an entry, maybe empty."""
    ids = _ids(person_ids)
    found: dict[str, list[dict]] = {person_id: [] for person_id in ids}
    for enrolment, training, programme in _rows(uow, ids, completed_only=True) if ids else ():
        found[enrolment.person_id].append({
            "training_id": training.id, "programme_id": programme.id, "topic": programme.topic,
            "area_code": training.area_code, "completed_at": utc_iso(enrolment.completed_at)})
    return found


def training_history(uow, person_id: str) -> list[dict]:
    """Every enrolment of one person, with its status and completion."""
    ids = _ids([person_id])
    return [{"enrolment_id": e.id, "training_id": t.id, "training_title": t.title, "topic": p.topic,
             "status": e.status, "requested_at": utc_iso(e.requested_at),
             "cancel_reason": e.cancel_reason, "completed_at": utc_iso(e.completed_at)}
            for e, t, p in _rows(uow, ids, completed_only=False)]
