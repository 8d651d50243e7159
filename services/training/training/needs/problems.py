"""Problems of the needs inventory: raising, reading, triage, merging duplicates, comments and links.

A person named as a raiser is personal data: their id leaves the service only when the caller may
see persons (`show_persons`); everyone else sees how many persons raised the problem, nothing more.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from inklusi_platform.contracts.problems import CONSENT_PURPOSE, RAISER_KINDS
from inklusi_platform.errors import Conflict, NotFound, PreconditionFailed, ValidationFailed
from inklusi_platform.pagination import clamp_limit, decode_cursor, page
from training.actors import actor_id
from training.catalogue import within
from training.models.catalogue import Programme
from training.models.problems import (
    AdvocacyAction,
    Problem,
    ProblemChange,
    ProblemComment,
    ProblemLink,
    ProblemRaiser,
)
from training.models.schedule import Training
from training.needs import priority, triage
from training.needs.schemas import CommentInput, LinkInput, MergeInput, ProblemChangeInput, ProblemInput
from training.schemas import load
from training.times import WIB, now, utc, utc_iso

NOT_FOUND = "Permasalahan ini tidak ditemukan."
STALE = "Data permasalahan sudah diubah orang lain sejak Anda membacanya; muat ulang lalu ulangi."
LINK_TARGETS = {"programme": (Programme, "Program pelatihan ini tidak ditemukan."),
                "training": (Training, "Pelatihan ini tidak ditemukan."),
                "advocacy_action": (AdvocacyAction, "Aksi advokasi ini tidak ditemukan.")}
EDITABLE = ("title", "description", "field", "people_affected", "severity")


def today() -> date:
    return now().astimezone(WIB).date()


# --- reading -------------------------------------------------------------------------------------

def load_problem(uow, problem_id, lock: bool = False) -> Problem:
    problem = uow.session.get(Problem, problem_id, with_for_update=lock or None) \
        if isinstance(problem_id, str) else None
    if problem is None:
        raise NotFound(NOT_FOUND)
    return problem


def raisers_of(uow, problem_ids: list[str]) -> dict[str, list[ProblemRaiser]]:
    found: dict[str, list[ProblemRaiser]] = {pid: [] for pid in problem_ids}
    if problem_ids:
        rows = uow.session.scalars(sa.select(ProblemRaiser).where(ProblemRaiser.problem_id.in_(problem_ids))
                                   .order_by(ProblemRaiser.raised_on, ProblemRaiser.added_at, ProblemRaiser.id))
        for row in rows:
            found[row.problem_id].append(row)
    return found


def raiser_view(raisers: list[ProblemRaiser], show_persons: bool) -> dict:
    """Raisers as the caller may see them: persons only as a count unless the caller may see persons."""
    counts = {kind: 0 for kind in RAISER_KINDS}
    shown = []
    for r in raisers:
        counts[r.kind] += 1
        if r.kind != "person" or show_persons:
            shown.append({"kind": r.kind, "ref_id": r.ref_id, "organisation": r.organisation,
                          "raised_on": r.raised_on.isoformat()})
    return {"raisers": shown, "raiser_counts": counts}


def links_by_problem(uow, problem_ids: list[str]) -> dict[str, list[dict]]:
    """Each problem's links with the linked record's title, in a few queries whatever the number of problems."""
    found: dict[str, list[dict]] = {pid: [] for pid in problem_ids}
    if not problem_ids:
        return found
    rows = list(uow.session.scalars(sa.select(ProblemLink).where(ProblemLink.problem_id.in_(problem_ids))
                                    .order_by(ProblemLink.created_at, ProblemLink.id)))
    titles = {}
    for kind, (model, _) in LINK_TARGETS.items():
        ids = {r.target_id for r in rows if r.kind == kind}
        if ids:
            titles.update({(kind, i): t for i, t in uow.session.execute(
                sa.select(model.id, model.title).where(model.id.in_(ids)))})
    for r in rows:
        found[r.problem_id].append({"kind": r.kind, "target_id": r.target_id,
                                    "title": titles.get((r.kind, r.target_id)), "linked_at": utc_iso(r.created_at)})
    return found


def links_of(uow, problem_id: str) -> list[dict]:
    return links_by_problem(uow, [problem_id])[problem_id]


def problem_dict(uow, problem: Problem, show_persons: bool, raisers: list[ProblemRaiser] | None = None,
                 links: list[dict] | None = None) -> dict:
    """`raisers` and `links` when the caller read them for a whole page at once."""
    raisers = raisers_of(uow, [problem.id])[problem.id] if raisers is None else raisers
    links = links_of(uow, problem.id) if links is None else links
    return {
        "id": problem.id, "version": problem.version, "title": problem.title, "description": problem.description,
        "field": problem.field, "area_code": problem.area_code, "people_affected": problem.people_affected,
        "severity": problem.severity, "evidence": list(problem.evidence), "status": problem.status,
        "reject_reason": problem.reject_reason, "raised_on": problem.raised_on.isoformat(),
        **raiser_view(raisers, show_persons),
        "priority": priority.score(problem.people_affected, problem.severity, len(raisers)),
        "links": links,
        "programmed_at": utc_iso(problem.programmed_at), "resolved_at": utc_iso(problem.resolved_at),
        "merged_into_id": problem.merged_into_id,
        "created_at": utc_iso(problem.created_at), "updated_at": utc_iso(problem.updated_at),
    }


def get_problem(uow, problem_id, show_persons: bool = False) -> dict:
    return problem_dict(uow, load_problem(uow, problem_id), show_persons)


def in_areas(column, areas: list[str]):
    """Records in the areas, and those about all of Malang Raya (no area), which concern everyone."""
    return sa.or_(column.is_(None), within(column, areas)) if areas else column.is_(None)


def list_problems(uow, areas, filters=None, limit=None, cursor=None, show_persons: bool = False) -> dict:
    """Newest first, merged duplicates left out; `areas` None: everywhere. Filters: field, status."""
    filters = filters or {}
    limit = clamp_limit(limit)
    after = decode_cursor(cursor, at=str, id=str)
    query = sa.select(Problem).where(Problem.merged_into_id.is_(None))
    if areas is not None:
        query = query.where(in_areas(Problem.area_code, areas))
    for key in ("field", "status"):
        if filters.get(key):
            query = query.where(getattr(Problem, key) == filters[key])
    if after is not None:
        at = _cursor_time(after["at"])
        query = query.where(sa.or_(Problem.created_at < at,
                                   sa.and_(Problem.created_at == at, Problem.id < after["id"])))
    rows = uow.session.scalars(query.order_by(Problem.created_at.desc(), Problem.id.desc()).limit(limit + 1)).all()
    result = page(list(rows), limit, lambda p: {"at": utc_iso(p.created_at), "id": p.id})
    ids = [p.id for p in result["items"]]
    raisers, links = raisers_of(uow, ids), links_by_problem(uow, ids)
    result["items"] = [problem_dict(uow, p, show_persons, raisers[p.id], links[p.id]) for p in result["items"]]
    return result


def _cursor_time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed("cursor tidak dikenali", {"cursor": ["Cursor tidak valid."]}) from None


def history(uow, problem_id) -> list[dict]:
    problem = load_problem(uow, problem_id)
    rows = uow.session.scalars(sa.select(ProblemChange).where(ProblemChange.problem_id == problem.id)
                               .order_by(ProblemChange.at, ProblemChange.id))
    return [{"at": utc_iso(r.at), "actor": r.actor, "action": r.action, "changes": r.changes, "reason": r.reason}
            for r in rows]


# --- writing -------------------------------------------------------------------------------------

def _record(uow, problem: Problem, user: str, action: str, changes: dict, reason: str | None = None) -> None:
    # Strictly after the problem's last change, so steps of one request keep their order in the history.
    last = uow.session.scalar(sa.select(sa.func.max(ProblemChange.at)).where(ProblemChange.problem_id == problem.id))
    at = now() if last is None else max(now(), utc(last) + timedelta(microseconds=1))
    uow.session.add(ProblemChange(problem_id=problem.id, at=at, actor=user, action=action, changes=changes,
                                  reason=reason))
    uow.session.flush()


def _touch(uow, problem: Problem) -> None:
    problem.updated_at = now()
    try:
        uow.session.flush()
    except StaleDataError:
        raise PreconditionFailed(STALE, {}) from None


def _ref(problem: Problem) -> dict:
    return {"problem_id": problem.id, "area_code": problem.area_code, "field": problem.field}


def check_person_raisers(raisers: list[dict], profiles: dict[str, dict]) -> None:
    """A person may be named only while registered, alive and consenting to this purpose."""
    errors = {}
    for index, raiser in enumerate(raisers):
        if raiser["kind"] != "person":
            continue
        profile = profiles.get(raiser["ref_id"])
        if profile is None or profile.get("status") not in ("active", "moved_away"):
            errors[index] = {"ref_id": ["Orang ini tidak ditemukan di registry."]}
        elif CONSENT_PURPOSE not in profile.get("consent_active", ()):
            errors[index] = {"ref_id": ["Orang ini belum memberi persetujuan (inventarisasi_masalah) untuk "
                                        "dicatat sebagai pengaju masalah."]}
    if errors:
        raise ValidationFailed("Beberapa pengaju tidak bisa dicatat.", {"raisers": errors})


def person_raiser_ids(data) -> list[str]:
    """The person ids a raise request names, for the entrypoint to ask the registry about."""
    raisers = data.get("raisers") if isinstance(data, dict) else None
    return [r["ref_id"] for r in raisers or () if isinstance(r, dict) and r.get("kind") == "person"
            and isinstance(r.get("ref_id"), str)]


def raise_problem(uow, data, actor, profiles: dict[str, dict]) -> dict:
    user = actor_id(actor)
    doc = load(ProblemInput(), data)
    raised_on = doc["raised_on"] or today()
    if raised_on > today():
        raise ValidationFailed("Beberapa isian tidak valid.", {"raised_on": ["Tanggal tidak boleh di masa depan."]})
    check_person_raisers(doc["raisers"], profiles)
    at = now()
    problem = Problem(title=doc["title"], description=doc["description"], field=doc["field"],
                      area_code=doc["area_code"], people_affected=doc["people_affected"], severity=doc["severity"],
                      evidence=[{k: v for k, v in e.items() if v is not None} for e in doc["evidence"]],
                      status="baru", raised_on=raised_on, created_at=at, updated_at=at, created_by=user)
    uow.session.add(problem)
    uow.session.flush()
    seen = set()
    for raiser in doc["raisers"]:
        key = (raiser["kind"], raiser["ref_id"], raiser["organisation"])
        if key not in seen:
            seen.add(key)
            uow.session.add(ProblemRaiser(problem_id=problem.id, kind=raiser["kind"], ref_id=raiser["ref_id"],
                                          organisation=raiser["organisation"],
                                          raised_on=raiser["raised_on"] or raised_on, added_at=at, added_by=user))
    _record(uow, problem, user, "raised", {"status": [None, "baru"], "raisers": [0, len(seen)]})
    uow.session.flush()
    uow.emit("problem_raised", _ref(problem))
    return problem_dict(uow, problem, show_persons=True)


def _has_action(uow, problem_id: str) -> ProblemLink | None:
    return uow.session.scalars(sa.select(ProblemLink).where(ProblemLink.problem_id == problem_id)
                               .order_by(ProblemLink.created_at.desc(), ProblemLink.id).limit(1)).first()


def _step(uow, problem: Problem, user: str, wanted: str, reason: str | None, link: ProblemLink | None) -> None:
    before = problem.status
    triage.check_step(before, wanted, reason, link is not None)
    triage.apply_step(problem, wanted, reason, now())
    _record(uow, problem, user, "status", {"status": [before, wanted]}, reason)
    if wanted == "diprogramkan":
        uow.emit("problem_programmed", _ref(problem) | {"link_kind": link.kind, "target_id": link.target_id})
    elif wanted == "selesai":
        uow.emit("problem_resolved", _ref(problem))


def _programme_by(uow, problem: Problem, user: str, link: ProblemLink) -> None:
    """Something now answers the problem: one not yet programmed becomes so, each step in its history."""
    if problem.status == "baru":
        _step(uow, problem, user, "dikaji", None, link)
    if problem.status == "dikaji":
        _step(uow, problem, user, "diprogramkan", None, link)


def _live(problem: Problem) -> None:
    if problem.merged_into_id is not None:
        raise Conflict("Permasalahan ini sudah digabung ke catatan lain; ubah catatan itu.",
                       {"merged_into_id": problem.merged_into_id})


def check_version(problem: Problem, expected_version) -> None:
    if expected_version is None:
        return
    if isinstance(expected_version, bool) or not isinstance(expected_version, int):
        raise ValidationFailed("Versi tidak valid", {"expected_version": ["Harus bilangan bulat."]})
    if expected_version != problem.version:
        raise PreconditionFailed(STALE, {"current_version": problem.version})


def change_problem(uow, problem_id, data, expected_version, actor) -> dict:
    """Edit and triage in one step: every changed field and the status step go to the history."""
    user = actor_id(actor)
    doc = load(ProblemChangeInput(), data)
    problem = load_problem(uow, problem_id, lock=True)
    check_version(problem, expected_version)
    _live(problem)
    changes = {k: [getattr(problem, k), doc[k]] for k in EDITABLE if k in doc and doc[k] != getattr(problem, k)}
    for key, (_, after) in changes.items():
        setattr(problem, key, after)
    if changes:
        _record(uow, problem, user, "updated", changes)
    if doc.get("status") and doc["status"] != problem.status:
        _step(uow, problem, user, doc["status"], doc.get("reason"), _has_action(uow, problem.id))
    elif not changes:
        return problem_dict(uow, problem, show_persons=True)
    _touch(uow, problem)
    return problem_dict(uow, problem, show_persons=True)


def merge(uow, kept_id, data, actor) -> dict:
    """Fold a duplicate into the kept record: raisers, evidence, links and comments move; both keep history."""
    user = actor_id(actor)
    duplicate_id = load(MergeInput(), data)["duplicate_id"]
    if duplicate_id == kept_id:
        raise ValidationFailed("Permasalahan tidak bisa digabung dengan dirinya sendiri.",
                               {"duplicate_id": ["Pilih catatan lain."]})
    # Locked in id order, so two merges of the same pair cannot deadlock.
    first, second = sorted([kept_id, duplicate_id])
    rows = {pid: load_problem(uow, pid, lock=True) for pid in (first, second)}
    kept, duplicate = rows[kept_id], rows[duplicate_id]
    _live(kept)
    _live(duplicate)
    have = {(r.kind, r.ref_id, r.organisation) for r in raisers_of(uow, [kept.id])[kept.id]}
    moved = 0
    for raiser in raisers_of(uow, [duplicate.id])[duplicate.id]:
        if (raiser.kind, raiser.ref_id, raiser.organisation) in have:
            continue
        have.add((raiser.kind, raiser.ref_id, raiser.organisation))
        uow.session.add(ProblemRaiser(problem_id=kept.id, kind=raiser.kind, ref_id=raiser.ref_id,
                                      organisation=raiser.organisation, raised_on=raiser.raised_on,
                                      added_at=now(), added_by=user))
        moved += 1
    linked = {(link["kind"], link["target_id"]) for link in links_of(uow, kept.id)}
    moved_link = None
    for link in uow.session.scalars(sa.select(ProblemLink).where(ProblemLink.problem_id == duplicate.id)):
        if (link.kind, link.target_id) not in linked:
            moved_link = ProblemLink(problem_id=kept.id, kind=link.kind, target_id=link.target_id,
                                     created_at=link.created_at, created_by=link.created_by)
            uow.session.add(moved_link)
    uow.session.execute(sa.update(ProblemComment).where(ProblemComment.problem_id == duplicate.id)
                        .values(problem_id=kept.id))
    changes = {"merged_duplicate_id": [None, duplicate.id], "raisers_added": [0, moved]}
    if duplicate.raised_on < kept.raised_on:
        changes["raised_on"] = [kept.raised_on.isoformat(), duplicate.raised_on.isoformat()]
        kept.raised_on = duplicate.raised_on  # the problem was first raised then
    if duplicate.people_affected > kept.people_affected:
        changes["people_affected"] = [kept.people_affected, duplicate.people_affected]
        kept.people_affected = duplicate.people_affected
    kept.evidence = [*kept.evidence, *duplicate.evidence]
    duplicate.merged_into_id = kept.id
    _record(uow, kept, user, "merged", changes)
    _record(uow, duplicate, user, "merged_into", {"merged_into_id": [None, kept.id]})
    if moved_link is not None:
        _programme_by(uow, kept, user, moved_link)
    _touch(uow, duplicate)
    _touch(uow, kept)
    return problem_dict(uow, kept, show_persons=True)


def add_comment(uow, problem_id, data, actor) -> dict:
    user = actor_id(actor)
    body = load(CommentInput(), data)["body"]
    problem = load_problem(uow, problem_id)
    comment = ProblemComment(problem_id=problem.id, body=body, author=user, author_org=actor.get("org_id"),
                             created_at=now())
    uow.session.add(comment)
    uow.session.flush()
    return comment_dict(comment)


def comment_dict(c: ProblemComment) -> dict:
    return {"id": c.id, "problem_id": c.problem_id, "body": c.body, "author": c.author, "author_org": c.author_org,
            "created_at": utc_iso(c.created_at)}


def comments(uow, problem_id) -> list[dict]:
    problem = load_problem(uow, problem_id)
    rows = uow.session.scalars(sa.select(ProblemComment).where(ProblemComment.problem_id == problem.id)
                               .order_by(ProblemComment.created_at, ProblemComment.id))
    return [comment_dict(c) for c in rows]


def add_link(uow, problem_id, data, actor) -> list[dict]:
    """Link what answers the problem; a problem not yet programmed becomes diprogramkan by it."""
    user = actor_id(actor)
    doc = load(LinkInput(), data)
    problem = load_problem(uow, problem_id, lock=True)
    _live(problem)
    model, missing = LINK_TARGETS[doc["kind"]]
    if uow.session.get(model, doc["target_id"]) is None:
        raise ValidationFailed("Beberapa isian tidak valid.", {"target_id": [missing]})
    if (doc["kind"], doc["target_id"]) in {(link["kind"], link["target_id"]) for link in links_of(uow, problem.id)}:
        return links_of(uow, problem.id)  # a retry changes nothing
    link = ProblemLink(problem_id=problem.id, kind=doc["kind"], target_id=doc["target_id"], created_at=now(),
                       created_by=user)
    uow.session.add(link)
    uow.session.flush()
    _record(uow, problem, user, "linked", {"link": [None, f"{doc['kind']}:{doc['target_id']}"]})
    _programme_by(uow, problem, user, link)
    _touch(uow, problem)
    return links_of(uow, problem.id)


def links(uow, problem_id) -> list[dict]:
    return links_of(uow, load_problem(uow, problem_id).id)


def forget_person(uow, person_id: str) -> None:
    """A withdrawn consent: the raiser stays counted, but no longer names the person."""
    uow.session.execute(sa.update(ProblemRaiser).where(ProblemRaiser.kind == "person",
                                                       ProblemRaiser.ref_id == person_id).values(ref_id=None))


def merge_person(uow, kept_person_id: str, merged_person_id: str) -> None:
    uow.session.execute(sa.update(ProblemRaiser).where(ProblemRaiser.kind == "person",
                                                       ProblemRaiser.ref_id == merged_person_id)
                        .values(ref_id=kept_person_id))


def days_to_programme(problem: Problem) -> int | None:
    if problem.programmed_at is None:
        return None
    return (utc(problem.programmed_at).astimezone(WIB).date() - problem.raised_on).days
