"""A person's history (who changed what, when), the actor who makes changes, and the registry's clock."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

# The registry's modules read the suite's clock through here (history.now(), history.today()).
from inklusi_platform.clock import LOCAL_ZONE, iso_time, now, today  # noqa: F401
from inklusi_platform.errors import NotFound, ValidationFailed
from inklusi_platform.pagination import clamp_limit, decode_cursor, page
from inklusi_platform.sealing import keyring
from registry.models.persons import Person, PersonChange

# Personal data in a change is sealed like the record's own columns: history is no way around it.
SEALED_FIELDS = ("nik", "kk", "phone", "email", "disability.diagnosis", "guardian.phone")


def jsonable(value):
    if isinstance(value, datetime):
        return iso_time(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def actor_ids(actor) -> tuple[str, str | None]:
    """(user_id, org_id) of the caller; every change must name who made it."""
    if not isinstance(actor, dict) or not actor.get("user_id"):
        raise ValidationFailed("Pelaku perubahan tidak diketahui.", {"actor": ["user_id wajib diisi."]})
    return str(actor["user_id"]), (str(actor["org_id"]) if actor.get("org_id") else None)


def record(uow, person_id: str, action: str, changes: dict, actor, at: datetime | None = None) -> PersonChange:
    user_id, org_id = actor_ids(actor)
    entry = PersonChange(
        person_id=person_id,
        at=at or now(),
        actor_user_id=user_id,
        actor_org_id=org_id,
        action=action,
        changes=seal_changes(jsonable(changes)),
    )
    uow.session.add(entry)
    return entry


def seal_changes(changes: dict) -> dict:
    ring = keyring()
    return {field: [ring.seal(v, f"person_changes.{field}") for v in pair] if field in SEALED_FIELDS else pair
            for field, pair in changes.items()}


def open_changes(changes: dict) -> dict:
    ring = keyring()
    return {field: [ring.open(v, f"person_changes.{field}") for v in pair] if field in SEALED_FIELDS else pair
            for field, pair in changes.items()}


def get_history(uow, person_id: str, limit=None, cursor=None) -> dict:
    """The person's history, newest first; a page of {at, actor, action, changes}."""
    if uow.session.get(Person, person_id) is None:
        raise NotFound("Data orang ini tidak ditemukan.")
    limit = clamp_limit(limit)
    after = decode_cursor(cursor)
    query = sa.select(PersonChange).where(PersonChange.person_id == person_id)
    if after is not None:
        if not isinstance(after.get("id"), int):
            raise ValidationFailed("cursor tidak dikenali", {"cursor": ["Cursor tidak valid."]})
        query = query.where(PersonChange.id < after["id"])
    rows = uow.session.scalars(query.order_by(PersonChange.id.desc()).limit(limit + 1)).all()
    result = page(list(rows), limit, lambda entry: {"id": entry.id})
    result["items"] = [entry_dict(entry) for entry in result["items"]]
    return result


def entry_dict(entry: PersonChange) -> dict:
    return {
        "at": iso_time(entry.at),
        "actor": {"user_id": entry.actor_user_id, "org_id": entry.actor_org_id},
        "action": entry.action,
        "changes": open_changes(entry.changes),
    }
