"""Import batches for tests: a sheet of rows of every kind, run through the batch path or row by row, and
what each run wrote, in a form two runs can be compared by (NIKs for ids, no times)."""
import json
from datetime import date

import sqlalchemy as sa

from inklusi_platform.tables import outbox
from registry import history, imports
from registry.importing.consent import ConsentRule
from registry.importing.headers import map_headers
from registry.models.persons import Consent, DuplicateFlag, Person, PersonChange

HEADERS = ["NIK", "Nama", "Tgl Lahir", "L/P", "Desa/Kelurahan", "Ragam Disabilitas", "No HP", "Nama Wali",
           "Hubungan Wali", "HP Wali", "Persetujuan", "Tanggal Persetujuan", "Bentuk Persetujuan", "No KK",
           "Bidang Usaha"]
DESA = {"35.07.25": "35.07.25.2001", "35.73.05": "35.73.05.1001"}  # Lawang (Kab. Malang), Lowokwaru (Kota)
DECLARATION = {"form": "written", "given_on": "2025-05-01", "declared_by": "u-staff", "declared_by_org": None,
               "declared_at": "2025-05-01T08:00:00+07:00"}


def nik_for(born: date, sex: str, serial: int, kecamatan: str) -> str:
    day = born.day + (40 if sex == "P" else 0)
    return f"{kecamatan.replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def row(serial: int, name: str, born: date, sex: str = "L", kecamatan: str = "35.07.25", **cells) -> dict:
    base = {"NIK": nik_for(born, sex, serial, kecamatan), "Nama": name, "Tgl Lahir": born.strftime("%d/%m/%Y"),
            "L/P": sex, "Desa/Kelurahan": DESA[kecamatan], "Ragam Disabilitas": "fisik", "Persetujuan": "Ya"}
    return {header: "" for header in HEADERS} | base | cells


def mixed_rows() -> list[dict]:
    """Rows of every kind the batch path must handle as register_person does, in one batch."""
    same_day = date(1980, 3, 4)
    return [
        row(1, "Siti Aminah", same_day, "P", **{"No HP": "081234567801", "No KK": "3507252003800001"}),
        # Likely duplicates of each other: same birth date and kecamatan, similar names.
        row(2, "Siti Aminah, S.Pd.", same_day, "P", **{"Ragam Disabilitas": "tuli, daksa"}),
        row(3, "Sitti Aminah", same_day, "P", Persetujuan="", **{"Bentuk Persetujuan": ""}),  # declaration
        # A minor registered with the guardian's consent; a guardian's phone.
        row(4, "Bagus Pratama", date(2014, 7, 9), "L", **{"Nama Wali": "Ibu Sumi", "Hubungan Wali": "ibu",
                                                          "HP Wali": "081234567804"}),
        # The file's own consent date and form; text that COPY must escape (quotes, a backslash).
        row(5, 'Wahyu "Yayuk" Hidayat', date(1975, 1, 2), "L", "35.73.05",
            **{"Tanggal Persetujuan": "02/05/2025", "Bentuk Persetujuan": "Dibacakan", "No HP": "081234567805",
               "Bidang Usaha": 'Anyaman \\ bambu "halus"'}),
        # The same NIK again later in the file: the same person, skipped.
        row(1, "Siti Aminah", same_day, "P"),
        # Refused by the row parser, by the consent rules, and by register_person's own check.
        row(6, "Eko Santoso", date(1990, 5, 6), "L", **{"Desa/Kelurahan": "Desa Antah Berantah"}),
        row(7, "Rina Wati", date(1991, 6, 7), "P", Persetujuan="Tidak"),
        row(8, "Dewi Lestari", date(2013, 6, 5), "P", **{"Nama Wali": "Ibu Sumi"}),  # no relation
        row(9, "Budi Santoso", date(1985, 8, 9), "L", **{"No HP": "12345"}),  # a warning; the row stays
        # Registered before the import: skipped.
        row(10, "Agus Salim", date(1970, 10, 11), "L"),
        # Resembles the one registered before.
        row(11, "Agus Salim", date(1970, 10, 11), "L", "35.07.25", **{"Ragam Disabilitas": "mental"}),
    ]


