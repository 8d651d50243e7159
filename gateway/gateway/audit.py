"""The audit log: who did what to which record, when, and how it ended. Append-only.

Entries are written in their own transaction, so a refused or failed request is still on record
even though its own work was rolled back.
"""
from datetime import UTC, datetime

import sqlalchemy as sa

from gateway.models import AuditEntry
from inklusi_platform.pagination import clamp_limit, decode_cursor, page

ACTIONS = ("read", "create", "update", "delete", "export", "login")
OUTCOMES = ("success", "denied", "not_found", "failed")


def record(sessions, *, principal, action: str, resource: str, resource_ids, correlation_id: str | None,
           outcome: str, detail: str | None = None) -> None:
    """One entry per resource id. `principal` is a Caller, or None before a login succeeded.

    `detail` must hold no personal data: it is a reason or a count, never a NIK or a name.
    """
    if action not in ACTIONS or outcome not in OUTCOMES:
        raise ValueError(f"unknown audit action/outcome {action}/{outcome}")
    now = datetime.now(UTC)
    entries = [
        AuditEntry(
            at=now,
            user_id=getattr(principal, "user_id", None),
            client_id=getattr(principal, "client_id", None),
            org_id=getattr(principal, "org_id", None),
            action=action,
            resource=resource,
            resource_id=resource_id,
            correlation_id=correlation_id,
            outcome=outcome,
            detail=detail[:300] if detail else None,
        )
        for resource_id in (resource_ids or [None])
    ]
    with sessions() as session, session.begin():
        session.add_all(entries)


class AuditLog:
    """What a handler holds: it notes entries, and `write()` appends them once the request's own
    transaction has committed or rolled back, before the response leaves."""

    def __init__(self, sessions, correlation_id: str | None):
        self.sessions = sessions
        self.correlation_id = correlation_id
        self.pending: list[dict] = []

    def __call__(self, caller, action: str, resource: str, resource_ids=None, outcome: str = "success",
                 detail: str | None = None) -> None:
        if action not in ACTIONS or outcome not in OUTCOMES:
            raise ValueError(f"unknown audit action/outcome {action}/{outcome}")
        if isinstance(resource_ids, str):
            resource_ids = [resource_ids]
        self.pending.append({"principal": caller, "action": action, "resource": resource,
                             "resource_ids": resource_ids, "outcome": outcome, "detail": detail})

    def write(self) -> None:
        for entry in self.pending:
            record(self.sessions, correlation_id=self.correlation_id, **entry)
        self.pending.clear()


FILTERS = ("user_id", "client_id", "org_id", "action", "resource", "resource_id", "outcome", "correlation_id")


def list_entries(session, filters: dict, limit=None, cursor=None) -> dict:
    """Newest first; filter by any of FILTERS and by `since`/`until` (datetimes)."""
    limit = clamp_limit(limit)
    query = sa.select(AuditEntry).order_by(AuditEntry.id.desc())
    for name in FILTERS:
        if filters.get(name):
            query = query.where(getattr(AuditEntry, name) == filters[name])
    if filters.get("since"):
        query = query.where(AuditEntry.at >= filters["since"])
    if filters.get("until"):
        query = query.where(AuditEntry.at < filters["until"])
    after = decode_cursor(cursor, id=int)  # a cursor is client input: {"id": [1]} must be a 422, not a 500
    if after:
        query = query.where(AuditEntry.id < after["id"])
    rows = session.scalars(query.limit(limit + 1)).all()
    return page([as_dict(row) for row in rows], limit, lambda item: {"id": item["id"]})


def as_dict(entry: AuditEntry) -> dict:
    return {
        "id": entry.id, "at": entry.at.isoformat(), "user_id": entry.user_id, "client_id": entry.client_id,
        "org_id": entry.org_id, "action": entry.action, "resource": entry.resource,
        "resource_id": entry.resource_id, "correlation_id": entry.correlation_id, "outcome": entry.outcome,
        "detail": entry.detail,
    }
