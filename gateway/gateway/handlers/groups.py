"""Routes of /v1/pokja, /v1/paguyuban, /v1/coverage and /v1/stats/registry."""
from werkzeug.wrappers import Response

from gateway.bodies import json_response, read_json, read_query
from gateway.handlers.persons import _jsonable
from gateway.presenting import expected_version, record_response
from gateway.problems import HttpProblem
from gateway.routes import route
from gateway.schemas import projection, shared
from gateway.schemas.common import AreaPageQuery, PageQuery
from gateway.schemas.groups import (
    ActivityIn,
    AssessmentIn,
    CoverageOut,
    FamilyMemberIn,
    MemberEndIn,
    MemberIn,
    MemberOut,
    MembersQuery,
    PaguyubanIn,
    PaguyubanOut,
    PokjaIn,
    PokjaOut,
    PokjaPatch,
    PokjaQuery,
    StatsOut,
    StatsQuery,
)
from gateway.stats_files import FILE_TYPES, stats_file


class GroupRoutes:
    def _pokja_in_scope(self, caller, pokja_id: str) -> dict:
        return self.guard.fetch_in_scope(self, caller, "pokja", pokja_id)

    def _paguyuban_in_scope(self, caller, paguyuban_id: str) -> dict:
        return self.guard.fetch_in_scope(self, caller, "paguyuban", paguyuban_id)

    @route("POST", "/v1/pokja", summary="Form a pokja", tag="pokja", permission="pokja:write", body=PokjaIn,
           response=PokjaOut, status=201)
    def create_pokja(self, request):
        caller = self.guard.caller(request, "pokja:write")

        def produce():
            data = read_json(request, shared(PokjaIn))
            if not caller.scope.allows(data["area_code"]):
                raise HttpProblem(403, "Wilayah ini di luar wilayah kerja Anda.")
            pokja = self.registry.form_pokja(_jsonable(data), caller.actor())
            self.audit(caller, "create", "pokja", pokja["id"])
            return record_response(shared(PokjaOut).dump(pokja), pokja, status=201,
                                   headers={"Location": f"/v1/pokja/{pokja['id']}"})

        return self.idempotent(request, caller, produce)

    @route("GET", "/v1/pokja", summary="List pokja in the caller's areas", tag="pokja", permission="pokja:read",
           query=PokjaQuery, response=PokjaOut, paged=True)
    def list_pokja(self, request):
        caller = self.guard.caller(request, "pokja:read")
        query = read_query(request, shared(PokjaQuery))
        filters = {k: query[k] for k in ("stage", "kecamatan_code") if k in query}
        result = self.registry.list_pokja(caller.scope.filter_areas(query.get("area")), filters,
                                          query.get("limit"), query.get("cursor"))
        return json_response({"items": [shared(PokjaOut).dump(p) for p in result["items"]],
                              "next_cursor": result["next_cursor"]})

    @route("GET", "/v1/pokja/<pokja_id>", summary="Read one pokja", tag="pokja", permission="pokja:read",
           response=PokjaOut, errors=(404,))
    def get_pokja(self, request, pokja_id):
        caller = self.guard.caller(request, "pokja:read")
        pokja = self._pokja_in_scope(caller, pokja_id)
        return record_response(shared(PokjaOut).dump(pokja), pokja)

    @route("PATCH", "/v1/pokja/<pokja_id>", summary="Rename, restage or change business lines (needs If-Match)",
           tag="pokja", permission="pokja:write", body=PokjaPatch, response=PokjaOut, errors=(404, 412, 428))
    def update_pokja(self, request, pokja_id):
        caller = self.guard.caller(request, "pokja:write")
        pokja = self._pokja_in_scope(caller, pokja_id)
        version = expected_version(request, pokja)
        changes = read_json(request, shared(PokjaPatch))
        updated = self.registry.update_pokja(pokja_id, _jsonable(changes), version, caller.actor())
        self.audit(caller, "update", "pokja", pokja_id, detail=",".join(sorted(changes)))
        return record_response(shared(PokjaOut).dump(updated), updated)

    @route("POST", "/v1/pokja/<pokja_id>/assessments", summary="Record a capability assessment", tag="pokja",
           permission="pokja:write", body=AssessmentIn, response=PokjaOut, status=201, errors=(404,))
    def assess_pokja(self, request, pokja_id):
        caller = self.guard.caller(request, "pokja:write")
        self._pokja_in_scope(caller, pokja_id)

        def produce():
            data = read_json(request, shared(AssessmentIn))
            pokja = self.registry.assess_pokja(pokja_id, _jsonable(data), caller.actor())
            self.audit(caller, "update", "pokja", pokja_id, detail="assessment")
            return record_response(shared(PokjaOut).dump(pokja), pokja, status=201)

        return self.idempotent(request, caller, produce)

    @route("GET", "/v1/pokja/<pokja_id>/members", summary="Members of a pokja", tag="pokja",
           permission="pokja:read", query=MembersQuery, response=MemberOut, paged=True, errors=(404,))
    def list_pokja_members(self, request, pokja_id):
        caller = self.guard.caller(request, "pokja:read")
        self._pokja_in_scope(caller, pokja_id)
        query = read_query(request, shared(MembersQuery))
        members = self.registry.list_pokja_members(pokja_id, query["include_past"])
        self.audit(caller, "read", "pokja_member", pokja_id)
        return json_response({"items": [shared(MemberOut).dump(m) for m in members], "next_cursor": None})

    @route("POST", "/v1/pokja/<pokja_id>/members", summary="Add a registered person to a pokja", tag="pokja",
           permission="pokja:write", body=MemberIn, response=MemberOut, status=201, errors=(404, 409),
           body_ids={"person_id": "person"})
    def add_pokja_member(self, request, pokja_id):
        caller = self.guard.caller(request, "pokja:write")
        self._pokja_in_scope(caller, pokja_id)

        def produce():
            data = read_json(request, shared(MemberIn))
            member = self.registry.add_pokja_member(pokja_id, _jsonable(data), caller.actor(),
                                                   caller.scope.filter_areas(None))
            self.audit(caller, "create", "pokja_member", pokja_id)
            return json_response(shared(MemberOut).dump(member), status=201)

        return self.idempotent(request, caller, produce)

    @route("POST", "/v1/pokja/<pokja_id>/members/<person_id>/leave", summary="End a membership", tag="pokja",
           permission="pokja:write", body=MemberEndIn, status=204, errors=(404,))
    def end_pokja_membership(self, request, pokja_id, person_id):
        caller = self.guard.caller(request, "pokja:write")
        self._pokja_in_scope(caller, pokja_id)
        data = read_json(request, shared(MemberEndIn))
        self.registry.end_pokja_membership(pokja_id, person_id, data["left_on"].isoformat(), caller.actor())
        self.audit(caller, "update", "pokja_member", pokja_id, detail="left")
        return Response(status=204)

    @route("GET", "/v1/coverage", summary="Which of the 41 kecamatan of Malang Raya have a pokja",
           tag="pokja", permission="coverage:read", response=CoverageOut)
    def get_coverage(self, request):
        self.guard.caller(request, "coverage:read")
        return json_response(shared(CoverageOut).dump(self.registry.coverage()))

    @route("POST", "/v1/paguyuban", summary="Found the paguyuban keluarga of a kecamatan", tag="paguyuban",
           permission="paguyuban:write", body=PaguyubanIn, response=PaguyubanOut, status=201, errors=(409,))
    def create_paguyuban(self, request):
        caller = self.guard.caller(request, "paguyuban:write")

        def produce():
            data = read_json(request, shared(PaguyubanIn))
            if not caller.scope.allows(data["kecamatan_code"]):
                raise HttpProblem(403, "Wilayah ini di luar wilayah kerja Anda.")
            paguyuban = self.registry.create_paguyuban(_jsonable(data), caller.actor())
            self.audit(caller, "create", "paguyuban", paguyuban["id"])
            return json_response(shared(PaguyubanOut).dump(paguyuban), status=201,
                                 headers={"Location": f"/v1/paguyuban/{paguyuban['id']}"})

        return self.idempotent(request, caller, produce)

    @route("GET", "/v1/paguyuban", summary="List paguyuban in the caller's areas", tag="paguyuban",
           permission="paguyuban:read", query=AreaPageQuery, response=PaguyubanOut, paged=True)
    def list_paguyuban(self, request):
        caller = self.guard.caller(request, "paguyuban:read")
        query = read_query(request, shared(AreaPageQuery))
        result = self.registry.list_paguyuban(caller.scope.filter_areas(query.get("area")), {},
                                              query.get("limit"), query.get("cursor"))
        return json_response({"items": [shared(PaguyubanOut).dump(p) for p in result["items"]],
                              "next_cursor": result["next_cursor"]})

    @route("POST", "/v1/paguyuban/<paguyuban_id>/members", summary="Add a family member", tag="paguyuban",
           permission="paguyuban:write", body=FamilyMemberIn, status=201, errors=(404,),
           body_ids={"cares_for": "person"})
    def add_paguyuban_member(self, request, paguyuban_id):
        caller = self.guard.caller(request, "paguyuban:write")
        self._paguyuban_in_scope(caller, paguyuban_id)

        def produce():
            data = read_json(request, shared(FamilyMemberIn))
            member = self.registry.add_paguyuban_member(paguyuban_id, _jsonable(data), caller.actor(),
                                                       caller.scope.filter_areas(None))
            self.audit(caller, "create", "paguyuban_member", paguyuban_id)
            return json_response(member, status=201)

        return self.idempotent(request, caller, produce)

    @route("GET", "/v1/paguyuban/<paguyuban_id>/members", summary="Family members of a paguyuban",
           tag="paguyuban", permission="paguyuban:read", query=PageQuery, errors=(404,))
    def list_paguyuban_members(self, request, paguyuban_id):
        caller = self.guard.caller(request, "paguyuban:read")
        self._paguyuban_in_scope(caller, paguyuban_id)
        query = read_query(request, shared(PageQuery))
        members = self.registry.list_paguyuban_members(paguyuban_id, False, query.get("limit"), query.get("cursor"))
        self.audit(caller, "read", "paguyuban_member", paguyuban_id)
        return json_response(members)

    @route("POST", "/v1/paguyuban/<paguyuban_id>/activities", summary="Record an activity", tag="paguyuban",
           permission="paguyuban:write", body=ActivityIn, status=201, errors=(404,))
    def record_paguyuban_activity(self, request, paguyuban_id):
        caller = self.guard.caller(request, "paguyuban:write")
        self._paguyuban_in_scope(caller, paguyuban_id)

        def produce():
            data = read_json(request, shared(ActivityIn))
            activity = self.registry.record_paguyuban_activity(paguyuban_id, _jsonable(data), caller.actor())
            self.audit(caller, "create", "paguyuban_activity", paguyuban_id)
            return json_response(activity, status=201)

        return self.idempotent(request, caller, produce)

    @route("GET", "/v1/paguyuban/<paguyuban_id>/activities", summary="Activities of a paguyuban",
           tag="paguyuban", permission="paguyuban:read", query=PageQuery, errors=(404,))
    def list_paguyuban_activities(self, request, paguyuban_id):
        caller = self.guard.caller(request, "paguyuban:read")
        self._paguyuban_in_scope(caller, paguyuban_id)
        query = read_query(request, shared(PageQuery))
        activities = self.registry.list_paguyuban_activities(paguyuban_id, query.get("limit"), query.get("cursor"))
        self.audit(caller, "read", "paguyuban_activity", paguyuban_id)  # notes are free text about families
        return json_response(activities)

    @route("GET", "/v1/stats/registry", summary="Aggregate counts; no personal records", tag="stats",
           permission="stats:read", query=StatsQuery, response=StatsOut, alternative_types=FILE_TYPES)
    def registry_stats(self, request):
        caller = self.guard.caller(request, "stats:read")
        query = read_query(request, shared(StatsQuery))
        # Who may not read a personal record may not read one off a small cell either.
        min_cell = None if caller.can("persons:read") else self.config.get("STATS_MIN_CELL", 5)
        figures = self.registry.registry_stats(caller.scope.filter_areas(query.get("area")), min_cell)
        if query.get("format", "json") != "json":
            return stats_file(figures, query["format"])
        return json_response(projection(StatsOut)(figures))
