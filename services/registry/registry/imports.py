"""Spreadsheet imports as jobs: store the upload, then register its rows in batches, reporting each bad row.

A job is created (file stored, status queued) after cheap checks of the upload (size, header,
limits), claimed by one import worker (`python -m registry import-worker`, a process of its own) under
a lease its heartbeat renews, and run:
rows stream out of the stored file in batches (BATCH_ROWS); each row is checked by the API's own
check (persons.check_registration), and a batch's good rows are written together (importing.batch):
the same records, history, consents, duplicate flags and events as registering them one by one
through the API, in a few statements per batch. A row whose NIK is already registered is skipped,
which makes importing the same file twice harmless.

valid_rows commits per batch (a crash keeps the batches done; running again skips them);
all_or_nothing keeps everything in one transaction and rolls it back if any row is refused.
Every batch commit is fenced by the lease: a worker whose lease was taken over commits nothing more.

A row is registered only with a consent really given: its Persetujuan cell says yes, or the
uploader declared at upload that signed forms exist (form and date). Each consent records which.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import io
import itertools
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from inklusi_platform.errors import Conflict, NotFound, ValidationFailed
from inklusi_platform.pagination import clamp_limit, decode_cursor, page
from inklusi_platform.regions import covers
from inklusi_platform.unit_of_work import UnitOfWork
from registry import history, persons
from registry.importing import batch as batch_writes
from registry.importing import consent
from registry.importing.headers import FIELD_LABELS, HeaderMap, map_headers
from registry.importing.leases import LeaseLost
from registry.importing.limits import LimitExceeded, Limits
from registry.importing.readers import Sheet, SpreadsheetError, check_upload, check_whole_file
from registry.importing.report import write_error_report_csv
from registry.importing.rows import ADULT_AGE, MISSING_COLUMN, PersonDraft, RowError, parse_row
from registry.models.imports import FILE_PART_BYTES, MODES, ImportFile, ImportJob, ImportRowError
from registry.models.persons import Consent, Person, new_id, nik_index
from registry.schemas import RegistrationInput, age_on

log = logging.getLogger(__name__)

EXTENSIONS = (".csv", ".xlsx")
# Rows checked, then written together; a batch is also what a crash loses and a stop waits for.
BATCH_ROWS = int(os.environ.get("IMPORT_BATCH_ROWS", "1000"))
MAX_COLUMN = 200
OUTSIDE_AREA = "Desa/kelurahan {code} di luar wilayah Anda."
NO_CONSENT = "Persetujuan pendataan tidak diberikan ('Tidak'); baris ini tidak diimpor."
CONSENT_MISSING = ("Tidak ada persetujuan pendataan untuk baris ini. Isi kolom Persetujuan dengan 'Ya' (dan "
                   "Tanggal Persetujuan), atau saat mengunggah nyatakan bahwa formulir persetujuan yang "
                   "ditandatangani ada, dengan bentuk dan tanggalnya.")
SYSTEM_FAILURE = "Impor terhenti karena kesalahan sistem; baris yang sudah tersimpan tetap ada. Hubungi admin."
NOT_FOUND = "Impor ini tidak ditemukan."

# register_person's field names -> the import field whose column the uploader should fix.
_PERSON_FIELD_TO_COLUMN = {
    "nik": "nik", "kk": "kk", "name": "name", "birth_date": "birth_date", "sex": "sex",
    "desa_code": "desa_code", "phone": "phone", "disability": "disability",
    "guardian": "guardian_name", "guardian.name": "guardian_name", "guardian.relation": "guardian_relation",
    "guardian.phone": "guardian_phone", "business": "business_sector", "consent": "consent",
    "consent.given_on": "consent_date", "consent.form": "consent_form",
}

Progress = Callable[[dict], None]


# --- jobs ----------------------------------------------------------------------------------------

def job_dict(job: ImportJob) -> dict:
    return {
        "id": job.id,
        "filename": job.filename,
        "mode": job.mode,
        "status": job.status,
        "counts": {"rows": job.row_count, "created": job.created_count,
                   "skipped_existing": job.skipped_existing_count, "errors": job.error_count,
                   "warnings": job.warning_count or 0},
        "areas": job.areas,
        "requested_by": job.requested_by,
        "created_at": history.iso_time(job.created_at),
        "started_at": history.iso_time(job.started_at),
        "finished_at": history.iso_time(job.finished_at),
        "failure_reason": job.failure_reason,
        "consent_declaration": job.consent_declaration,
    }


_BASE64_CHUNK = 1024 * 1024  # a multiple of 4 characters: each chunk decodes on its own


def decode_upload(content_base64: str, limits: Limits | None = None, pause=None) -> bytes:
    """The upload's bytes from base64, refused by its size before decoding and decoded a chunk at a time.

    An 8 MB upload takes a few hundred milliseconds to decode on a busy machine; `pause()` between
    chunks (eventlet.sleep in the service) lets the reads waiting meanwhile be answered.
    """
    if not isinstance(content_base64, str):
        raise ValidationFailed("Berkas tidak terbaca", {"file": ["Isi berkas rusak (bukan base64)."]})
    limits = limits or Limits.from_env()
    try:
        limits.check_bytes(len(content_base64) // 4 * 3 - content_base64[-2:].count("="))
    except LimitExceeded as problem:
        raise ValidationFailed("Berkas tidak bisa diimpor.", {"content": [str(problem)]}) from None
    parts = []
    for start in range(0, len(content_base64), _BASE64_CHUNK):
        try:
            parts.append(base64.b64decode(content_base64[start:start + _BASE64_CHUNK], validate=True))
        except (binascii.Error, ValueError):
            raise ValidationFailed("Berkas tidak terbaca", {"file": ["Isi berkas rusak (bukan base64)."]}) from None
        if pause is not None:
            pause()
    return b"".join(parts)


def create_job(uow, filename, content, mode, actor, areas, consent_declaration=None,
               limits: Limits | None = None) -> dict:
    """Store the upload as a queued job; refuse at once what can never be imported.

    Refused before any work: an unknown mode or extension, an empty file, a file over a limit
    (see importing.limits), a header row lacking a required column, and a consent declaration
    that names no valid form or date. Only the header row is read.

    `content` is the upload's bytes, or a seekable binary file: the command line's, stored a part
    at a time so that a file of any size is never held whole.
    """
    user_id, org_id = history.actor_ids(actor)
    areas = persons.check_areas(areas)
    limits = limits or Limits.from_env()
    errors: dict = {}
    if mode not in MODES:
        errors["mode"] = [f"Pilih salah satu: {', '.join(MODES)}."]
    name = os.path.basename(filename.replace("\\", "/")).strip() if isinstance(filename, str) else ""
    if not name:
        errors["filename"] = ["Nama berkas wajib diisi."]
    elif os.path.splitext(name)[1].lower() not in EXTENSIONS:
        errors["filename"] = [f"Berkas '{name[:100]}' bukan .csv atau .xlsx."]
    source = io.BytesIO(content) if isinstance(content, (bytes, bytearray)) else content
    if not (isinstance(source, io.IOBase) and source.seekable()):
        errors["content"] = ["Isi berkas tidak terbaca."]
    elif not source.seek(0, io.SEEK_END):
        errors["content"] = ["Berkas kosong."]
    declaration, declaration_errors = consent.declaration(consent_declaration, user_id, org_id)
    errors.update(declaration_errors)
    if not errors:
        problems = check_upload(source, name, limits)
        if problems:
            errors["content"] = problems
    if errors:
        raise ValidationFailed("Berkas tidak bisa diimpor.", errors)

    digest, size = _fingerprint(source)
    job = ImportJob(
        id=new_id(), filename=name[:255], file_sha256=digest, file_bytes=size,
        mode=mode, status="queued", row_count=0, created_count=0, skipped_existing_count=0, error_count=0,
        warning_count=0, areas=areas, requested_by=user_id, requested_by_org=org_id, created_at=history.now(),
        consent_declaration=declaration, attempts=0,
    )
    uow.session.add(job)
    uow.session.flush()  # the job row first: the parts refer to it
    for part in itertools.count():
        data = source.read(FILE_PART_BYTES)
        if not data:
            break
        stored = ImportFile(job_id=job.id, part=part, content=data)
        uow.session.add(stored)
        uow.session.flush()
        uow.session.expunge(stored)  # one part in memory at a time
    return job_dict(job)


def _fingerprint(source) -> tuple[str, int]:
    """(SHA-256, size) of the file, read a part at a time; leaves it at its start."""
    digest, size = hashlib.sha256(), 0
    source.seek(0)
    while data := source.read(FILE_PART_BYTES):
        digest.update(data)
        size += len(data)
    source.seek(0)
    return digest.hexdigest(), size


def load_job(uow, job_id) -> ImportJob:
    job = uow.session.get(ImportJob, job_id) if isinstance(job_id, str) else None
    if job is None:
        raise NotFound(NOT_FOUND)
    return job


def get_job(uow, job_id: str) -> dict:
    return job_dict(load_job(uow, job_id))


def list_jobs(uow, limit=None, cursor=None, requested_by: str | None = None) -> dict:
    """A page of jobs, newest first; only one user's when `requested_by` is given."""
    limit = clamp_limit(limit)
    after = decode_cursor(cursor)
    query = sa.select(ImportJob)
    if requested_by is not None:
        query = query.where(ImportJob.requested_by == str(requested_by))
    if after is not None:
        if not (isinstance(after.get("created_at"), str) and isinstance(after.get("id"), str)):
            raise ValidationFailed("cursor tidak dikenali", {"cursor": ["Cursor tidak valid."]})
        at = _parse_time(after["created_at"])
        query = query.where(sa.or_(ImportJob.created_at < at,
                                   sa.and_(ImportJob.created_at == at, ImportJob.id < after["id"])))
    rows = uow.session.scalars(query.order_by(ImportJob.created_at.desc(), ImportJob.id.desc()).limit(limit + 1))
    result = page(list(rows), limit, lambda j: {"created_at": _time_key(j.created_at), "id": j.id})
    result["items"] = [job_dict(j) for j in result["items"]]
    return result


