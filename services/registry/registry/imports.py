"""Spreadsheet imports as jobs: store the upload, then register its rows in batches, reporting each bad row.

A job is created (file stored, status queued), claimed by one worker (queued -> running) and run:
rows stream out of the stored file in batches; each good row goes through persons.register_person,
so history, consent and events are exactly those of a registration through the API. A row whose
NIK is already registered is skipped, which makes importing the same file twice harmless.

valid_rows commits per batch (a crash keeps the batches done; running again skips them);
all_or_nothing keeps everything in one transaction and rolls it back if any row is refused.
"""
from __future__ import annotations

import hashlib
import io
import itertools
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa

from inklusi_platform.errors import Conflict, NotFound, ValidationFailed
from inklusi_platform.pagination import clamp_limit, decode_cursor, page
from inklusi_platform.regions import covers
from inklusi_platform.unit_of_work import UnitOfWork
from registry import history, persons
from registry.importing.headers import FIELD_LABELS, HeaderMap, map_headers
from registry.importing.readers import Sheet, SpreadsheetError
from registry.importing.report import write_error_report_csv
from registry.importing.rows import ADULT_AGE, PersonDraft, RowError, parse_row
from registry.models.imports import FILE_PART_BYTES, MODES, ImportFile, ImportJob, ImportRowError
from registry.models.persons import Person, new_id, nik_index
from registry.schemas import age_on

log = logging.getLogger(__name__)

EXTENSIONS = (".csv", ".xlsx")
BATCH_ROWS = 200
MAX_COLUMN = 200
OUTSIDE_AREA = "Desa/kelurahan {code} di luar wilayah Anda."
NO_CONSENT = "Persetujuan pendataan tidak diberikan ('Tidak'); baris ini tidak diimpor."
SYSTEM_FAILURE = "Impor terhenti karena kesalahan sistem; baris yang sudah tersimpan tetap ada. Hubungi admin."
NOT_FOUND = "Impor ini tidak ditemukan."

# register_person's field names -> the import field whose column the uploader should fix.
_PERSON_FIELD_TO_COLUMN = {
    "nik": "nik", "kk": "kk", "name": "name", "birth_date": "birth_date", "sex": "sex",
    "desa_code": "desa_code", "phone": "phone", "disability": "disability",
    "guardian": "guardian_name", "guardian.name": "guardian_name", "guardian.relation": "guardian_relation",
    "guardian.phone": "guardian_phone", "business": "business_sector", "consent": "consent",
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
                   "skipped_existing": job.skipped_existing_count, "errors": job.error_count},
        "areas": job.areas,
        "requested_by": job.requested_by,
        "created_at": history.iso_time(job.created_at),
        "started_at": history.iso_time(job.started_at),
        "finished_at": history.iso_time(job.finished_at),
        "failure_reason": job.failure_reason,
    }


def create_job(uow, filename, content, mode, actor, areas) -> dict:
    """Store the upload as a queued job; refuse at once what can never be imported.

    Refused: an unknown mode or extension, an empty file, and a file whose header row lacks a
    required column (so the uploader hears it now, not from a failed job later).
    """
    user_id, org_id = history.actor_ids(actor)
    areas = persons.check_areas(areas)
    errors: dict = {}
    if mode not in MODES:
        errors["mode"] = [f"Pilih salah satu: {', '.join(MODES)}."]
    name = os.path.basename(filename.replace("\\", "/")).strip() if isinstance(filename, str) else ""
    if not name:
        errors["filename"] = ["Nama berkas wajib diisi."]
    elif os.path.splitext(name)[1].lower() not in EXTENSIONS:
        errors["filename"] = [f"Berkas '{name[:100]}' bukan .csv atau .xlsx."]
    if not isinstance(content, (bytes, bytearray)):
        errors["content"] = ["Isi berkas tidak terbaca."]
    elif not content:
        errors["content"] = ["Berkas kosong."]
    if not errors:
        problems = _header_problems(name, content)
        if problems:
            errors["content"] = problems
    if errors:
        raise ValidationFailed("Berkas tidak bisa diimpor.", errors)

    job = ImportJob(
        id=new_id(), filename=name[:255], file_sha256=hashlib.sha256(content).hexdigest(), file_bytes=len(content),
        mode=mode, status="queued", row_count=0, created_count=0, skipped_existing_count=0, error_count=0,
        areas=areas, requested_by=user_id, requested_by_org=org_id, created_at=history.now(),
    )
    uow.session.add(job)
    uow.session.flush()  # the job row first: the parts refer to it
    for part, start in enumerate(range(0, len(content), FILE_PART_BYTES)):
        uow.session.add(ImportFile(job_id=job.id, part=part, content=bytes(content[start:start + FILE_PART_BYTES])))
    uow.session.flush()
    return job_dict(job)


