"""A batch of import rows registered at once: what register_person writes for each row, in a few statements.

Each row has passed persons.check_registration, the API's own check, before it gets here; this
module only writes. Per batch: one COPY (on PostgreSQL; an INSERT of many rows elsewhere) each for
persons, their history, their consents and their events, one look-up of the records they may
duplicate, and one call to the statistics counts. The records, history entries, consents, duplicate
flags and event payloads are those a registration through the API produces
(tests/unit/registry/test_import_batch.py compares them).
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from inklusi_platform import contracts
from inklusi_platform.envelope import build_envelope
from inklusi_platform.tables import outbox
from registry import consents, counts, history, persons
from registry.duplicates import likely_duplicates
from registry.importing.copying import insert_rows
from registry.models.persons import Consent, DuplicateFlag, Person, PersonChange, new_id

# Every column of a new record that a registration's values may leave out (email, for one).
_BLANK_PERSON = {column.name: None for column in Person.__table__.columns}
_COUNTED = ("kecamatan_code", "desa_code", "sex", "birth_date", "categories", "status")


@dataclass(frozen=True)
class Registration:
    """One checked row: register_person's column values and consent, and where the consent came from."""

    values: dict
    consent: dict
    source: str  # Consent.source: import_file or import_declaration
    nik_index: str


def write(uow, registrations: list[Registration], actor) -> list[str]:
    """Register the checked rows as new persons; returns their ids in row order.

    The caller has made sure no NIK is registered already nor twice in the batch; a NIK that
    someone registered since shows up as an IntegrityError from writing the persons.
    """
    if not registrations:
        return []
    user_id, org_id = history.actor_ids(actor)
    at = history.now()
    people, created, consent_rows, recorded = [], [], [], []
    for registration in registrations:
        person = {**_BLANK_PERSON, **registration.values, "id": new_id(), "version": 1,
                  "nik_index": registration.nik_index, "status": "active", "created_at": at, "updated_at": at,
                  "created_by": user_id}
        people.append(person)
        created.append(_entry(person["id"], "created", persons.created_changes(registration.values), user_id,
                              org_id, at))
        consent = registration.consent
        consent_row = {"id": new_id(), "person_id": person["id"], "purpose": consent["purpose"],
                       "given_by": consent["given_by"], "form": consent["form"], "given_on": consent["given_on"],
                       "recorded_at": at, "recorded_by": user_id, "recorded_by_org": org_id, "withdrawn_on": None,
                       "withdrawn_by": None, "withdrawn_by_org": None, "withdrawal_reason": None,
                       "source": registration.source}
        consent_rows.append(consent_row)
        recorded.append(_entry(person["id"], "consent_recorded",
                               consents.recorded_changes(consent_row["id"], consent_row["purpose"], []),
                               user_id, org_id, at))

    session = uow.session
    flags = _duplicate_flags(session, people, at)  # against the records stored before this batch
    insert_rows(session, Person.__table__, people)
    # All "created" entries before all "consent_recorded" ones: each person's history keeps its order.
    insert_rows(session, PersonChange.__table__, created)
    insert_rows(session, Consent.__table__, consent_rows)
    insert_rows(session, PersonChange.__table__, recorded)
    insert_rows(session, DuplicateFlag.__table__, flags)
    emit_all(uow, "person_registered", [persons.registered_payload(p) for p in people])
    counts.persons_added(session, [{name: p[name] for name in _COUNTED} for p in people])
    return [p["id"] for p in people]


def _entry(person_id: str, action: str, changes: dict, user_id: str, org_id: str | None, at: datetime) -> dict:
    # As history.record writes it: values as JSON, personal fields sealed.
    changes = {field: [_jsonable(old), _jsonable(new)] for field, (old, new) in changes.items()}
    return {"person_id": person_id, "at": at, "actor_user_id": user_id, "actor_org_id": org_id, "action": action,
            "changes": history.seal_changes(changes)}


_PLAIN = frozenset((str, bool, int, type(None)))


def _jsonable(value):
    # history.jsonable, which walks every value, only for those that are not JSON already (dates, lists).
    return value if value.__class__ in _PLAIN else history.jsonable(value)


def _duplicate_flags(session, people: list[dict], at: datetime) -> list[dict]:
    """Flags as flag_likely_duplicates raises them, each new record against those before it.

    "Before it" is every record already stored with the same birth date and kecamatan (merged ones
    excepted) and the batch's earlier rows, as when the rows are registered one after another.
    A new record has no flags yet, so none is "flagged before".
    """
    keys = sorted({(p["birth_date"], p["kecamatan_code"]) for p in people})
    query = sa.select(Person.id, Person.name, Person.birth_date, Person.kecamatan_code).where(Person.status != "merged")
    if session.get_bind().dialect.name == "postgresql":
        # Joined to the pairs unnested from two arrays: one probe of ix_persons_birth_date_kecamatan
        # per pair, and one statement text whatever their number. A row-value IN of a thousand
        # pairs is a scan of the whole table instead.
        wanted = sa.func.unnest(
            sa.bindparam("dates", [d for d, _ in keys], type_=postgresql.ARRAY(sa.Date)),
            sa.bindparam("kecamatans", [k for _, k in keys], type_=postgresql.ARRAY(sa.String)),
        ).table_valued("birth_date", "kecamatan_code").render_derived()
        query = query.join(wanted, sa.and_(Person.birth_date == wanted.c.birth_date,
                                           Person.kecamatan_code == wanted.c.kecamatan_code))
    else:  # SQLite has no arrays
        query = query.where(sa.tuple_(Person.birth_date, Person.kecamatan_code).in_(keys))
    pool: dict[tuple[date, str], list[dict]] = defaultdict(list)
    for row in session.execute(query).mappings():
        pool[(row["birth_date"], row["kecamatan_code"])].append(dict(row))
    flags = []
    for person in people:
        same = pool[(person["birth_date"], person["kecamatan_code"])]
        for other, score in likely_duplicates(person, same):
            flags.append({"id": new_id(), "person_id": person["id"], "candidate_id": other["id"],
                          "score": round(score, 1), "status": "open", "created_at": at, "resolved_at": None,
                          "resolved_by": None})
        same.append(person)
    return flags


def emit_all(uow, name: str, payloads: list[dict]) -> None:
    """uow.emit for many events of one type: the same checked envelopes, one schema and one write for all."""
    event_type = contracts.lookup(f"{uow.source}.{name}")
    schema = event_type.schema()
    correlation_id = uow.correlation_id
    created_at = datetime.now(UTC)
    rows = []
    for payload in payloads:
        envelope = build_envelope(uow.source, name, event_type.version, schema.dump(schema.load(payload)),
                                  correlation_id)
        rows.append({"event_id": envelope["event_id"], "event_type": envelope["type"], "routing_key": name,
                     "body": json.dumps(envelope, ensure_ascii=False), "correlation_id": correlation_id,
                     "created_at": created_at})
        uow.emitted.append(envelope)
    insert_rows(uow.session, outbox, rows)