def _time_key(value) -> str:
    # As stored: SQLite gives naive UTC values back, so compare in the same form.
    return value.isoformat()


def _parse_time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed("cursor tidak dikenali", {"cursor": ["Cursor tidak valid."]}) from None


def error_report_csv(uow, job_id: str) -> str:
    """The rows' problems as CSV (Baris, Kolom, Tingkat, Pesan), in row order, to open next to the spreadsheet."""
    load_job(uow, job_id)
    rows = uow.session.execute(
        sa.select(ImportRowError.row, ImportRowError.column, ImportRowError.message, ImportRowError.level)
        .where(ImportRowError.job_id == job_id).order_by(ImportRowError.row, ImportRowError.id)
        .execution_options(yield_per=1000)
    )
    out = io.StringIO()
    write_error_report_csv((tuple(r) for r in rows), out)
    return out.getvalue()


# --- running -------------------------------------------------------------------------------------

def run_job(session_factory, job_id: str, worker_id: str, progress: Progress | None = None,
            limits: Limits | None = None) -> dict:
    """Import the rows of a job this worker has claimed, and return the finished job.

    `progress(counts)` is called after each batch with {rows, created, skipped_existing, errors,
    warnings}; it may raise to stop the run (the worker is stopping), which leaves the job running
    for release_job or a takeover. LeaseLost is raised when another worker took the job over:
    nothing more of this run is committed. Any other failure ends the job as failed, with a reason
    for people and, in the log, the exception's type only: its text may hold a NIK or a name.
    """
    with session_factory() as session:
        job = session.get(ImportJob, job_id)
        if job is None:
            raise NotFound(NOT_FOUND)
        if job.status != "running" or job.lease_owner != worker_id:
            raise LeaseLost(job_id)

    run = _Run(session_factory, job_id, worker_id, progress, limits or Limits.from_env())
    try:
        try:
            run.execute()
        except SpreadsheetError as problem:  # a limit, or damage found deep in the file: for the uploader
            run.fail(str(problem))
        except (LeaseLost, Interrupted):
            raise
        except Exception as exc:  # every failure must end the job, not leave it running
            log.error("import job %s failed: %s", job_id, type(exc).__name__)
            run.fail(SYSTEM_FAILURE)
    except (LeaseLost, Interrupted):
        raise  # nothing more of this run is committed: closing the unit of work rolls it back
    except Exception as exc:
        # Not even the failure could be written (the database is gone, say); the job stays
        # running until its lease expires. Raised without the original, whose text may quote a row.
        log.error("import job %s could not be ended: %s", job_id, type(exc).__name__)
        raise RuntimeError(f"import job {job_id} could not be ended") from None
    finally:
        run.close()
    with session_factory() as session:
        return job_dict(session.get(ImportJob, job_id))


