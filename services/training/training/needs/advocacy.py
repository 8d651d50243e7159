"""Advocacy actions: a meeting with a Dinas, a policy letter, a hearing; what was done and what came of it."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from inklusi_platform.errors import ValidationFailed
from inklusi_platform.pagination import clamp_limit, decode_cursor, page
from training.actors import actor_id
from training.models.problems import AdvocacyAction, Problem, ProblemLink
from training.needs.problems import in_areas
from training.needs.schemas import AdvocacyInput
from training.schemas import load
from training.times import now, utc_iso


def _cursor_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed("cursor tidak dikenali", {"cursor": ["Cursor tidak valid."]}) from None


def action_dict(a: AdvocacyAction, problem_ids: list[str]) -> dict:
    return {"id": a.id, "title": a.title, "kind": a.kind, "held_on": a.held_on.isoformat(),
            "counterpart_org": a.counterpart_org, "outcome": a.outcome, "area_code": a.area_code,
            "problem_ids": problem_ids, "created_at": utc_iso(a.created_at)}


def _answered(uow, action_ids: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {i: [] for i in action_ids}
    if action_ids:
        rows = uow.session.execute(sa.select(ProblemLink.target_id, ProblemLink.problem_id)
                                   .join(Problem, Problem.id == ProblemLink.problem_id)
                                   .where(Problem.merged_into_id.is_(None), ProblemLink.kind == "advocacy_action",
                                          ProblemLink.target_id.in_(action_ids))
                                   .order_by(ProblemLink.problem_id))
        for action_id, problem_id in rows:
            found[action_id].append(problem_id)
    return found


def create_action(uow, data, actor) -> dict:
    user = actor_id(actor)
    doc = load(AdvocacyInput(), data)
    action = AdvocacyAction(**doc, created_at=now(), created_by=user)
    uow.session.add(action)
    uow.session.flush()
    return action_dict(action, [])


def list_actions(uow, areas, limit=None, cursor=None) -> dict:
    """Most recent first; `areas` None: everywhere; actions about all of Malang Raya reach everyone."""
    limit = clamp_limit(limit)
    after = decode_cursor(cursor, on=str, id=str)
    query = sa.select(AdvocacyAction)
    if areas is not None:
        query = query.where(in_areas(AdvocacyAction.area_code, areas))
    if after is not None:
        on = _cursor_date(after["on"])
        query = query.where(sa.or_(AdvocacyAction.held_on < on,
                                   sa.and_(AdvocacyAction.held_on == on, AdvocacyAction.id < after["id"])))
    rows = uow.session.scalars(query.order_by(AdvocacyAction.held_on.desc(), AdvocacyAction.id.desc())
                               .limit(limit + 1)).all()
    result = page(list(rows), limit, lambda a: {"on": a.held_on.isoformat(), "id": a.id})
    answered = _answered(uow, [a.id for a in result["items"]])
    result["items"] = [action_dict(a, answered[a.id]) for a in result["items"]]
    return result
