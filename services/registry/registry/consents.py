"""Consents: given for one purpose, withdrawn on the record (never deleted), and which are active now."""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from inklusi_platform.errors import Conflict, NotFound, ValidationFailed
from registry import history
from registry.models.persons import PURPOSES, Consent, Person, new_id
from registry.schemas import ConsentInput, check_consent, combine, load, refuse

# A consent cannot be recorded for these: the record is closed.
CLOSED_STATUSES = ("deceased", "merged")
_CONSENT = ConsentInput()  # built once: a schema deep-copies its fields on every instantiation


def active_purposes(uow, person_ids: Iterable[str]) -> dict[str, list[str]]:
    """person id -> purposes with a consent not withdrawn, in the canonical order of PURPOSES."""
    ids = list(person_ids)
    found: dict[str, set[str]] = {person_id: set() for person_id in ids}
    if not ids:
        return {}
    rows = uow.session.execute(
        sa.select(Consent.person_id, Consent.purpose).where(
            Consent.person_id.in_(ids), Consent.withdrawn_on.is_(None)
        )
    )
    for person_id, purpose in rows:
        found[person_id].add(purpose)
    return {person_id: [p for p in PURPOSES if p in purposes] for person_id, purposes in found.items()}


def consent_dict(consent: Consent) -> dict:
    return {
        "id": consent.id,
        "person_id": consent.person_id,
        "purpose": consent.purpose,
        "given_by": consent.given_by,
        "form": consent.form,
        "given_on": consent.given_on.isoformat(),
        "recorded_at": history.iso_time(consent.recorded_at),
        "recorded_by": {"user_id": consent.recorded_by, "org_id": consent.recorded_by_org},
        "withdrawn_on": consent.withdrawn_on.isoformat() if consent.withdrawn_on else None,
        "withdrawn_by": (
            {"user_id": consent.withdrawn_by, "org_id": consent.withdrawn_by_org} if consent.withdrawn_by else None
        ),
        "withdrawal_reason": consent.withdrawal_reason,
        "active": consent.withdrawn_on is None,
        "source": consent.source or "recorded",  # set on insert; a row not yet flushed is one recorded here
    }


def _person(uow, person_id: str, lock: bool = False) -> Person:
    # Locked while consents change, so two clerks cannot both add the same purpose or both withdraw.
    person = uow.session.get(Person, person_id, with_for_update=lock or None) if isinstance(person_id, str) else None
    if person is None:
        raise NotFound("Data orang ini tidak ditemukan.")
    return person


def list_consents(uow, person_id: str) -> list[dict]:
    """Every consent of the person, withdrawn ones included, in the order they were recorded."""
    _person(uow, person_id)
    rows = uow.session.scalars(
        sa.select(Consent).where(Consent.person_id == person_id).order_by(Consent.recorded_at, Consent.id)
    ).all()
    return [consent_dict(c) for c in rows]


def add_consent(uow, person: Person, consent: dict, actor, before: list[str] | None = None) -> Consent:
    """Store an already checked consent and note it in the person's history.

    `before`: the purposes active until now, when the caller knows them (a new person has none).
    """
    user_id, org_id = history.actor_ids(actor)
    if before is None:
        before = active_purposes(uow, [person.id])[person.id]
    row = Consent(
        id=new_id(),  # known now, so nothing needs flushing before history names it
        person_id=person.id,
        purpose=consent["purpose"],
        given_by=consent["given_by"],
        form=consent["form"],
        given_on=consent["given_on"],
        recorded_at=history.now(),
        recorded_by=user_id,
        recorded_by_org=org_id,
    )
    uow.session.add(row)
    history.record(uow, person.id, "consent_recorded", recorded_changes(row.id, row.purpose, before), actor)
    return row


def recorded_changes(consent_id: str, purpose: str, before: list[str]) -> dict:
    """The history entry of a consent recorded when `before` were the active purposes."""
    after = [p for p in PURPOSES if p in {*before, purpose}]
    return {"consent_id": [None, consent_id], "purpose": [None, purpose], "consent_active": [before, after]}


def record_consent(uow, person_id: str, data: dict, actor) -> dict:
    history.actor_ids(actor)
    person = _person(uow, person_id, lock=True)
    if person.status in CLOSED_STATUSES:
        raise Conflict("Data orang ini sudah ditutup (meninggal atau digabung); persetujuan tidak bisa dicatat.",
                       {"status": person.status, "merged_into": person.merged_into})
    consent, schema_errors = load(_CONSENT, data)
    today = history.today()
    refuse(combine(schema_errors, check_consent(consent, person.birth_date, bool(person.guardian_name), today)))
    existing = uow.session.scalar(sa.select(Consent.id).where(
        Consent.person_id == person.id, Consent.purpose == consent["purpose"], Consent.withdrawn_on.is_(None)))
    if existing is not None:
        raise Conflict("Persetujuan untuk tujuan ini masih berlaku.", {"consent_id": existing})
    return consent_dict(add_consent(uow, person, consent, actor))


def withdraw_consent(uow, person_id: str, consent_id: str, reason: str, actor) -> dict:
    """Record the withdrawal on the consent; tell other services (notify stops writing, for one)."""
    user_id, org_id = history.actor_ids(actor)
    reason = " ".join(reason.split()) if isinstance(reason, str) else ""
    if not reason:
        raise ValidationFailed("Alasan penarikan wajib diisi.", {"reason": ["Wajib diisi."]})
    if len(reason) > 300:
        raise ValidationFailed("Alasan penarikan terlalu panjang.", {"reason": ["Paling banyak 300 karakter."]})
    person = _person(uow, person_id, lock=True)
    consent = uow.session.get(Consent, consent_id) if isinstance(consent_id, str) else None
    if consent is None or consent.person_id != person.id:
        raise NotFound("Persetujuan ini tidak ditemukan.")
    if consent.withdrawn_on is not None:
        raise Conflict("Persetujuan ini sudah ditarik.", {"withdrawn_on": consent.withdrawn_on.isoformat()})
    before = active_purposes(uow, [person.id])[person.id]
    consent.withdrawn_on = history.today()
    consent.withdrawn_by = user_id
    consent.withdrawn_by_org = org_id
    consent.withdrawal_reason = reason
    uow.session.flush()
    after = active_purposes(uow, [person.id])[person.id]
    history.record(uow, person.id, "consent_withdrawn", {
        "consent_id": [consent.id, consent.id], "withdrawn_on": [None, consent.withdrawn_on],
        "withdrawal_reason": [None, reason], "consent_active": [before, after],
    }, actor)
    uow.emit("consent_withdrawn", {
        "person_id": person.id, "kecamatan_code": person.kecamatan_code,
        "consent_id": consent.id, "purpose": consent.purpose,
    })
    return consent_dict(consent)