class Interrupted(Exception):
    """Raised by a progress callback to stop a run between batches (the worker is shutting down)."""


class _Run:
    """One run of one job: the rows in batches, the counts, and where the refused rows go."""

    def __init__(self, session_factory, job_id: str, worker_id: str, progress: Progress | None, limits: Limits):
        self.job_id = job_id
        self.worker_id = worker_id
        self.progress = progress
        self.limits = limits
        self.uow = UnitOfWork(session_factory(), "registry")
        job = self.uow.session.get(ImportJob, job_id)
        self.filename, self.mode, self.areas = job.filename, job.mode, job.areas
        self.consent = consent.ConsentRule(job.consent_declaration)
        self.actor = {"user_id": job.requested_by, "org_id": job.requested_by_org}
        self.counts = {"rows": 0, "created": 0, "skipped_existing": 0, "errors": 0, "warnings": 0}
        self.saved_counts = dict(self.counts)  # what the database holds (valid_rows commits per batch)
        # all_or_nothing rolls back its errors with everything else; they wait here (on disk
        # past 1 MB) to be written after the rollback.
        self.held_errors = tempfile.SpooledTemporaryFile(max_size=1024 * 1024, mode="w+", encoding="utf-8")

    def execute(self) -> None:
        self.uow.session.expunge_all()
        # Every limit first (real rows, shared strings, unpacked bytes): nothing is registered
        # from a file that will be refused half way.
        check_whole_file(_StoredFile(self.uow.session, self.job_id), self.filename, self.limits)
        with Sheet(_StoredFile(self.uow.session, self.job_id), self.filename, self.limits) as sheet:
            header_map = map_headers(sheet.headers)
            if not header_map.ok:
                self.fail(" ".join(header_map.problems()))
                return
            rows = iter(sheet)
            while batch := list(itertools.islice(rows, BATCH_ROWS)):
                self._batch(header_map, batch)
        self._finish()

    def _batch(self, header_map: HeaderMap, batch: list) -> None:
        today = history.today()
        problems, created, skipped = _import_rows(self.uow, header_map, batch, today, self.areas, self.actor,
                                                  self.consent)
        self.counts["rows"] += len(batch)
        self.counts["created"] += created
        self.counts["skipped_existing"] += skipped
        self.counts["errors"] += sum(1 for p in problems if p[3] == "error")
        self.counts["warnings"] += sum(1 for p in problems if p[3] == "warning")
        if self.mode == "valid_rows":
            self._store_errors(problems)
            self._save_counts(self.counts)
            self.uow.commit()
            self.saved_counts = dict(self.counts)
        else:
            for problem in problems:
                self.held_errors.write(json.dumps(problem, ensure_ascii=False) + "\n")
            self.uow.session.flush()
        # The unit of work would keep every event and object of the whole file otherwise.
        self.uow.emitted.clear()
        self.uow.session.expunge_all()
        if self.progress is not None:
            self.progress(dict(self.counts))

    def _finish(self) -> None:
        counts = dict(self.counts)
        if self.mode == "all_or_nothing" and counts["errors"]:
            # Nothing of the file is kept; only the job's result and the refused rows.
            self.uow.rollback()
            self._store_held_errors()
            counts["created"] = 0
        self._save_counts(counts, status="done")
        self._forget_file()
        self.uow.commit()
        self.counts = counts

    def fail(self, reason: str) -> None:
        """End the job as failed: valid_rows keeps its committed batches, all_or_nothing keeps nothing."""
        self.uow.rollback()
        if self.mode == "all_or_nothing":
            counts = {**self.counts, "created": 0}
            self._store_held_errors()
        else:
            counts = self.saved_counts
        self._save_counts(counts, status="failed", failure_reason=reason)
        self._forget_file()
        self.uow.commit()

    def _store_held_errors(self) -> None:
        self.held_errors.seek(0)
        self._store_errors(tuple(json.loads(line)) for line in self.held_errors)

    def _store_errors(self, problems: Iterable[tuple]) -> None:
        session = self.uow.session
        for row, column, message, level in problems:
            session.add(ImportRowError(job_id=self.job_id, row=row, column=str(column)[:MAX_COLUMN],
                                       message=message, level=level))

    def _save_counts(self, counts: dict, **values) -> None:
        """Write the counts, fenced by the lease: if another worker holds the job now, nothing is kept."""
        if "status" in values:
            values.update(finished_at=history.now(), lease_owner=None, lease_expires_at=None)
        saved = self.uow.session.execute(
            sa.update(ImportJob).where(ImportJob.id == self.job_id, ImportJob.lease_owner == self.worker_id)
            .values(row_count=counts["rows"], created_count=counts["created"],
                    skipped_existing_count=counts["skipped_existing"], error_count=counts["errors"],
                    warning_count=counts["warnings"], **values))
        if saved.rowcount != 1:
            raise LeaseLost(self.job_id)

    def _forget_file(self) -> None:
        # The upload holds NIKs and names; what was valid is in the registry now.
        self.uow.session.execute(sa.delete(ImportFile).where(ImportFile.job_id == self.job_id))

    def close(self) -> None:
        self.held_errors.close()
        self.uow.close()