def _header_problems(filename: str, content: bytes) -> list[str]:
    try:
        with Sheet(io.BytesIO(content), filename) as sheet:
            return map_headers(sheet.headers).problems()
    except SpreadsheetError as problem:
        return [str(problem)]


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
    """The refused rows as CSV (Baris, Kolom, Pesan), in row order, to open next to the spreadsheet."""
    load_job(uow, job_id)
    rows = uow.session.execute(
        sa.select(ImportRowError.row, ImportRowError.column, ImportRowError.message)
        .where(ImportRowError.job_id == job_id).order_by(ImportRowError.row, ImportRowError.id)
        .execution_options(yield_per=1000)
    )
    out = io.StringIO()
    write_error_report_csv((tuple(r) for r in rows), out)
    return out.getvalue()


def claim_next_job(session_factory) -> str | None:
    """Take the oldest queued job (queued -> running) or None; two workers never take the same one.

    PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED, so replicas pass over a job another is claiming.
    Everywhere: the UPDATE only matches a row still queued, so a lost race claims nothing.
    """
    with session_factory() as session:
        job_id = session.scalar(
            sa.select(ImportJob.id).where(ImportJob.status == "queued")
            .order_by(ImportJob.created_at, ImportJob.id).limit(1).with_for_update(skip_locked=True)
        )
        if job_id is None:
            session.rollback()
            return None
        claimed = _mark_running(session, job_id)
        session.commit()
        return job_id if claimed else None


# A 10 MiB upload (the gateway's limit) imports in minutes; a job running this long lost its worker.
STALLED_AFTER = timedelta(hours=2)


def requeue_stalled(session_factory, older_than: timedelta = STALLED_AFTER) -> list[str]:
    """Queue again the jobs whose worker died mid-run (a crash, a deploy), so none stays running forever.

    Running a job again is safe: rows already imported are skipped by NIK, and the partial run's
    row errors and counts are cleared first.
    """
    cutoff = history.now() - older_than
    with session_factory() as session, session.begin():
        stalled = list(session.scalars(
            sa.select(ImportJob.id).where(ImportJob.status == "running", ImportJob.started_at < cutoff)
            .with_for_update(skip_locked=True)))
        if stalled:
            session.execute(sa.delete(ImportRowError).where(ImportRowError.job_id.in_(stalled)))
            session.execute(sa.update(ImportJob).where(ImportJob.id.in_(stalled)).values(
                status="queued", started_at=None, row_count=0, created_count=0, skipped_existing_count=0,
                error_count=0))
    for job_id in stalled:
        log.warning("import job %s had stalled; queued again", job_id)
    return stalled


def _mark_running(session, job_id: str, from_status: str = "queued") -> bool:
    result = session.execute(
        sa.update(ImportJob).where(ImportJob.id == job_id, ImportJob.status == from_status)
        .values(status="running", started_at=history.now())
    )
    return result.rowcount == 1


# --- running -------------------------------------------------------------------------------------

def run_job(session_factory, job_id: str, progress: Progress | None = None) -> dict:
    """Import the job's rows and return the finished job.

    The job should have been claimed (running); a queued one is claimed here.

    `progress(counts)` is called after each batch with {rows, created, skipped_existing, errors}.
    Any unexpected failure ends the job as failed, with a reason for people and, in the log, the
    exception's type only: its text may hold a NIK or a name.
    """
    with session_factory() as session:
        job = session.get(ImportJob, job_id)
        if job is None:
            raise NotFound(NOT_FOUND)
        if job.status == "queued" and not _mark_running(session, job_id):
            raise Conflict("Impor ini sedang dijalankan oleh proses lain.", {"status": "running"})
        elif job.status in ("done", "failed"):
            raise Conflict("Impor ini sudah selesai.", {"status": job.status})
        session.commit()

    run = _Run(session_factory, job_id, progress)
    try:
        try:
            run.execute()
        except SpreadsheetError as problem:  # found deep in the file: its message is for the uploader
            run.fail(str(problem))
        except Exception as exc:  # every failure must end the job, not leave it running
            log.error("import job %s failed: %s", job_id, type(exc).__name__)
            run.fail(SYSTEM_FAILURE)
    except Exception as exc:
        # Not even the failure could be written (the database is gone, say); the job stays
        # running. Raised without the original, whose text may quote a row.
        log.error("import job %s could not be ended: %s", job_id, type(exc).__name__)
        raise RuntimeError(f"import job {job_id} could not be ended") from None
    finally:
        run.close()
    with session_factory() as session:
        return job_dict(session.get(ImportJob, job_id))


