"""Registering, reading, listing and changing persons; the person record as every caller receives it."""
from __future__ import annotations

import contextlib
import re
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from inklusi_platform.errors import Conflict, NotFound, PreconditionFailed, ValidationFailed
from inklusi_platform.pagination import clamp_limit, decode_cursor, page
from inklusi_platform.regions import regions
from registry import consents, counts, history
from registry.disability import CATEGORIES, GANDA
from registry.duplicates import likely_duplicates
from registry.models.persons import PERSON_STATUSES, PURPOSES, Consent, DuplicateFlag, Person, new_id, nik_index
from registry.nik import clean_number
from registry.schemas import (
    PersonChanges,
    RegistrationInput,
    age_on,
    check_consent,
    check_person,
    combine,
    load,
    load_registration,
    refuse,
)

# Column -> the field's name in the person record callers see; history and events use these names.
FIELD_NAMES = {
    "nik": "nik", "kk": "kk", "name": "name", "birth_date": "birth_date", "sex": "sex",
    "desa_code": "desa_code", "kecamatan_code": "kecamatan_code", "nik_region_code": "nik_region_code",
    "phone": "phone", "email": "email",
    "categories": "disability.categories", "functional_limitations": "disability.functional_limitations",
    "assistive_devices": "disability.assistive_devices", "diagnosis": "disability.diagnosis",
    "guardian_name": "guardian.name", "guardian_relation": "guardian.relation", "guardian_phone": "guardian.phone",
    "channels": "communication.channels", "language": "communication.language", "format": "communication.format",
    "copy_guardian": "communication.copy_guardian",
    "business_sector": "business.sector", "business_status": "business.status",
    "business_started_on": "business.started_on",
    "status": "status",
}
NESTED = ("disability", "guardian", "communication", "business")
RESIDENCE = ("desa_code", "kecamatan_code")
# A change to any of these can make the record resemble another one.
DUPLICATE_KEYS = ("name", "birth_date", "kecamatan_code")
FILTERS = ("q", "nik", "birth_date", "category", "status", "sex", "kecamatan_code", "desa_code")
_WHOLE_NIK = re.compile(r"^\d{16}$")
MAX_IDS = 500
STALE = "Data sudah diubah orang lain sejak Anda membacanya; muat ulang lalu ulangi."
_AREA = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
# Built once: a marshmallow schema deep-copies its fields on every instantiation.
_REGISTRATION = RegistrationInput()
_CHANGES = PersonChanges()
# Reads select the tables' columns, not entities: rows carry the columns by name (person_dict reads
# them like a Person) without the ORM's identity map and change tracking; uow.read still shows them
# this unit's changes.
_PERSONS = Person.__table__
_CONSENTS = Consent.__table__
# The hot reads' statements, built once from the tables (Core): SQLAlchemy finds their compiled form by
# identity, where a statement built per call costs a cache-key walk, and the ORM's per-call setup is skipped.
_PERSON_BY_ID = (
    sa.select(*_PERSONS.c, _CONSENTS.c.purpose)
    .outerjoin(_CONSENTS, sa.and_(_CONSENTS.c.person_id == _PERSONS.c.id, _CONSENTS.c.withdrawn_on.is_(None)))
    .where(_PERSONS.c.id == sa.bindparam("person_id"))
)


# --- reading -------------------------------------------------------------------------------------

def load_person(uow, person_id, lock: bool = False) -> Person:
    """The record, or NotFound. `lock` holds the row until commit (PostgreSQL), serialising writers."""
    person = uow.session.get(Person, person_id, with_for_update=lock or None) if isinstance(person_id, str) else None
    if person is None:
        raise NotFound("Data orang ini tidak ditemukan.")
    return person


def person_dict(person, consent_active: list[str], today: date) -> dict:
    """The record callers receive, from a Person or a row of the persons table."""
    kecamatan = regions().get(person.kecamatan_code)
    has_business = any(v is not None for v in (person.business_sector, person.business_status,
                                                person.business_started_on))
    return {
        "id": person.id,
        "version": person.version,
        "nik": person.nik,
        "kk": person.kk,
        "name": person.name,
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex,
        "age": age_on(person.birth_date, today),
        "desa_code": person.desa_code,
        "kecamatan_code": person.kecamatan_code,
        "kabupaten_code": kecamatan.parent_code if kecamatan else None,
        "nik_region_code": person.nik_region_code,
        "phone": person.phone,
        "email": person.email,
        "disability": {
            "categories": list(person.categories),
            "functional_limitations": list(person.functional_limitations),
            "assistive_devices": list(person.assistive_devices),
            "diagnosis": person.diagnosis,
        },
        "guardian": {
            "name": person.guardian_name, "relation": person.guardian_relation, "phone": person.guardian_phone,
        } if person.guardian_name else None,
        "communication": {
            "channels": list(person.channels), "language": person.language, "format": person.format,
            "copy_guardian": person.copy_guardian,
        },
        "business": {
            "sector": person.business_sector, "status": person.business_status,
            "started_on": person.business_started_on.isoformat() if person.business_started_on else None,
        } if has_business else None,
        "status": person.status,
        "merged_into": person.merged_into,
        "consent_active": consent_active,
        "created_at": history.iso_time(person.created_at),
        "updated_at": history.iso_time(person.updated_at),
    }


