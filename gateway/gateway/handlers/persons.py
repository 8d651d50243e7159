"""Routes of /v1/persons: registration, reads, updates, consents, history and merges."""
from gateway.access.masking import mask_changes
from gateway.bodies import json_response, read_json, read_query
from gateway.presenting import expected_version, person_view, record_response
from gateway.problems import HttpProblem
from gateway.routes import route
from gateway.schemas import shared
from gateway.schemas.common import AreaPageQuery
from gateway.schemas.registry import (
    ConsentIn,
    ConsentOut,
    ConsentWithdrawalIn,
    DuplicateFlagOut,
    HistoryEntryOut,
    HistoryQuery,
    MergeIn,
    PersonIn,
    PersonOut,
    PersonPatch,
    PersonQuery,
)
from inklusi_platform.errors import Conflict

FILTERS = ("q", "nik", "birth_date", "category", "status", "sex", "kecamatan_code", "desa_code")


class PersonRoutes:
    def _person_in_scope(self, caller, person_id: str) -> dict:
        """The record, if the caller's area holds it; otherwise 404, so its existence does not leak."""
        return self.guard.fetch_in_scope(self, caller, "person", person_id, audit_as="person")

    def _require_area(self, caller, area_code: str):
        if not caller.scope.allows(area_code):
            raise HttpProblem(403, "Wilayah ini di luar wilayah kerja Anda.")

    @route("POST", "/v1/persons", summary="Register a person with a disability", tag="persons",
           permission="persons:write", body=PersonIn, response=PersonOut, status=201, errors=(409,))
    def create_person(self, request):
        caller = self.guard.caller(request, "persons:write")

        def produce():
            data = read_json(request, shared(PersonIn))
            self._require_area(caller, data["desa_code"])
            try:
                person = self.registry.register_person(_jsonable(data), caller.actor())
            except Conflict as conflict:
                raise self._conflict_for(caller, conflict) from None
            self.audit(caller, "create", "person", person["id"])
            return record_response(person_view(person, caller), person, status=201,
                                   headers={"Location": f"/v1/persons/{person['id']}"})

        return self.idempotent(request, caller, produce)

    def _conflict_for(self, caller, conflict: Conflict) -> HttpProblem:
        # Link the existing record only when the caller could read it anyway.
        details = conflict.details or {}
        extra = {}
        if details.get("existing_id") and caller.can("persons:read") and caller.scope.allows(
                details.get("desa_code", "")):
            extra["existing"] = f"/v1/persons/{details['existing_id']}"
        return HttpProblem(409, conflict.message, **extra)

    @route("GET", "/v1/persons", summary="List persons in the caller's areas", tag="persons",
           permission="persons:read", query=PersonQuery, response=PersonOut, paged=True)
    def list_persons(self, request):
        caller = self.guard.caller(request, "persons:read")
        query = read_query(request, shared(PersonQuery))
        if _is_nik_lookup(query) and not caller.can("persons:read_nik"):
            # Otherwise a role shown masked NIKs could still test which NIK belongs to whom.
            raise HttpProblem(403, "Pencarian dengan NIK memerlukan izin melihat NIK.")
        areas = caller.scope.filter_areas(query.get("area"))
        result = self.registry.list_persons(areas, _jsonable({k: query[k] for k in FILTERS if k in query}),
                                            query.get("limit"), query.get("cursor"))
        ids = [person["id"] for person in result["items"]]
        if ids:
            # A NIK lookup is a read of whoever it found, like opening their record.
            self.audit(caller, "read", "person", ids, detail="nik" if _is_nik_lookup(query) else None)
        return json_response({"items": [person_view(p, caller) for p in result["items"]],
                              "next_cursor": result["next_cursor"]})

    @route("GET", "/v1/persons/<person_id>", summary="Read one person", tag="persons",
           permission="persons:read", response=PersonOut, errors=(404,))
    def get_person(self, request, person_id):
        caller = self.guard.caller(request, "persons:read")
        person = self._person_in_scope(caller, person_id)
        self.audit(caller, "read", "person", person_id)
        return record_response(person_view(person, caller), person)

    @route("PATCH", "/v1/persons/<person_id>", summary="Change a person's record (needs If-Match)",
           tag="persons", permission="persons:write", body=PersonPatch, response=PersonOut,
           errors=(404, 409, 412, 428))
    def update_person(self, request, person_id):
        caller = self.guard.caller(request, "persons:write")
        person = self._person_in_scope(caller, person_id)
        version = expected_version(request, person)
        changes = read_json(request, shared(PersonPatch))
        if "desa_code" in changes:
            self._require_area(caller, changes["desa_code"])
        updated = self.registry.update_person(person_id, _jsonable(changes), version, caller.actor())
        self.audit(caller, "update", "person", person_id, detail=",".join(sorted(changes)))
        return record_response(person_view(updated, caller), updated)

    @route("GET", "/v1/persons/<person_id>/consents", summary="Consents given and withdrawn", tag="persons",
           permission="persons:read", response=ConsentOut, paged=True, errors=(404,))
    def list_consents(self, request, person_id):
        caller = self.guard.caller(request, "persons:read")
        self._person_in_scope(caller, person_id)
        consents = self.registry.list_consents(person_id)
        self.audit(caller, "read", "consent", person_id)
        return json_response({"items": [shared(ConsentOut).dump(c) for c in consents], "next_cursor": None})

    @route("POST", "/v1/persons/<person_id>/consents", summary="Record a consent", tag="persons",
           permission="persons:write", body=ConsentIn, response=ConsentOut, status=201, errors=(404, 409))
    def create_consent(self, request, person_id):
        caller = self.guard.caller(request, "persons:write")
        self._person_in_scope(caller, person_id)

        def produce():
            data = read_json(request, shared(ConsentIn))
            consent = self.registry.record_consent(person_id, _jsonable(data), caller.actor())
            self.audit(caller, "create", "consent", person_id)
            return json_response(shared(ConsentOut).dump(consent), status=201)

        return self.idempotent(request, caller, produce)

    @route("POST", "/v1/persons/<person_id>/consents/<consent_id>/withdrawal",
           summary="Withdraw a consent (recorded, never deleted)", tag="persons", permission="persons:write",
           body=ConsentWithdrawalIn, response=ConsentOut, status=201, errors=(404, 409))
    def withdraw_consent(self, request, person_id, consent_id):
        caller = self.guard.caller(request, "persons:write")
        self._person_in_scope(caller, person_id)

        def produce():
            data = read_json(request, shared(ConsentWithdrawalIn))
            consent = self.registry.withdraw_consent(person_id, consent_id, data["reason"], caller.actor())
            self.audit(caller, "update", "consent", person_id, detail="withdrawn")
            return json_response(shared(ConsentOut).dump(consent), status=201)

        return self.idempotent(request, caller, produce)

    @route("GET", "/v1/persons/<person_id>/history", summary="Every change: who, when, what", tag="persons",
           permission="persons:read", query=HistoryQuery, response=HistoryEntryOut, paged=True, errors=(404,))
    def get_history(self, request, person_id):
        caller = self.guard.caller(request, "persons:read")
        self._person_in_scope(caller, person_id)
        query = read_query(request, shared(HistoryQuery))
        result = self.registry.get_history(person_id, query.get("limit"), query.get("cursor"))
        self.audit(caller, "read", "person_history", person_id)
        items = [shared(HistoryEntryOut).dump(entry | {"changes": mask_changes(entry["changes"], caller.permissions,
                                                                 show_contact=caller.can("persons:read_contact"))})
                 for entry in result["items"]]
        return json_response({"items": items, "next_cursor": result["next_cursor"]})

    @route("POST", "/v1/persons/<person_id>/merge", summary="Fold a duplicate record into this one",
           tag="persons", permission="persons:merge", body=MergeIn, response=PersonOut, errors=(404, 409),
           body_ids={"merge_id": "person"})
    def merge_persons(self, request, person_id):
        caller = self.guard.caller(request, "persons:merge")
        self._person_in_scope(caller, person_id)
        data = read_json(request, shared(MergeIn))  # merge_id was checked against the caller's area (body_ids)
        kept = self.registry.merge_persons(person_id, data["merge_id"], caller.actor(),
                                          caller.scope.filter_areas(None))
        self.audit(caller, "update", "person", [person_id, data["merge_id"]], detail="merge")
        return record_response(person_view(kept, caller), kept)

    @route("GET", "/v1/duplicate-flags", summary="Likely duplicates waiting for review, in the caller's areas",
           tag="persons", permission="persons:merge", query=AreaPageQuery, response=DuplicateFlagOut, paged=True)
    def list_duplicate_flags(self, request):
        caller = self.guard.caller(request, "persons:merge")
        query = read_query(request, shared(AreaPageQuery))
        result = self.registry.list_duplicate_flags(caller.scope.filter_areas(query.get("area")),
                                                    query.get("limit"), query.get("cursor"))
        ids = [flag["id"] for flag in result["items"]]
        if ids:  # who may be whose duplicate is about persons
            self.audit(caller, "read", "duplicate_flag", ids)
        return json_response({"items": [shared(DuplicateFlagOut).dump(f) for f in result["items"]],
                              "next_cursor": result["next_cursor"]})

    @route("POST", "/v1/duplicate-flags/<flag_id>/dismissal", summary="Two different people after all",
           tag="persons", permission="persons:merge", response=DuplicateFlagOut, status=201, errors=(404, 409))
    def dismiss_duplicate_flag(self, request, flag_id):
        caller = self.guard.caller(request, "persons:merge")
        self.guard.fetch_in_scope(self, caller, "duplicate_flag", flag_id)
        dismissed = self.registry.dismiss_duplicate_flag(flag_id, caller.actor())
        self.audit(caller, "update", "duplicate_flag", flag_id, detail="dismissed")
        return json_response(shared(DuplicateFlagOut).dump(dismissed), status=201)


def _jsonable(data: dict) -> dict:
    """Dates from marshmallow back to ISO strings for RPC."""
    import datetime

    def convert(value):
        if isinstance(value, (datetime.date, datetime.datetime)):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        if isinstance(value, list):
            return [convert(v) for v in value]
        return value

    return convert(data)


def _is_nik_lookup(query: dict) -> bool:
    digits = "".join(str(query.get("q", "")).replace(".", "").split())
    return "nik" in query or (len(digits) == 16 and digits.isdigit())