def _import_rows(uow, header_map: HeaderMap, batch: list, today, areas, actor,
                 consent_rule: consent.ConsentRule) -> tuple[list, int, int]:
    """Register a batch's good rows; returns (problems as (row, column, message, level), created, skipped).

    Each row is checked on its own, as the API checks a registration; the good ones are written
    together (importing.batch).
    """
    problems, checked, skipped = _check_rows(uow, header_map, batch, today, areas, consent_rule)
    try:
        with uow.savepoint():
            batch_writes.write(uow, [registration for *_, registration in checked], actor)
        created = len(checked)
    except IntegrityError:
        if uow.session.get_bind().dialect.name == "sqlite":
            raise  # one writer at a time there: not a race, a fault
        # Someone registered one of these NIKs since our look-up: the rows one by one sort out which.
        created, raced = _register_one_by_one(uow, checked, today, actor, problems, header_map)
        skipped += raced
    problems.sort(key=lambda e: e.row)
    return [tuple(e) for e in problems], created, skipped


Checked = tuple[int, PersonDraft, tuple[dict, str], batch_writes.Registration]


def _check_rows(uow, header_map: HeaderMap, batch: list, today, areas,
                consent_rule: consent.ConsentRule) -> tuple[list[RowError], list[Checked], int]:
    """(problems, the rows to register, how many are registered already): every check, nothing written.

    One look-up through the blind index finds the NIKs registered before; a NIK earlier in the
    batch is the same person too.
    """
    problems: list[RowError] = []
    drafts: list[tuple[int, PersonDraft, tuple[dict, str]]] = []
    for number, raw in batch:
        cells = header_map.apply(raw)
        draft, found = parse_row(number, cells, today)
        problems.extend(found)
        if draft is None:
            continue
        column = header_map.fields
        given = consent_rule.consent_for(draft, today)
        if areas is not None and not any(covers(area, draft.desa_code) for area in areas):
            problems.append(RowError(number, column["desa_code"], OUTSIDE_AREA.format(code=draft.desa_code)))
        elif draft.consent is False:
            problems.append(RowError(number, column["consent"], NO_CONSENT))
        elif given is None:
            problems.append(RowError(number, _column_for(header_map, "consent"), CONSENT_MISSING))
        else:
            drafts.append((number, draft, given))

    indexes = [nik_index(d.nik) for _, d, _ in drafts]
    known = set(uow.session.scalars(sa.select(Person.nik_index).where(Person.nik_index.in_(indexes))))
    schema = RegistrationInput()
    checked: list[Checked] = []
    skipped = 0
    for (number, draft, given), index in zip(drafts, indexes, strict=True):
        if index in known:
            skipped += 1
            continue
        try:
            values, checked_consent = persons.check_registration(registration(draft, today, given[0]), today,
                                                                 schema)
        except ValidationFailed as refused:
            problems.extend(_row_errors(number, refused.details, header_map))
            continue
        known.add(index)
        checked.append((number, draft, given, batch_writes.Registration(values, checked_consent, given[1], index)))
    return problems, checked, skipped