def view(uow, person: Person) -> dict:
    return person_dict(person, consents.active_purposes(uow, [person.id])[person.id], history.today())


def get_person(uow, person_id: str) -> dict:
    """One statement: the person's row once per active consent (or once with none)."""
    if not isinstance(person_id, str):
        raise NotFound("Data orang ini tidak ditemukan.")
    rows = uow.read(_PERSON_BY_ID, {"person_id": person_id})
    if not rows:
        raise NotFound("Data orang ini tidak ditemukan.")
    given = {row.purpose for row in rows}
    return person_dict(rows[0], [p for p in PURPOSES if p in given], history.today())


def person_area(uow, person_id: str) -> dict:
    """Where the person lives; the gateway's cheap check before it shows or changes anything."""
    row = uow.session.execute(
        sa.select(Person.id, Person.desa_code, Person.kecamatan_code, Person.status).where(Person.id == person_id)
    ).first() if isinstance(person_id, str) else None
    if row is None:
        raise NotFound("Data orang ini tidak ditemukan.")
    return {"person_id": row.id, "desa_code": row.desa_code, "kecamatan_code": row.kecamatan_code,
            "status": row.status}


def persons_by_ids(uow, ids) -> list[dict]:
    """Facts other services decide eligibility on, in the order asked; unknown ids are left out."""
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ValidationFailed("ids harus daftar teks", {"ids": ["Harus berupa daftar id."]})
    if len(ids) > MAX_IDS:
        raise ValidationFailed("Terlalu banyak id", {"ids": [f"Paling banyak {MAX_IDS} id sekali minta."]})
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found = {p.id: p for p in uow.session.execute(
        sa.select(Person.id, Person.birth_date, Person.kecamatan_code, Person.desa_code, Person.status,
                  Person.categories).where(Person.id.in_(wanted)))}
    active = consents.active_purposes(uow, found)
    today = history.today()
    return [
        {
            "person_id": person.id,
            "age": age_on(person.birth_date, today),
            "kecamatan_code": person.kecamatan_code,
            "desa_code": person.desa_code,
            "status": person.status,
            "consent_active": active[person.id],
            "categories": list(person.categories),
        }
        for person in (found[i] for i in wanted if i in found)
    ]


# --- listing -------------------------------------------------------------------------------------

def area_condition(code: str):
    """Persons living in the area: a desa, a kecamatan, or anything above (matched by code prefix)."""
    depth = code.count(".")
    if depth == 3:
        return Person.desa_code == code
    if depth == 2:
        return Person.kecamatan_code == code
    return Person.kecamatan_code.like(code + ".%")


def check_areas(areas) -> list[str] | None:
    if areas is None:
        return None
    if not isinstance(areas, list) or not all(isinstance(a, str) and _AREA.match(a) for a in areas):
        raise ValidationFailed("Kode wilayah tidak dikenali", {"areas": ["Harus daftar kode wilayah (mis. 35.07.25)."]})
    return areas


def _check_filters(filters) -> dict:
    filters = filters or {}
    if not isinstance(filters, dict):
        raise ValidationFailed("Filter tidak valid", {"filters": ["Harus berupa objek."]})
    errors = {name: ["Filter tidak dikenal."] for name in filters if name not in FILTERS}
    allowed = {"category": (*CATEGORIES, GANDA), "status": PERSON_STATUSES, "sex": ("L", "P")}
    for name, value in filters.items():
        if name in FILTERS and value is not None and not isinstance(value, str):
            errors[name] = ["Harus berupa teks."]
        elif name in allowed and value is not None and value not in allowed[name]:
            errors[name] = [f"Pilih salah satu: {', '.join(allowed[name])}."]
    if isinstance(filters.get("birth_date"), str) and filters["birth_date"]:
        try:
            filters = {**filters, "birth_date": date.fromisoformat(filters["birth_date"])}
        except ValueError:
            errors["birth_date"] = ["Bukan tanggal yang sah (format YYYY-MM-DD)."]
    if errors:
        raise ValidationFailed("Filter tidak valid", errors)
    return {name: value for name, value in filters.items() if value not in (None, "")}