class _Run:
    """One run of one job: the rows in batches, the counts, and where the refused rows go."""

    def __init__(self, session_factory, job_id: str, progress: Progress | None):
        self.job_id = job_id
        self.progress = progress
        self.uow = UnitOfWork(session_factory(), "registry")
        job = self.uow.session.get(ImportJob, job_id)
        self.filename, self.mode, self.areas = job.filename, job.mode, job.areas
        self.actor = {"user_id": job.requested_by, "org_id": job.requested_by_org}
        self.counts = {"rows": 0, "created": 0, "skipped_existing": 0, "errors": 0}
        self.saved_counts = dict(self.counts)  # what the database holds (valid_rows commits per batch)
        # all_or_nothing rolls back its errors with everything else; they wait here (on disk
        # past 1 MB) to be written after the rollback.
        self.held_errors = tempfile.SpooledTemporaryFile(max_size=1024 * 1024, mode="w+", encoding="utf-8")

    def execute(self) -> None:
        self.uow.session.expunge_all()
        with Sheet(_StoredFile(self.uow.session, self.job_id), self.filename) as sheet:
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
        errors, created, skipped = _import_rows(self.uow, header_map, batch, today, self.areas, self.actor)
        self.counts["rows"] += len(batch)
        self.counts["created"] += created
        self.counts["skipped_existing"] += skipped
        self.counts["errors"] += len(errors)
        if self.mode == "valid_rows":
            self._store_errors(errors)
            self._save_counts(self.counts)
            self.uow.commit()
            self.saved_counts = dict(self.counts)
        else:
            for error in errors:
                self.held_errors.write(json.dumps(error, ensure_ascii=False) + "\n")
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

    def _store_errors(self, errors: Iterable[tuple]) -> None:
        session = self.uow.session
        for row, column, message in errors:
            session.add(ImportRowError(job_id=self.job_id, row=row, column=str(column)[:MAX_COLUMN],
                                       message=message))

    def _save_counts(self, counts: dict, **values) -> None:
        if "status" in values:
            values["finished_at"] = history.now()
        self.uow.session.execute(sa.update(ImportJob).where(ImportJob.id == self.job_id).values(
            row_count=counts["rows"], created_count=counts["created"],
            skipped_existing_count=counts["skipped_existing"], error_count=counts["errors"], **values))

    def _forget_file(self) -> None:
        # The upload holds NIKs and names; what was valid is in the registry now.
        self.uow.session.execute(sa.delete(ImportFile).where(ImportFile.job_id == self.job_id))

    def close(self) -> None:
        self.held_errors.close()
        self.uow.close()


def _import_rows(uow, header_map: HeaderMap, batch: list, today, areas, actor) -> tuple[list, int, int]:
    """Register a batch's good rows; returns (errors as (row, column, message), created, skipped)."""
    errors: list[RowError] = []
    drafts: list[PersonDraft] = []
    for number, raw in batch:
        cells = header_map.apply(raw)
        draft, problems = parse_row(number, cells, today)
        if problems:
            errors.extend(problems)
            continue
        column = header_map.fields
        if areas is not None and not any(covers(area, draft.desa_code) for area in areas):
            errors.append(RowError(number, column["desa_code"], OUTSIDE_AREA.format(code=draft.desa_code)))
        elif draft.consent is False:
            errors.append(RowError(number, column["consent"], NO_CONSENT))
        else:
            drafts.append((number, draft))

    indexes = [nik_index(d.nik) for _, d in drafts]
    known = set(uow.session.scalars(sa.select(Person.nik).where(Person.nik_index.in_(indexes))))
    created = skipped = 0
    for number, draft in drafts:
        # A NIK registered before, or earlier in this file, is the same person: nothing to add.
        if draft.nik in known:
            skipped += 1
            continue
        try:
            persons.register_person(uow, registration(draft, today), actor)
        except ValidationFailed as refused:
            errors.extend(_row_errors(number, refused.details, header_map))
            continue
        except Conflict:
            skipped += 1  # registered by someone else between our look-up and our write
        else:
            created += 1
        known.add(draft.nik)
    errors.sort(key=lambda e: e.row)
    return [tuple(e) for e in errors], created, skipped


def registration(draft: PersonDraft, today) -> dict:
    """The draft as register_person's input; importing implies consent to be recorded (pendataan).

    The consent is in writing (the field form); given by the guardian for a minor, who cannot give
    it themselves.
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
            "form": "written",
            "given_on": today.isoformat(),
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


def _row_errors(number: int, details, header_map: HeaderMap) -> list[RowError]:
    columns = header_map.fields
    found = []
    for name, messages in (details or {}).items():
        field = _PERSON_FIELD_TO_COLUMN.get(name) or _PERSON_FIELD_TO_COLUMN.get(name.split(".", 1)[0])
        column = columns.get(field) or FIELD_LABELS.get(field) or name
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
