"""Routes of the needs inventory: /v1/problems, /v1/advocacy-actions and /v1/stats/problems (training service).

A problem's area decides who reaches it; one about all of Malang Raya (no area) is read by everyone
with problems:read and changed only by callers without an area limit. A person who raised a problem
is shown only to callers who may read persons; everyone else sees how many persons raised it.
"""
import tempfile

from openpyxl import Workbook
from werkzeug.wrappers import Response

from gateway.bodies import json_response, read_json, read_query
from gateway.handlers.persons import _jsonable
from gateway.presenting import expected_version, record_response
from gateway.problems import HttpProblem
from gateway.routes import route
from gateway.schemas import shared
from gateway.schemas.common import AreaPageQuery
from gateway.schemas.problems import (
    AdvocacyIn,
    AdvocacyOut,
    ChangeOut,
    CommentIn,
    CommentOut,
    DuplicateIn,
    LinkIn,
    LinkOut,
    ProblemChangeIn,
    ProblemIn,
    ProblemOut,
    ProblemQuery,
    ProblemStatsOut,
    StatsQuery,
)
from inklusi_platform.errors import NotFound

PROBLEM_NOT_FOUND = "Permasalahan ini tidak ditemukan."
OUTSIDE = "Wilayah ini di luar wilayah kerja Anda."
MALANG_RAYA_ONLY = "Hanya petugas tanpa batas wilayah yang boleh mengubah masalah se-Malang Raya."
PERSONS_ONLY = "Hanya petugas yang boleh membaca data orang yang dapat mencatat orang sebagai pengaju."
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ProblemRoutes:
    def _check_area(self, caller, area_code, write: bool) -> None:
        """403 when the caller may not write there; reads of all-Malang-Raya problems are open to all."""
        if area_code is None:
            if write and not caller.scope.unrestricted:
                raise HttpProblem(403, MALANG_RAYA_ONLY)
        elif not caller.scope.allows(area_code):
            raise HttpProblem(403, OUTSIDE)

    def _problem_in_scope(self, caller, problem_id: str, write: bool = False) -> dict:
        problem = self.training.get_problem(problem_id, caller.can("persons:read"))
        if problem["area_code"] is not None and not caller.scope.allows(problem["area_code"]):
            raise NotFound(PROBLEM_NOT_FOUND)  # outside the caller's areas: as if it did not exist
        if write:
            self._check_area(caller, problem["area_code"], write=True)
        return problem

    # --- problems --------------------------------------------------------------------------------

    @route("POST", "/v1/problems", summary="Raise a problem (a person as raiser only with their consent)",
           tag="problems", permission="problems:write", body=ProblemIn, response=ProblemOut, status=201,
           errors=(403, 404))
    def raise_problem(self, request):
        caller = self.guard.caller(request, "problems:write")

        def produce():
            data = read_json(request, shared(ProblemIn))
            self._check_area(caller, data["area_code"], write=True)
            for raiser in data["raisers"]:
                if raiser["kind"] == "person":
                    if not caller.can("persons:read"):
                        raise HttpProblem(403, PERSONS_ONLY)
                    # Unknown, missing and out-of-area persons read alike (404).
                    self.guard.fetch_in_scope(self, caller, "person", str(raiser.get("ref_id")))
            problem = self.training.raise_problem(_jsonable(data), caller.actor())
            self.audit(caller, "create", "problem", problem["id"])
            return record_response(shared(ProblemOut).dump(problem), problem, status=201,
                                   headers={"Location": f"/v1/problems/{problem['id']}"})

        return self.idempotent(request, caller, produce)

    @route("GET", "/v1/problems", summary="Problems in the caller's areas and all-Malang-Raya ones, newest first",
           tag="problems", permission="problems:read", query=ProblemQuery, response=ProblemOut, paged=True)
    def list_problems(self, request):
        caller = self.guard.caller(request, "problems:read")
        query = read_query(request, shared(ProblemQuery))
        filters = {k: query[k] for k in ("field", "status") if k in query}
        areas = caller.scope.filter_areas(query.get("area"))
        result = self.training.list_problems(areas, filters, query.get("limit"), query.get("cursor"),
                                             caller.can("persons:read"))
        return json_response({"items": [shared(ProblemOut).dump(p) for p in result["items"]],
                              "next_cursor": result["next_cursor"]})

    @route("GET", "/v1/problems/<problem_id>", summary="Read one problem with its priority parts and links",
           tag="problems", permission="problems:read", response=ProblemOut, errors=(404,))
    def get_problem(self, request, problem_id):
        caller = self.guard.caller(request, "problems:read")
        problem = self._problem_in_scope(caller, problem_id)
        return record_response(shared(ProblemOut).dump(problem), problem)

    @route("PATCH", "/v1/problems/<problem_id>",
           summary="Edit and triage a problem (needs If-Match; 409 names the statuses allowed next)",
           tag="problems", permission="problems:write", body=ProblemChangeIn, response=ProblemOut,
           errors=(403, 404, 409, 412, 428))
    def change_problem(self, request, problem_id):
        caller = self.guard.caller(request, "problems:write")
        problem = self._problem_in_scope(caller, problem_id, write=True)
        version = expected_version(request, problem)
        data = read_json(request, shared(ProblemChangeIn))
        self.training.change_problem(problem_id, data, version, caller.actor())
        self.audit(caller, "update", "problem", problem_id, detail=data.get("status"))
        # Read again rather than answer the service's full view: it may name persons this caller may not see.
        changed = self.training.get_problem(problem_id, caller.can("persons:read"))
        return record_response(shared(ProblemOut).dump(changed), changed)

    @route("POST", "/v1/problems/<problem_id>/duplicates",
           summary="Merge a duplicate into this problem; its raisers, links and comments are kept here",
           tag="problems", permission="problems:write", body=DuplicateIn, response=ProblemOut, status=201,
           errors=(403, 404, 409), body_ids={"duplicate_id": None})  # a problem: its area is checked below
    def merge_problems(self, request, problem_id):
        caller = self.guard.caller(request, "problems:write")
        self._problem_in_scope(caller, problem_id, write=True)

        def produce():
            data = read_json(request, shared(DuplicateIn))
            self._problem_in_scope(caller, data["duplicate_id"], write=True)
            self.training.merge_problems(problem_id, data, caller.actor())
            self.audit(caller, "update", "problem", [problem_id, data["duplicate_id"]], detail="merged")
            kept = self.training.get_problem(problem_id, caller.can("persons:read"))
            return record_response(shared(ProblemOut).dump(kept), kept, status=201)

        return self.idempotent(request, caller, produce)

    @route("GET", "/v1/problems/<problem_id>/history", summary="Who changed what and when", tag="problems",
           permission="problems:read", response=ChangeOut, paged=True, errors=(404,))
    def problem_history(self, request, problem_id):
        caller = self.guard.caller(request, "problems:read")
        self._problem_in_scope(caller, problem_id)
        steps = self.training.problem_history(problem_id)
        return json_response({"items": [shared(ChangeOut).dump(s) for s in steps], "next_cursor": None})

    @route("POST", "/v1/problems/<problem_id>/comments", summary="Comment on a problem", tag="problems",
           permission="problems:read", body=CommentIn, response=CommentOut, status=201, errors=(404,))
    def add_comment(self, request, problem_id):
        caller = self.guard.caller(request, "problems:read")
        self._problem_in_scope(caller, problem_id)

        def produce():
            comment = self.training.add_problem_comment(problem_id, read_json(request, shared(CommentIn)),
                                                        caller.actor())
            self.audit(caller, "create", "problem_comment", comment["id"])
            return json_response(shared(CommentOut).dump(comment), status=201)

        return self.idempotent(request, caller, produce)

    @route("GET", "/v1/problems/<problem_id>/comments", summary="Comments on a problem, oldest first",
           tag="problems", permission="problems:read", response=CommentOut, paged=True, errors=(404,))
    def list_comments(self, request, problem_id):
        caller = self.guard.caller(request, "problems:read")
        self._problem_in_scope(caller, problem_id)
        comments = self.training.problem_comments(problem_id)
        return json_response({"items": [shared(CommentOut).dump(c) for c in comments], "next_cursor": None})

    @route("POST", "/v1/problems/<problem_id>/links",
           summary="Link a programme, training or advocacy action; the problem becomes diprogramkan",
           tag="problems", permission="problems:write", body=LinkIn, response=LinkOut, paged=True, status=201,
           errors=(403, 404, 409), body_ids={"target_id": None})  # a training's area is checked below
    def add_link(self, request, problem_id):
        caller = self.guard.caller(request, "problems:write")
        self._problem_in_scope(caller, problem_id, write=True)

        def produce():
            data = read_json(request, shared(LinkIn))
            if data["kind"] == "training":
                self._training_in_scope(caller, data["target_id"])  # its title must not leak across areas
            links = self.training.add_problem_link(problem_id, data, caller.actor())
            self.audit(caller, "update", "problem", problem_id, detail=f"link {data['kind']}")
            return json_response({"items": [shared(LinkOut).dump(link) for link in links], "next_cursor": None},
                                 status=201)

        return self.idempotent(request, caller, produce)

    @route("GET", "/v1/problems/<problem_id>/links", summary="What answers a problem", tag="problems",
           permission="problems:read", response=LinkOut, paged=True, errors=(404,))
    def list_links(self, request, problem_id):
        caller = self.guard.caller(request, "problems:read")
        self._problem_in_scope(caller, problem_id)
        links = self.training.problem_links(problem_id)
        return json_response({"items": [shared(LinkOut).dump(link) for link in links], "next_cursor": None})

    # --- advocacy actions ------------------------------------------------------------------------

    @route("POST", "/v1/advocacy-actions", summary="Record an advocacy action (meeting, policy letter, hearing)",
           tag="problems", permission="problems:write", body=AdvocacyIn, response=AdvocacyOut, status=201,
           errors=(403,))
    def create_advocacy_action(self, request):
        caller = self.guard.caller(request, "problems:write")

        def produce():
            data = read_json(request, shared(AdvocacyIn))
            self._check_area(caller, data.get("area_code"), write=True)
            action = self.training.create_advocacy_action(_jsonable(data), caller.actor())
            self.audit(caller, "create", "advocacy_action", action["id"])
            return json_response(shared(AdvocacyOut).dump(action), status=201)

        return self.idempotent(request, caller, produce)

    @route("GET", "/v1/advocacy-actions", summary="Advocacy actions, most recent first", tag="problems",
           permission="problems:read", query=AreaPageQuery, response=AdvocacyOut, paged=True)
    def list_advocacy_actions(self, request):
        caller = self.guard.caller(request, "problems:read")
        query = read_query(request, shared(AreaPageQuery))
        areas = caller.scope.filter_areas(query.get("area"))
        result = self.training.list_advocacy_actions(areas, query.get("limit"), query.get("cursor"))
        return json_response({"items": [shared(AdvocacyOut).dump(a) for a in result["items"]],
                              "next_cursor": result["next_cursor"]})

    # --- reports ---------------------------------------------------------------------------------

    @route("GET", "/v1/stats/problems",
           summary="Open problems by field, area and age; days from raised to programmed", tag="problems",
           permission="problems:read", query=StatsQuery, response=ProblemStatsOut)
    def problem_stats(self, request):
        caller = self.guard.caller(request, "problems:read")
        query = read_query(request, shared(StatsQuery))
        figures = self.training.problem_stats(caller.scope.filter_areas(query.get("area")))
        return json_response(shared(ProblemStatsOut).dump(figures))

    @route("GET", "/v1/stats/problems/export", summary="The needs inventory as a spreadsheet for the forum",
           tag="problems", permission="problems:read", query=StatsQuery, content_type=XLSX)
    def export_problems(self, request):
        caller = self.guard.caller(request, "problems:read")
        query = read_query(request, shared(StatsQuery))
        rows = self.training.problem_export_rows(caller.scope.filter_areas(query.get("area")))
        self.audit(caller, "export", "problem", None, detail=f"xlsx {len(rows) - 1} baris")
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Inventarisasi masalah")
        for row in rows:  # every cell is text, already made formula-safe by the training service
            sheet.append(row)
        with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as buffer:
            workbook.save(buffer)
            buffer.seek(0)
            body = buffer.read()
        return Response(body, content_type=XLSX,
                        headers={"Content-Disposition": 'attachment; filename="inventarisasi-masalah.xlsx"'})