def _whole_nik(text) -> str | None:
    """The 16 digits of a NIK as people type it (spaces, dots), or None if this is not a whole NIK."""
    digits = clean_number(text).replace(".", "") if isinstance(text, str) else ""
    return digits if _WHOLE_NIK.match(digits) else None


def list_persons(uow, areas, filters=None, limit=None, cursor=None) -> dict:
    """A page of persons in the areas (None: everywhere; []: nowhere), ordered by name then id.

    Merged records are left out unless asked for with status=merged: they are only signposts.
    """
    areas = check_areas(areas)
    filters = _check_filters(filters)
    limit = clamp_limit(limit)
    after = decode_cursor(cursor, name=str, id=str)
    if areas is not None and not areas:
        return {"items": [], "next_cursor": None}

    # The table's columns, not the ORM's: a cached statement's result columns are matched to the
    # executing one's by ==, which a sealed column's ORM comparator refuses.
    query = sa.select(*_PERSONS.c)
    if areas:
        query = query.where(sa.or_(*[area_condition(a) for a in areas]))
    nik = _whole_nik(filters.get("nik")) or _whole_nik(filters.get("q"))
    if "nik" in filters or nik:
        # An exact lookup through the blind index: the NIK itself is never in a query.
        query = query.where(Person.nik_index == nik_index(nik or ""))
    elif "q" in filters:
        query = query.where(Person.name.icontains(filters["q"].strip(), autoescape=True))
    if "birth_date" in filters:
        query = query.where(Person.birth_date == filters["birth_date"])
    if "category" in filters:
        # The JSON text holds each category in quotes, so '"fisik"' cannot match inside another word.
        query = query.where(sa.cast(Person.categories, sa.Text).like(f'%"{filters["category"]}"%'))
    query = query.where(Person.status == filters["status"]) if "status" in filters else query.where(
        Person.status != "merged")
    for name in ("sex", "kecamatan_code", "desa_code"):
        if name in filters:
            query = query.where(getattr(Person, name) == filters[name])
    if after is not None:
        query = query.where(sa.or_(Person.name > after["name"],
                                   sa.and_(Person.name == after["name"], Person.id > after["id"])))
    # Inside one kecamatan or desa, ix_persons_{kecamatan,desa}_name_id walks the page in order; the
    # page's active consents join it in the same statement, a row per consent (or one with none).
    chosen = query.order_by(Person.name, Person.id).limit(limit + 1).subquery()
    rows = uow.read(
        sa.select(chosen, _CONSENTS.c.purpose)
        .outerjoin(_CONSENTS, sa.and_(_CONSENTS.c.person_id == chosen.c.id, _CONSENTS.c.withdrawn_on.is_(None)))
        .order_by(chosen.c.name, chosen.c.id))
    people, given = _with_purposes(rows)
    result = page(people, limit, lambda p: {"name": p.name, "id": p.id})
    today = history.today()
    result["items"] = [person_dict(p, [purpose for purpose in PURPOSES if purpose in given[p.id]], today)
                       for p in result["items"]]
    return result


def _with_purposes(rows) -> tuple[list, dict[str, set[str]]]:
    """Persons in order, once each, and the purposes of their active consents, from rows joined to them."""
    people, given = [], {}
    for row in rows:
        if row.id not in given:
            people.append(row)
            given[row.id] = set()
        if row.purpose is not None:
            given[row.id].add(row.purpose)
    return people, given


# --- registering ---------------------------------------------------------------------------------

def register_person(uow, data, actor) -> dict:
    """A new person with their consent to be recorded; refused whole if anything is wrong."""
    user_id, _ = history.actor_ids(actor)
    today = history.today()
    values, consent = check_registration(data, today)
    at = history.now()
    person = Person(id=new_id(), **values, version=1, status="active", created_at=at, updated_at=at,
                    created_by=user_id)
    # The insert is the NIK check: a NIK already stored (or committed by a racing writer, whom the
    # insert waits for) inserts nothing, and the unit of work stays usable without a savepoint.
    row = {column.key: getattr(person, column.key) for column in _PERSONS.c if column.key in person.__dict__}
    inserted = uow.session.execute(_insert(uow.session).values(**row).on_conflict_do_nothing(
        index_elements=["nik_index"]))
    if inserted.rowcount != 1:
        refuse_known_nik(uow, values["nik"])
        raise Conflict("NIK sudah terdaftar", {})  # its holder was gone again by the time we looked
    counts.person_added(uow.session, person)
    history.record(uow, person.id, "created", created_changes(values), actor, at=at)
    recorded = consents.add_consent(uow, person, consent, actor, before=[])
    flagged = flag_likely_duplicates(uow, person)
    uow.emit("person_registered", registered_payload(person))
    result = person_dict(person, [recorded.purpose], today)
    result["likely_duplicates"] = flagged
    return result


