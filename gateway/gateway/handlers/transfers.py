"""Routes of /v1/imports (field spreadsheets in, as background jobs) and /v1/exports (files out, masked)."""
import base64
import csv
import io
import tempfile

import eventlet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from werkzeug.wrappers import Response

from gateway.bodies import json_response, read_query
from gateway.presenting import person_view
from gateway.problems import HttpProblem
from gateway.routes import route
from gateway.schemas import shared
from gateway.schemas.transfers import ExportQuery, ImportJobOut, ImportQuery
from inklusi_platform.errors import NotFound
from inklusi_platform.spreadsheets import neutralise

EXPORT_COLUMNS = (
    ("NIK", "nik"), ("Nama", "name"), ("Tanggal Lahir", "birth_date"), ("Jenis Kelamin", "sex"),
    ("Desa/Kelurahan", "desa_code"), ("Kecamatan", "kecamatan_code"), ("Ragam Disabilitas", "categories"),
    ("No HP", "phone"), ("Status", "status"),
)
IMPORT_NOT_FOUND = "Impor ini tidak ditemukan."
EXPORT_PAGE = 200
EXPORT_MAX_ROWS = 100_000


class TransferRoutes:
    def _job_for(self, caller, job_id: str) -> dict:
        try:
            job = self.registry.get_import(job_id)
        except NotFound:
            job = None
        # Field staff see their own uploads; unscoped roles (admin) see all. Missing and not yours read alike.
        if job is None or (caller.scope.areas is not None and job.get("requested_by") != caller.principal):
            raise HttpProblem(404, IMPORT_NOT_FOUND)
        return job

    @route("POST", "/v1/imports", summary="Upload a CSV/XLSX of field records; returns a job to poll",
           tag="imports", permission="imports:write", query=ImportQuery, response=ImportJobOut, status=202,
           errors=(413, 415, 422))
    def start_import(self, request):
        caller = self.guard.caller(request, "imports:write")

        def produce():
            query = read_query(request, shared(ImportQuery))
            upload = request.files.get("file")
            if upload is None:
                raise HttpProblem(415, "Kirim berkas sebagai multipart/form-data dengan kolom 'file'.")
            content = upload.read()
            job = self.registry.start_import(upload.filename or "upload.csv", _base64(content), query["mode"],
                                             caller.actor(), caller.scope.filter_areas(None), _declaration(query))
            self.audit(caller, "create", "import", job["id"], detail=f"{len(content)} bytes")
            return json_response(shared(ImportJobOut).dump(job), status=202,
                                 headers={"Location": f"/v1/imports/{job['id']}"})

        return self.idempotent(request, caller, produce)

    @route("GET", "/v1/imports/<job_id>", summary="Status and counts of an import", tag="imports",
           permission="imports:write", response=ImportJobOut, errors=(404,))
    def get_import(self, request, job_id):
        caller = self.guard.caller(request, "imports:write")
        return json_response(shared(ImportJobOut).dump(self._job_for(caller, job_id)))

    @route("GET", "/v1/imports/<job_id>/errors", summary="The per-row error report (CSV: Baris, Kolom, Pesan)",
           tag="imports", permission="imports:write", content_type="text/csv", errors=(404,))
    def get_import_errors(self, request, job_id):
        caller = self.guard.caller(request, "imports:write")
        self._job_for(caller, job_id)
        report = self.registry.get_import_errors(job_id)
        self.audit(caller, "read", "import_errors", job_id)  # the report quotes cell values: personal data
        return Response(report, content_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="impor-{job_id}-galat.csv"'})

    @route("GET", "/v1/exports/persons", summary="Persons in the caller's areas as CSV or XLSX, masked by role",
           tag="exports", permission="persons:export", query=ExportQuery,
           content_type="text/csv")
    def export_persons(self, request):
        caller = self.guard.caller(request, "persons:export")
        query = read_query(request, shared(ExportQuery))
        areas = caller.scope.filter_areas(query.get("area"))
        rows, ids = [], []
        cursor = None
        while True:
            result = self.registry.list_persons(areas, {}, EXPORT_PAGE, cursor)
            for person in result["items"]:
                view = person_view(person, caller)
                ids.append(person["id"])
                rows.append([_cell(view, key) for _, key in EXPORT_COLUMNS])
            cursor = result["next_cursor"]
            if cursor is None or len(rows) >= EXPORT_MAX_ROWS:
                break
        self.audit(caller, "export", "person", ids or None, detail=f"{query['format']} {len(rows)} baris")
        headers = [title for title, _ in EXPORT_COLUMNS]
        if query["format"] == "xlsx":
            return _xlsx(headers, rows)
        return _csv(headers, rows)


_BASE64_CHUNK = 3 * 256 * 1024  # a multiple of 3 bytes: the chunks' encodings join into the whole's


def _base64(content: bytes) -> str:
    """The upload as base64 for the RPC, a chunk at a time: an 8 MB file takes a few hundred milliseconds
    to encode on a busy machine, and the requests waiting meanwhile are served between chunks."""
    parts = []
    for start in range(0, len(content), _BASE64_CHUNK):
        parts.append(base64.b64encode(content[start:start + _BASE64_CHUNK]).decode("ascii"))
        eventlet.sleep(0)
    return "".join(parts)


def _declaration(query: dict) -> dict | None:
    """The upload's consent declaration for the registry, which checks it (both parts or neither)."""
    if "consent_form" not in query and "consent_given_on" not in query:
        return None
    given_on = query.get("consent_given_on")
    return {"form": query.get("consent_form"), "given_on": given_on.isoformat() if given_on else None}


def _cell(view: dict, key: str):
    if key == "categories":
        return ", ".join(view.get("disability", {}).get("categories", []))
    return view.get(key) or ""


def _csv(headers, rows) -> Response:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows([neutralise(str(value)) for value in row] for row in rows)
    return Response("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="penyandang-disabilitas.csv"', "Cache-Control": "no-store"})


def _xlsx(headers, rows) -> Response:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    sheet.append([_text_cell(sheet, title) for title in headers])
    for row in rows:
        sheet.append([_text_cell(sheet, value) for value in row])
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as buffer:
        workbook.save(buffer)
        buffer.seek(0)
        body = buffer.read()
    return Response(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="penyandang-disabilitas.xlsx"',
                             "Cache-Control": "no-store"})


def _text_cell(sheet, value) -> WriteOnlyCell:
    """Every value as a string cell (a NIK must not become a number, a name never a formula), neutralised
    for whoever saves the sheet as CSV later."""
    cell = WriteOnlyCell(sheet, value=neutralise(str(value)))
    cell.data_type = "s"
    return cell