def _register_one_by_one(uow, drafts, today, actor, problems: list, header_map: HeaderMap) -> tuple[int, int]:
    """register_person for each row, a NIK taken meanwhile counted as skipped; returns (created, skipped)."""
    created = skipped = 0
    for number, draft, (given, source), _ in drafts:
        try:
            person = persons.register_person(uow, registration(draft, today, given), actor)
        except ValidationFailed as refused:
            problems.extend(_row_errors(number, refused.details, header_map))
            continue
        except Conflict:
            skipped += 1
        else:
            created += 1
            uow.session.flush()
            uow.session.execute(sa.update(Consent).where(Consent.person_id == person["id"]).values(source=source))
    return created, skipped


def registration(draft: PersonDraft, today, consent: dict) -> dict:
    """The draft as register_person's input, with the consent to be recorded (pendataan).

    Given by the guardian for a minor, who cannot give it themselves.
    """
    data: dict = {
        "nik": draft.nik,
        "name": draft.name,
        "birth_date": draft.birth_date.isoformat(),
        "sex": draft.sex,
        "desa_code": draft.desa_code,
        "disability": {"categories": [c for c in draft.categories if c != "ganda"]},
        "consent": {
            "purpose": "pendataan",
            "given_by": "self" if age_on(draft.birth_date, today) >= ADULT_AGE else "guardian",
            "form": consent["form"],
            "given_on": consent["given_on"].isoformat(),
        },
    }
    if draft.kk:
        data["kk"] = draft.kk
    if draft.phone:
        data["phone"] = draft.phone
    if draft.guardian:
        # Blank cells are left out rather than sent as null, so a missing one reads "Wajib diisi".
        guardian = {"name": draft.guardian.name, "relation": draft.guardian.relation, "phone": draft.guardian.phone}
        data["guardian"] = {key: value for key, value in guardian.items() if value is not None}
    if draft.business_sector:
        data["business"] = {"sector": draft.business_sector}
    return data