def check_registration(data, today: date, schema: RegistrationInput | None = None) -> tuple[dict, dict]:
    """(column values, consent) of a new person, or ValidationFailed naming every problem at once.

    The one check of a registration, for the API and the batch import alike.
    """
    doc, schema_errors = load_registration(data, schema or _REGISTRATION)
    values, rule_errors = check_person(doc, today, refused=schema_errors)
    consent = doc.get("consent")
    if consent is not None:
        rule_errors.update(check_consent(consent, values.get("birth_date"), bool(values.get("guardian_name")),
                                         today, prefix="consent."))
        if consent.get("purpose") not in (None, "pendataan"):
            rule_errors.setdefault("consent.purpose", []).append(
                "Pendaftaran memerlukan persetujuan pendataan; tujuan lain dicatat sesudahnya.")
    refuse(combine(schema_errors, rule_errors))
    return values, consent


def created_changes(values: dict) -> dict:
    """The history entry of a new record: each field given, as [None, value]."""
    return {FIELD_NAMES[column]: [None, value] for column, value in values.items() if value not in (None, [], False)}


def registered_payload(person) -> dict:
    """person_registered's payload, from a Person or a row of column values."""
    get = person.get if isinstance(person, dict) else lambda name: getattr(person, name)
    return {"person_id": get("id"), "kecamatan_code": get("kecamatan_code"), "desa_code": get("desa_code"),
            "categories": list(get("categories"))}


def _insert(session):
    """INSERT INTO persons in the dialect's own form, which has ON CONFLICT."""
    if session.get_bind().dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert
    return insert(_PERSONS)


def refuse_known_nik(uow, nik: str, other_than: str | None = None) -> None:
    """Conflict when another record holds the NIK; found by its blind index, reading only what the answer names."""
    def holder(condition):
        return uow.session.execute(
            sa.select(Person.id, Person.desa_code, Person.merged_into).where(condition)).first()

    condition = Person.nik_index == nik_index(nik)
    existing = holder(condition if other_than is None else sa.and_(condition, Person.id != other_than))
    if existing is None:
        return
    # A merged record's NIK still counts; point at the record that lives on.
    for _ in range(10):
        if existing.merged_into is None:
            break
        existing = holder(Person.id == existing.merged_into)
    raise Conflict("NIK sudah terdaftar", {"existing_id": existing.id, "desa_code": existing.desa_code})


@contextlib.contextmanager
def guarding_nik(uow, nik: str, person_id: str, nik_changes: bool = True):
    """Write what the block changes; a NIK taken by someone between our check and our write is a Conflict.

    A NIK change is written in a savepoint, so the record that took the NIK can still be looked up
    (and an import's earlier rows survive). A version that moved under us is a PreconditionFailed.
    """
    try:
        with uow.savepoint() if nik_changes else _flushed(uow):
            yield
    except IntegrityError:
        refuse_known_nik(uow, nik, other_than=person_id)
        raise
    except StaleDataError:
        raise PreconditionFailed(STALE, {}) from None


@contextlib.contextmanager
def _flushed(uow):
    yield
    uow.session.flush()


def flag_likely_duplicates(uow, person: Person) -> list[dict]:
    """Flag records that probably describe the same person (not blocked: a person decides).

    Returns the new flags' other records, most similar first; pairs flagged before, in either
    direction and whatever became of the flag, are not flagged again.
    """
    others = uow.session.execute(sa.select(Person.id, Person.name, Person.birth_date, Person.kecamatan_code).where(
        Person.birth_date == person.birth_date,
        Person.kecamatan_code == person.kecamatan_code,
        Person.id != person.id,
        Person.status != "merged",
    )).all()
    found = likely_duplicates(person, others)
    if not found:
        return []
    ids = [other.id for other, _ in found]
    known = set(uow.session.scalars(sa.select(DuplicateFlag.candidate_id).where(
        DuplicateFlag.person_id == person.id, DuplicateFlag.candidate_id.in_(ids))))
    known |= set(uow.session.scalars(sa.select(DuplicateFlag.person_id).where(
        DuplicateFlag.candidate_id == person.id, DuplicateFlag.person_id.in_(ids))))
    flagged = []
    at = history.now()
    for other, score in found:
        if other.id in known:
            continue
        score = round(score, 1)
        uow.session.add(DuplicateFlag(person_id=person.id, candidate_id=other.id, score=score, status="open",
                                      created_at=at))
        flagged.append({"person_id": other.id, "score": score})
    return flagged