def apply_batch(uow, rows: list[dict], actor, one_by_one: bool = False) -> tuple[list, int, int]:
    """The rows as one batch of an import with a consent declaration: (problems, created, skipped).

    `one_by_one` registers the checked rows through register_person, as the import does after a race.
    """
    header_map = map_headers(HEADERS)
    batch = [(number, {header: r.get(header, "") for header in HEADERS}) for number, r in enumerate(rows, start=2)]
    today = history.today()
    rule = ConsentRule(DECLARATION)
    if not one_by_one:
        return imports._import_rows(uow, header_map, batch, today, None, actor, rule)
    problems, checked, skipped = imports._check_rows(uow, header_map, batch, today, None, rule)
    created, raced = imports._register_one_by_one(uow, checked, today, actor, problems, header_map)
    problems.sort(key=lambda e: e.row)
    return [tuple(e) for e in problems], created, skipped + raced


def written(session) -> dict:
    """Everything an import wrote, ids replaced by NIKs and times left out, comparable across runs."""
    people = session.scalars(sa.select(Person)).all()
    nik_of = {p.id: p.nik for p in people}
    consents = session.scalars(sa.select(Consent)).all()
    consent_of = {c.id: f"consent of {nik_of[c.person_id]}" for c in consents}
    skip = {"id", "created_at", "updated_at"}
    return {
        "persons": sorted(({c.name: getattr(p, c.key) for c in Person.__table__.columns if c.name not in skip}
                           for p in people), key=lambda p: p["nik"]),
        "history": sorted((nik_of[e.person_id], e.action, e.actor_user_id, e.actor_org_id,
                           _named(history.open_changes(e.changes), consent_of))
                          for e in session.scalars(sa.select(PersonChange).order_by(PersonChange.id))),
        "history_order": _actions_in_order(session, nik_of),
        "consents": sorted((nik_of[c.person_id], c.purpose, c.given_by, c.form, c.given_on.isoformat(),
                            c.recorded_by, c.recorded_by_org, c.withdrawn_on, c.source) for c in consents),
        "flags": sorted((nik_of[f.person_id], nik_of[f.candidate_id], f.score, f.status, f.resolved_at)
                        for f in session.scalars(sa.select(DuplicateFlag))),
        "events": [_event(json.loads(body), nik_of) for body in session.scalars(
            sa.select(outbox.c.body).order_by(outbox.c.id))],
    }


def _actions_in_order(session, nik_of: dict) -> dict:
    """Each person's history actions in the order a reader sees them (by entry id)."""
    actions: dict = {}
    for person_id, action in session.execute(
            sa.select(PersonChange.person_id, PersonChange.action).order_by(PersonChange.id)):
        actions.setdefault(nik_of[person_id], []).append(action)
    return actions


def _named(changes: dict, consent_of: dict) -> str:
    if "consent_id" in changes:
        changes = {**changes, "consent_id": [consent_of.get(v, v) for v in changes["consent_id"]]}
    return json.dumps(changes, sort_keys=True)


def _event(envelope: dict, nik_of: dict) -> dict:
    payload = dict(envelope["payload"])
    payload["person_id"] = nik_of.get(payload["person_id"], payload["person_id"])
    return {key: envelope[key] for key in ("type", "version", "source", "correlation_id")} | {"payload": payload}


def both_paths(sessions_for, actor) -> tuple[tuple, dict, tuple, dict]:
    """The mixed rows through the batch path and through register_person one by one, each into a fresh
    database from `sessions_for(name)` holding the same person registered before: (result, written) twice."""
    from inklusi_platform.unit_of_work import UnitOfWork  # noqa: PLC0415  (kept beside its only use)

    rows = mixed_rows()
    runs = []
    for name, one_by_one in (("batch", False), ("one_by_one", True)):
        sessions = sessions_for(name)
        uow = UnitOfWork(sessions(), "registry", "test-correlation")
        try:
            apply_batch(uow, [rows[10]], actor, one_by_one=True)  # registered through the API before
            uow.commit()
            result = apply_batch(uow, rows, actor, one_by_one=one_by_one)
            uow.commit()
        finally:
            uow.close()
        with sessions() as session:
            runs += [result, written(session)]
    return tuple(runs)
