"""Routes of /v1/funding-programmes, /v1/funding-cases and /v1/stats/funding.

Which step a caller may take, separation of duties and eligibility are the funding service's to
decide; the gateway authenticates, checks the case's area (404 outside it), passes the caller's
funding permissions along, and audits.
"""
import base64

from werkzeug.wrappers import Response

from gateway.bodies import json_response, read_json, read_query
from gateway.handlers.persons import _jsonable
from gateway.presenting import expected_version, record_response
from gateway.problems import HttpProblem
from gateway.routes import route
from gateway.schemas import shared
from gateway.schemas.funding import (
    CaseOut,
    CaseQuery,
    DocumentOut,
    DocumentQuery,
    EligibilityOut,
    FundingStatsOut,
    ProgrammeOut,
    ScheduleOut,
    StepOut,
)
from gateway.schemas.groups import StatsQuery
from inklusi_platform.contracts.funding import (
    OVERRIDE_PERMISSION,
    PROGRAMMES_PERMISSION,
    UNKNOWN_PERSON,
    CaseChanges,
    CaseInput,
    OverrideInput,
    ProgrammeChanges,
    ProgrammeInput,
    ReportInput,
    TransitionInput,
)
from inklusi_platform.errors import NotFound, ValidationFailed

CASE_NOT_FOUND = "Kasus bantuan ini tidak ditemukan."
FILTERS = ("state", "case_type", "programme_id", "kecamatan_code")


def funding_actor(caller) -> dict:
    """Who acts, with the funding permissions the service decides steps and duties on."""
    return {**caller.actor(), "permissions": sorted(p for p in caller.permissions if p.startswith("funding:"))}


def named_persons(data: dict) -> list[tuple[str, str]]:
    """(field, person id) of each KUBE member a case body names; the route's body_ids checks `applicant_id`."""
    return [(f"members.{i}.person_id", m["person_id"]) for i, m in enumerate(data.get("members") or [])]