# --- changing ------------------------------------------------------------------------------------

def document_of(person: Person) -> dict:
    """The record in the shape of the input, so that changes can be laid over it and checked whole."""
    return {
        "nik": person.nik, "kk": person.kk, "name": person.name, "birth_date": person.birth_date,
        "sex": person.sex, "desa_code": person.desa_code, "phone": person.phone, "email": person.email,
        "disability": {
            "categories": [c for c in person.categories if c != GANDA],
            "functional_limitations": list(person.functional_limitations),
            "assistive_devices": list(person.assistive_devices),
            "diagnosis": person.diagnosis,
        },
        "guardian": {
            "name": person.guardian_name, "relation": person.guardian_relation, "phone": person.guardian_phone,
        } if person.guardian_name else None,
        "communication": {
            "channels": list(person.channels), "language": person.language, "format": person.format,
            "copy_guardian": person.copy_guardian,
        },
        "business": {
            "sector": person.business_sector, "status": person.business_status,
            "started_on": person.business_started_on,
        },
        "status": person.status,
    }


def overlay(current: dict, changes: dict) -> dict:
    """Changes over the record; a nested object given in part changes only the parts given."""
    merged = dict(current)
    for key, value in changes.items():
        if key in NESTED and isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def update_person(uow, person_id: str, changes, expected_version, actor) -> dict:
    """Change some fields; checked as a whole record, so nothing inconsistent is ever stored.

    A change that changes nothing keeps the version, the history and the event stream as they are.
    """
    history.actor_ids(actor)
    person = load_person(uow, person_id)
    if expected_version is not None:
        if isinstance(expected_version, bool) or not isinstance(expected_version, int):
            raise ValidationFailed("Versi tidak valid", {"expected_version": ["Harus bilangan bulat."]})
        if expected_version != person.version:
            raise PreconditionFailed(STALE, {"current_version": person.version})
    if person.status == "merged":
        raise Conflict("Data ini sudah digabung ke data lain; ubah data yang dipertahankan.",
                       {"merged_into": person.merged_into})
    loaded, schema_errors = load(_CHANGES, changes, partial=True)
    values, rule_errors = check_person(overlay(document_of(person), loaded), history.today(), refused=schema_errors)
    refuse(combine(schema_errors, rule_errors))

    diff = {column: (getattr(person, column), new) for column, new in values.items()
            if getattr(person, column) != new}
    if not diff:
        return view(uow, person)
    if "nik" in diff:
        refuse_known_nik(uow, values["nik"], other_than=person.id)

    from_kecamatan = person.kecamatan_code
    before = counts.facts(person)
    # The version in the UPDATE's WHERE catches a writer who got in after our ETag check.
    with guarding_nik(uow, values.get("nik", person.nik), person.id, nik_changes="nik" in diff):
        for column, (_, new) in diff.items():
            setattr(person, column, new)
        person.updated_at = history.now()
    if any(column in diff for column in counts.FACTS):
        counts.person_changed(uow.session, before, counts.facts(person))
    _record_update(uow, person, diff, from_kecamatan, actor)
    if any(column in diff for column in DUPLICATE_KEYS):
        flag_likely_duplicates(uow, person)
    return view(uow, person)


def _record_update(uow, person: Person, diff: dict, from_kecamatan: str, actor) -> None:
    """History and events: a move and a death are told apart from ordinary corrections."""
    named = {FIELD_NAMES[column]: [old, new] for column, (old, new) in diff.items()}
    moved = {name: named.pop(name) for name in RESIDENCE if name in named}
    died = {"status": named.pop("status")} if diff.get("status", (None, None))[1] == "deceased" else {}
    if named:
        history.record(uow, person.id, "updated", named, actor, at=person.updated_at)
        uow.emit("person_updated", {"person_id": person.id, "kecamatan_code": person.kecamatan_code,
                                    "changed_fields": sorted(named)})
    if moved:
        history.record(uow, person.id, "moved", moved, actor, at=person.updated_at)
        uow.emit("person_moved", {"person_id": person.id, "kecamatan_code": person.kecamatan_code,
                                  "from_kecamatan_code": from_kecamatan, "desa_code": person.desa_code})
    if died:
        history.record(uow, person.id, "deceased", died, actor, at=person.updated_at)
        uow.emit("person_deceased", {"person_id": person.id, "kecamatan_code": person.kecamatan_code})
