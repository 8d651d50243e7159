"""Two records of one person: reviewing the flags that suspect it, and merging one record into the other."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from inklusi_platform.errors import Conflict, NotFound, ValidationFailed
from inklusi_platform.pagination import clamp_limit, decode_cursor, page
from inklusi_platform.regions import in_areas
from registry import counts, history, persons
from registry.models.groups import PaguyubanMember, PokjaMembership
from registry.models.persons import Consent, DuplicateFlag, Person


def merge_persons(uow, keep_id: str, merge_id: str, actor, areas: list[str] | None = None) -> dict:
    """Fold `merge_id` into `keep_id`: the merged record stays as a signpost (status merged).

    Its consents move to the kept record, so what the person agreed to is not lost. Other
    services re-point their own references when they receive `persons_merged`.
    """
    history.actor_ids(actor)
    if keep_id == merge_id:
        raise ValidationFailed("Data tidak bisa digabung dengan dirinya sendiri.",
                               {"merge_id": ["Pilih data lain untuk digabungkan."]})
    # Locked in id order, so two merges of the same pair wait for each other instead of deadlocking.
    locked = {pid: persons.load_person(uow, pid, lock=True) for pid in sorted((keep_id, merge_id), key=str)}
    keep, merged = locked[keep_id], locked[merge_id]
    if not (in_areas(keep.desa_code, areas) and in_areas(merged.desa_code, areas)):
        raise NotFound("Data orang ini tidak ditemukan.")  # outside the caller's areas reads like unknown
    for record in (keep, merged):
        if record.status == "merged":
            raise Conflict("Data ini sudah digabung ke data lain.",
                           {"person_id": record.id, "merged_into": record.merged_into})

    moved_consents = list(uow.session.scalars(
        sa.select(Consent.id).where(Consent.person_id == merged.id).order_by(Consent.recorded_at, Consent.id)))
    uow.session.execute(sa.update(Consent).where(Consent.person_id == merged.id).values(person_id=keep.id))
    at = history.now()
    _settle_flags(uow, keep.id, merged.id, history.actor_ids(actor)[0], at)
    _repoint_groups(uow, keep.id, merged.id)
    old_status = merged.status
    before = counts.facts(merged)
    merged.status, merged.merged_into, merged.updated_at = "merged", keep.id, at
    # The kept record changed too (it holds more consents now), so its version moves.
    keep.updated_at = at
    try:
        uow.session.flush()
    except StaleDataError:
        raise Conflict("Salah satu data baru saja diubah orang lain; muat ulang lalu ulangi.", {}) from None
    counts.person_changed(uow.session, before, counts.facts(merged))
    history.record(uow, merged.id, "merged", {"status": [old_status, "merged"], "merged_into": [None, keep.id]},
                   actor, at=at)
    history.record(uow, keep.id, "merged", {"merged_from": [None, merged.id],
                                            "consent_ids": [None, moved_consents]}, actor, at=at)
    uow.emit("persons_merged", {"kept_person_id": keep.id, "merged_person_id": merged.id,
                                "kecamatan_code": keep.kecamatan_code})
    return persons.view(uow, keep)


def _settle_flags(uow, keep_id: str, merged_id: str, user_id: str, at) -> None:
    """Flags between the two are resolved by the merge; flags with third records follow the person."""
    def pair(a, b):
        return sa.or_(sa.and_(DuplicateFlag.person_id == a, DuplicateFlag.candidate_id == b),
                      sa.and_(DuplicateFlag.person_id == b, DuplicateFlag.candidate_id == a))

    involving = uow.session.scalars(sa.select(DuplicateFlag).where(
        DuplicateFlag.status == "open",
        sa.or_(DuplicateFlag.person_id == merged_id, DuplicateFlag.candidate_id == merged_id),
    )).all()
    for flag in involving:
        other = flag.candidate_id if flag.person_id == merged_id else flag.person_id
        if other == keep_id or uow.session.scalar(sa.select(DuplicateFlag.id).where(pair(keep_id, other))):
            flag.status, flag.resolved_at, flag.resolved_by = "merged", at, user_id
        elif flag.person_id == merged_id:
            flag.person_id = keep_id
        else:
            flag.candidate_id = keep_id
        uow.session.flush()


def _repoint_groups(uow, keep_id: str, merged_id: str) -> None:
    """Pokja memberships and paguyuban care links follow the person to the kept record.

    Where both records already sat in the same pokja, the merged record's membership ends that day
    (one person, one active membership); past memberships move too, so the history stays whole.
    """
    kept_in = set(uow.session.scalars(sa.select(PokjaMembership.pokja_id).where(
        PokjaMembership.person_id == keep_id, PokjaMembership.left_on.is_(None))))
    for membership in uow.session.scalars(sa.select(PokjaMembership).where(PokjaMembership.person_id == merged_id)):
        if membership.left_on is None and membership.pokja_id in kept_in:
            membership.left_on = history.today()
        membership.person_id = keep_id
    uow.session.flush()
    for member in uow.session.scalars(sa.select(PaguyubanMember)):
        if merged_id in (member.cares_for or []):
            member.cares_for = sorted({keep_id if pid == merged_id else pid for pid in member.cares_for})
    uow.session.flush()


def get_duplicate_flag(uow, flag_id: str) -> dict:
    flag = uow.session.get(DuplicateFlag, flag_id) if isinstance(flag_id, str) else None
    if flag is None:
        raise NotFound("Tanda kemungkinan data ganda ini tidak ditemukan.")
    kecamatan = uow.session.scalar(sa.select(Person.kecamatan_code).where(Person.id == flag.person_id))
    return flag_dict(flag, kecamatan)


def flag_dict(flag: DuplicateFlag, kecamatan_code: str | None = None) -> dict:
    return {
        "id": flag.id,
        "person_id": flag.person_id,
        "candidate_id": flag.candidate_id,
        "score": flag.score,
        "status": flag.status,
        "kecamatan_code": kecamatan_code,
        "created_at": history.iso_time(flag.created_at),
        "resolved_at": history.iso_time(flag.resolved_at),
        "resolved_by": flag.resolved_by,
    }


def list_duplicate_flags(uow, areas, limit=None, cursor=None) -> dict:
    """Open flags whose (newer) record lives in the areas, oldest first: the review queue."""
    areas = persons.check_areas(areas)
    limit = clamp_limit(limit)
    after = decode_cursor(cursor, at=str, id=str)
    if areas is not None and not areas:
        return {"items": [], "next_cursor": None}
    query = (sa.select(DuplicateFlag, Person.kecamatan_code)
             .join(Person, Person.id == DuplicateFlag.person_id)
             .where(DuplicateFlag.status == "open"))
    if areas:
        query = query.where(sa.or_(*[persons.area_condition(a) for a in areas]))
    if after is not None:
        at = _cursor_time(after["at"])
        query = query.where(sa.or_(DuplicateFlag.created_at > at,
                                   sa.and_(DuplicateFlag.created_at == at, DuplicateFlag.id > after["id"])))
    rows = uow.session.execute(
        query.order_by(DuplicateFlag.created_at, DuplicateFlag.id).limit(limit + 1)).all()
    result = page([flag_dict(flag, kecamatan) for flag, kecamatan in rows], limit,
                  lambda item: {"at": item["created_at"], "id": item["id"]})
    return result


def _cursor_time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed("cursor tidak dikenali", {"cursor": ["Cursor tidak valid."]}) from None


def dismiss_duplicate_flag(uow, flag_id: str, actor) -> dict:
    """Someone checked: these are two different people. The pair is not flagged again."""
    user_id, _ = history.actor_ids(actor)
    flag = uow.session.get(DuplicateFlag, flag_id) if isinstance(flag_id, str) else None
    if flag is None:
        raise NotFound("Tanda kemungkinan data ganda ini tidak ditemukan.")
    if flag.status != "open":
        raise Conflict("Tanda ini sudah ditangani.", {"status": flag.status})
    flag.status, flag.resolved_at, flag.resolved_by = "dismissed", history.now(), user_id
    uow.session.flush()
    kecamatan = uow.session.scalar(sa.select(Person.kecamatan_code).where(Person.id == flag.person_id))
    return flag_dict(flag, kecamatan)

