"""What the training service needs to know about would-be participants: eligibility and accommodation facts."""
from __future__ import annotations

import sqlalchemy as sa

from registry import persons
from registry.models.persons import Person


def participant_profiles(uow, ids) -> list[dict]:
    """persons_by_ids' facts plus the communication format (easy read, large print); no names or contacts."""
    facts = persons.persons_by_ids(uow, ids)
    if not facts:
        return []
    formats = dict(uow.session.execute(
        sa.select(Person.id, Person.format).where(Person.id.in_([f["person_id"] for f in facts]))).all())
    return [fact | {"format": formats.get(fact["person_id"])} for fact in facts]