def _column_for(header_map: HeaderMap, field: str | None) -> str:
    """The header the uploader used for the field, or the field's label marked as a column the file lacks."""
    header = header_map.fields.get(field) if field else None
    if header is not None:
        return header
    label = FIELD_LABELS.get(field)
    return MISSING_COLUMN.format(label=label) if label else ""


def _row_errors(number: int, details, header_map: HeaderMap) -> list[RowError]:
    found = []
    for name, messages in (details or {}).items():
        field = _PERSON_FIELD_TO_COLUMN.get(name) or _PERSON_FIELD_TO_COLUMN.get(name.split(".", 1)[0])
        column = _column_for(header_map, field) or name
        for message in messages if isinstance(messages, list) else [messages]:
            text = message.get("message") if isinstance(message, dict) else str(message)
            found.append(RowError(number, column, text))
    return found


class _StoredFile(io.RawIOBase):
    """The job's stored upload as a seekable binary file, read one part at a time (XLSX needs seeking)."""

    def __init__(self, session, job_id: str):
        self._session = session
        self._job_id = job_id
        self._size = session.scalar(sa.select(ImportJob.file_bytes).where(ImportJob.id == job_id)) or 0
        self._position = 0
        self._part: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer) -> int:
        # Filled across parts, so a reader asking for n bytes (zipfile does) gets n unless at the end.
        view = memoryview(buffer).cast("B")
        filled = 0
        while filled < len(view) and self._position < self._size:
            index, offset = divmod(self._position, FILE_PART_BYTES)
            if self._part is None or self._part[0] != index:
                content = self._session.scalar(sa.select(ImportFile.content).where(
                    ImportFile.job_id == self._job_id, ImportFile.part == index))
                if not content:
                    break
                self._part = (index, content)
            data = self._part[1][offset:offset + len(view) - filled]
            view[filled:filled + len(data)] = data
            filled += len(data)
            self._position += len(data)
        return filled