class FundingRoutes:
    def _case_in_scope(self, caller, case_id: str) -> dict:
        """The case, if its kecamatan lies in the caller's area; otherwise 404, so its existence does not leak."""
        case = self.funding.get_case(case_id)
        if not caller.scope.allows(case["kecamatan_code"]):
            self.audit(caller, "read", "funding_case", case_id, outcome="denied", detail="di luar wilayah")
            raise NotFound(CASE_NOT_FOUND)
        return case

    def _persons_in_scope(self, caller, data: dict) -> None:
        """A person outside the caller's area is refused exactly like an unknown id."""
        if caller.scope.unrestricted:
            return
        errors = {}
        for field, person_id in named_persons(data):
            try:
                area = self.registry.person_area(person_id)
            except NotFound:
                area = None
            if area is None or not caller.scope.allows(area["desa_code"]):
                errors[field] = [UNKNOWN_PERSON]
        if errors:
            raise ValidationFailed("Beberapa isian tidak valid.", errors)

    # --- programmes -------------------------------------------------------------------------------

    @route("GET", "/v1/funding-programmes", summary="Programme settings per programme and year, with budget left",
           tag="funding", permission="funding:read", response=ProgrammeOut, paged=True)
    def list_funding_programmes(self, request):
        self.guard.caller(request, "funding:read")
        items = [shared(ProgrammeOut).dump(p) for p in self.funding.list_programmes()]
        return json_response({"items": items, "next_cursor": None})

    @route("POST", "/v1/funding-programmes", summary="Set up a programme for a year: limits, budget, training",
           tag="funding", permission=PROGRAMMES_PERMISSION, body=ProgrammeInput, response=ProgrammeOut, status=201,
           errors=(409,))
    def create_funding_programme(self, request):
        caller = self.guard.caller(request, PROGRAMMES_PERMISSION)

        def produce():
            data = read_json(request, ProgrammeInput())
            programme = self.funding.create_programme(_jsonable(data), caller.actor())
            self.audit(caller, "create", "funding_programme", programme["id"])
            return record_response(shared(ProgrammeOut).dump(programme), programme, status=201,
                                   headers={"Location": f"/v1/funding-programmes/{programme['id']}"})

        return self.idempotent(request, caller, produce)

    @route("PATCH", "/v1/funding-programmes/<programme_id>", summary="Change a year's settings (needs If-Match)",
           tag="funding", permission=PROGRAMMES_PERMISSION, body=ProgrammeChanges, response=ProgrammeOut,
           errors=(404, 409, 412, 428), unscoped=("programme_id",))
    def update_funding_programme(self, request, programme_id):
        caller = self.guard.caller(request, PROGRAMMES_PERMISSION)
        version = expected_version(request, self.funding.get_programme(programme_id))
        changes = read_json(request, ProgrammeChanges(), partial=True)
        programme = self.funding.update_programme(programme_id, _jsonable(changes), version, caller.actor())
        self.audit(caller, "update", "funding_programme", programme_id, detail=",".join(sorted(changes)))
        return record_response(shared(ProgrammeOut).dump(programme), programme)

    @route("GET", "/v1/funding-programmes/<programme_id>", summary="One programme's settings and budget",
           tag="funding", permission="funding:read", response=ProgrammeOut, errors=(404,), unscoped=("programme_id",))
    def get_funding_programme(self, request, programme_id):
        self.guard.caller(request, "funding:read")
        programme = self.funding.get_programme(programme_id)
        return record_response(shared(ProgrammeOut).dump(programme), programme)

    # --- cases ------------------------------------------------------------------------------------

    @route("POST", "/v1/funding-cases", summary="Open a UEP or KUBE case as a draft", tag="funding",
           permission="funding:propose", body=CaseInput, response=CaseOut, status=201, errors=(404,),
           body_ids={"programme_id": None, "applicant_id": "person"})
    def create_funding_case(self, request):
        caller = self.guard.caller(request, "funding:propose")

        def produce():
            data = read_json(request, CaseInput())
            self._persons_in_scope(caller, data)
            case = self.funding.open_case(_jsonable(data), funding_actor(caller))
            self.audit(caller, "create", "funding_case", case["id"])
            return record_response(shared(CaseOut).dump(case), case, status=201,
                                   headers={"Location": f"/v1/funding-cases/{case['id']}"})

        return self.idempotent(request, caller, produce)

    @route("GET", "/v1/funding-cases", summary="Cases in the caller's areas, newest first", tag="funding",
           permission="funding:read", query=CaseQuery, response=CaseOut, paged=True)
    def list_funding_cases(self, request):
        caller = self.guard.caller(request, "funding:read")
        query = read_query(request, shared(CaseQuery))
        filters = {k: query[k] for k in FILTERS if k in query}
        result = self.funding.list_cases(caller.scope.filter_areas(query.get("area")), filters,
                                         query.get("limit"), query.get("cursor"))
        ids = [case["id"] for case in result["items"]]
        if ids:  # same as persons: one entry per record shown
            self.audit(caller, "read", "funding_case", ids)
        return json_response({"items": [shared(CaseOut).dump(c) for c in result["items"]],
                              "next_cursor": result["next_cursor"]})

    @route("GET", "/v1/funding-cases/<case_id>", summary="Read one case", tag="funding", permission="funding:read",
           response=CaseOut, errors=(404,))
    def get_funding_case(self, request, case_id):
        caller = self.guard.caller(request, "funding:read")
        case = self._case_in_scope(caller, case_id)
        self.audit(caller, "read", "funding_case", case_id)
        return record_response(shared(CaseOut).dump(case), case)

    @route("PATCH", "/v1/funding-cases/<case_id>", summary="Change a draft, or replace members of a case on hold "
           "(needs If-Match)", tag="funding", permission="funding:propose", body=CaseChanges, response=CaseOut,
           errors=(404, 409, 412, 428))
    def update_funding_case(self, request, case_id):
        caller = self.guard.caller(request, "funding:propose")
        case = self._case_in_scope(caller, case_id)
        version = expected_version(request, case)
        changes = read_json(request, CaseChanges())
        self._persons_in_scope(caller, changes)
        updated = self.funding.update_case(case_id, _jsonable(changes), version, funding_actor(caller))
        self.audit(caller, "update", "funding_case", case_id, detail=",".join(sorted(changes)))
        return record_response(shared(CaseOut).dump(updated), updated)

    @route("POST", "/v1/funding-cases/<case_id>/transitions", summary="Take a workflow step (needs If-Match); "
           "409 names the current state and the allowed steps", tag="funding", permission="funding:read",
           body=TransitionInput, response=CaseOut, errors=(404, 409, 412, 428))
    def transition_funding_case(self, request, case_id):
        caller = self.guard.caller(request, "funding:read")
        case = self._case_in_scope(caller, case_id)

        def produce():
            version = expected_version(request, case)
            data = read_json(request, TransitionInput())
            moved = self.funding.transition_case(case_id, _jsonable(data), version, funding_actor(caller))
            self.audit(caller, "update", "funding_case", case_id, detail=data["action"])
            return record_response(shared(CaseOut).dump(moved), moved)

        return self.idempotent(request, caller, produce)

    @route("GET", "/v1/funding-cases/<case_id>/transitions", summary="The case's history: every step with who, "
           "when and the correlation id", tag="funding", permission="funding:read", response=StepOut, paged=True,
           errors=(404,))
    def funding_case_history(self, request, case_id):
        caller = self.guard.caller(request, "funding:read")
        self._case_in_scope(caller, case_id)
        steps = self.funding.case_history(case_id)
        self.audit(caller, "read", "funding_case", case_id, detail="history")
        return json_response({"items": [shared(StepOut).dump(s) for s in steps], "next_cursor": None})

    @route("GET", "/v1/funding-cases/<case_id>/eligibility", summary="Each eligibility rule, pass or fail, with "
           "its reason in plain Indonesian", tag="funding", permission="funding:read", response=EligibilityOut,
           errors=(404,))
    def funding_case_eligibility(self, request, case_id):
        caller = self.guard.caller(request, "funding:read")
        self._case_in_scope(caller, case_id)
        report = self.funding.case_eligibility(case_id)
        self.audit(caller, "read", "funding_case", case_id, detail="eligibility")
        return json_response(shared(EligibilityOut).dump(report))

    @route("POST", "/v1/funding-cases/<case_id>/eligibility/override", summary="Record an authorised override "
           "of the failing rules, with a reason (needs If-Match)", tag="funding", permission=OVERRIDE_PERMISSION,
           body=OverrideInput, response=CaseOut, errors=(404, 409, 412, 428))
    def override_funding_eligibility(self, request, case_id):
        caller = self.guard.caller(request, OVERRIDE_PERMISSION)
        case = self._case_in_scope(caller, case_id)

        def produce():
            version = expected_version(request, case)
            data = read_json(request, OverrideInput())
            updated = self.funding.override_eligibility(case_id, data, version, funding_actor(caller))
            self.audit(caller, "update", "funding_case", case_id, detail="eligibility override")
            return record_response(shared(CaseOut).dump(updated), updated)

        return self.idempotent(request, caller, produce)

    # --- documents --------------------------------------------------------------------------------

    @route("POST", "/v1/funding-cases/<case_id>/documents", summary="Attach a document (multipart 'file'; "
           "?doc_type=business_plan|ktp|kk|bank_book|photo)", tag="funding", permission="funding:read",
           query=DocumentQuery, response=DocumentOut, status=201, errors=(404, 413, 415, 422))
    def add_funding_document(self, request, case_id):
        caller = self.guard.caller(request, "funding:read")
        self._case_in_scope(caller, case_id)

        def produce():
            query = read_query(request, shared(DocumentQuery))
            upload = request.files.get("file")
            if upload is None:
                raise HttpProblem(415, "Kirim berkas sebagai multipart/form-data dengan kolom 'file'.")
            content = upload.read()
            doc = self.funding.add_document(case_id, query["doc_type"], upload.filename or "",
                                            upload.mimetype or "", base64.b64encode(content).decode("ascii"),
                                            funding_actor(caller))
            self.audit(caller, "create", "funding_document", doc["id"], detail=f"{query['doc_type']} {doc['size']} B")
            return json_response(shared(DocumentOut).dump(doc), status=201, headers={
                "Location": f"/v1/funding-cases/{case_id}/documents/{doc['id']}"})

        return self.idempotent(request, caller, produce)

    @route("GET", "/v1/funding-cases/<case_id>/documents", summary="Documents' metadata (type, name, size, "
           "SHA-256, uploader)", tag="funding", permission="funding:read", response=DocumentOut, paged=True,
           errors=(404,))
    def list_funding_documents(self, request, case_id):
        caller = self.guard.caller(request, "funding:read")
        self._case_in_scope(caller, case_id)
        docs = self.funding.list_documents(case_id)
        return json_response({"items": [shared(DocumentOut).dump(d) for d in docs], "next_cursor": None})

    @route("GET", "/v1/funding-cases/<case_id>/documents/<document_id>", summary="Download a document (audited)",
           tag="funding", permission="funding:read", content_type="application/octet-stream", errors=(404,))
    def download_funding_document(self, request, case_id, document_id):
        caller = self.guard.caller(request, "funding:read")
        self._case_in_scope(caller, case_id)
        doc = self.funding.get_document(case_id, document_id)
        self.audit(caller, "export", "funding_document", document_id, detail=doc["doc_type"])
        return Response(base64.b64decode(doc["content_base64"]), content_type=doc["content_type"], headers={
            "Content-Disposition": f'attachment; filename="{doc["id"]}"', "X-Content-SHA256": doc["sha256"]})

    # --- monitoring reports -----------------------------------------------------------------------

    @route("POST", "/v1/funding-cases/<case_id>/reports", summary="Record the next monitoring report",
           tag="funding", permission="funding:read", body=ReportInput, response=ScheduleOut, status=201,
           errors=(404, 409))
    def record_funding_report(self, request, case_id):
        caller = self.guard.caller(request, "funding:read")
        self._case_in_scope(caller, case_id)

        def produce():
            data = read_json(request, ReportInput())
            report = self.funding.record_report(case_id, _jsonable(data), funding_actor(caller))
            self.audit(caller, "create", "funding_report", report["id"])
            return json_response(shared(ScheduleOut).dump({"period": report["period"], "due_on": report["due_on"],
                                                     "status": "received", "report": report}), status=201)

        return self.idempotent(request, caller, produce)

    @route("GET", "/v1/funding-cases/<case_id>/reports", summary="The report schedule: each period upcoming, due, "
           "overdue or received", tag="funding", permission="funding:read", response=ScheduleOut, paged=True,
           errors=(404,))
    def list_funding_reports(self, request, case_id):
        caller = self.guard.caller(request, "funding:read")
        self._case_in_scope(caller, case_id)
        return json_response({"items": [shared(ScheduleOut).dump(s) for s in self.funding.list_reports(case_id)],
                              "next_cursor": None})

    @route("GET", "/v1/stats/funding", summary="Cases by state, programme and kecamatan; money against budget; "
           "monitoring; median days per state", tag="stats", permission="stats:read", query=StatsQuery,
           response=FundingStatsOut)
    def funding_stats(self, request):
        caller = self.guard.caller(request, "stats:read")
        query = read_query(request, shared(StatsQuery))
        return json_response(shared(FundingStatsOut).dump(self.funding.funding_stats(
            caller.scope.filter_areas(query.get("area")))))
