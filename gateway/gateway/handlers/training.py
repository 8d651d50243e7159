"""Routes of /v1/programmes, /v1/venues, /v1/trainers, /v1/trainings and /v1/calendar (the training service).

The gateway checks the caller's role and area and the HTTP shape; the training service owns the rules.
A training's area decides who reaches it; ids named in a body are checked by each route's `body_ids`
(a person or pokja outside the caller's area is answered exactly like an unknown id).
"""
from werkzeug.wrappers import Response

from gateway.access import feed_keys
from gateway.bodies import json_response, read_json, read_query
from gateway.handlers.persons import _jsonable
from gateway.presenting import expected_version, record_response
from gateway.problems import HttpProblem
from gateway.routes import route
from gateway.schemas import shared
from gateway.schemas.calendar import FeedKeyCreatedOut, FeedKeyIn, FeedKeysOut, FeedQuery
from gateway.schemas.common import AreaPageQuery, PageQuery
from gateway.schemas.training import (
    AccommodationsOut,
    ArrangementIn,
    AttendanceIn,
    AttendanceOut,
    AttendanceResultOut,
    EnrolmentIn,
    EnrolmentOut,
    EnrolmentQuery,
    ProgrammeIn,
    ProgrammeOut,
    ReasonIn,
    RescheduleIn,
    SessionIn,
    SessionOut,
    TrainerIn,
    TrainerOut,
    TrainingIn,
    TrainingOut,
    TrainingQuery,
    VenueIn,
    VenueOut,
)
from inklusi_platform.errors import NotFound, ValidationFailed

TRAINING_NOT_FOUND = "Pelatihan ini tidak ditemukan."
OUTSIDE = "Wilayah ini di luar wilayah kerja Anda."
CALENDAR_TYPE = "text/calendar; charset=utf-8"


class TrainingRoutes:
    def _training_in_scope(self, caller, training_id: str) -> dict:
        training = self.training.get_training(training_id)
        if not caller.scope.allows(training["area_code"]):
            raise NotFound(TRAINING_NOT_FOUND)
        return training

    def _paged(self, result, schema) -> Response:
        return json_response({"items": [schema.dump(item) for item in result["items"]],
                              "next_cursor": result["next_cursor"]})

    # --- programmes, venues, trainers ------------------------------------------------------------

    @route("POST", "/v1/programmes", summary="Create a training programme", tag="training",
           permission="training:write", body=ProgrammeIn, response=ProgrammeOut, status=201)
    def create_programme(self, request):
        caller = self.guard.caller(request, "training:write")

        def produce():
            programme = self.training.create_programme(read_json(request, shared(ProgrammeIn)), caller.actor())
            self.audit(caller, "create", "programme", programme["id"])
            return json_response(shared(ProgrammeOut).dump(programme), status=201)

        return self.idempotent(request, caller, produce)

    @route("GET", "/v1/programmes", summary="List training programmes", tag="training", permission="training:read",
           query=PageQuery, response=ProgrammeOut, paged=True)
    def list_programmes(self, request):
        self.guard.caller(request, "training:read")
        query = read_query(request, shared(PageQuery))
        return self._paged(self.training.list_programmes(query.get("limit"), query.get("cursor")), shared(ProgrammeOut))

    # A training programme has no area of its own (its trainings do): every training reader sees it.
    @route("GET", "/v1/programmes/<training_programme_id>", summary="Read a programme and the problems it answers",
           tag="training", permission="training:read", response=ProgrammeOut, errors=(404,),
           unscoped=("training_programme_id",))
    def get_programme(self, request, training_programme_id):
        self.guard.caller(request, "training:read")
        return json_response(shared(ProgrammeOut).dump(self.training.get_programme(training_programme_id)))

    @route("POST", "/v1/venues", summary="Record a venue and its accessibility features", tag="training",
           permission="training:write", body=VenueIn, response=VenueOut, status=201, errors=(403,))
    def create_venue(self, request):
        caller = self.guard.caller(request, "training:write")

        def produce():
            data = read_json(request, shared(VenueIn))
            if not caller.scope.allows(data["desa_code"]):
                raise HttpProblem(403, OUTSIDE)
            venue = self.training.create_venue(data, caller.actor())
            self.audit(caller, "create", "venue", venue["id"])
            return json_response(shared(VenueOut).dump(venue), status=201)

        return self.idempotent(request, caller, produce)

    @route("GET", "/v1/venues", summary="List venues in the caller's areas", tag="training",
           permission="training:read", query=AreaPageQuery, response=VenueOut, paged=True)
    def list_venues(self, request):
        caller = self.guard.caller(request, "training:read")
        query = read_query(request, shared(AreaPageQuery))
        result = self.training.list_venues(caller.scope.filter_areas(query.get("area")), query.get("limit"),
                                           query.get("cursor"))
        return self._paged(result, shared(VenueOut))

    @route("POST", "/v1/trainers", summary="Record a trainer (name, organisation, topics only)", tag="training",
           permission="training:write", body=TrainerIn, response=TrainerOut, status=201)
    def create_trainer(self, request):
        caller = self.guard.caller(request, "training:write")

        def produce():
            trainer = self.training.create_trainer(read_json(request, shared(TrainerIn)), caller.actor())
            self.audit(caller, "create", "trainer", trainer["id"])
            return json_response(shared(TrainerOut).dump(trainer), status=201)

        return self.idempotent(request, caller, produce)

    @route("GET", "/v1/trainers", summary="List trainers", tag="training", permission="training:participants",
           query=PageQuery, response=TrainerOut, paged=True)
    def list_trainers(self, request):
        caller = self.guard.caller(request, "training:participants")
        query = read_query(request, shared(PageQuery))
        result = self.training.list_trainers(query.get("limit"), query.get("cursor"))
        if result["items"]:
            self.audit(caller, "read", "trainer", [t["id"] for t in result["items"]])
        return self._paged(result, shared(TrainerOut))

    # --- trainings and sessions ------------------------------------------------------------------

    @route("POST", "/v1/trainings", summary="Schedule a training with its sessions (409 names a clash)",
           tag="training", permission="training:write", body=TrainingIn, response=TrainingOut, status=201,
           errors=(403, 409), body_ids={"programme_id": None, "pokja_id": "pokja"})
    def create_training(self, request):
        caller = self.guard.caller(request, "training:write")

        def produce():
            data = read_json(request, shared(TrainingIn))
            if not caller.scope.allows(data["area_code"]):
                raise HttpProblem(403, OUTSIDE)
            training = self.training.create_training(_jsonable(data), caller.actor())
            self.audit(caller, "create", "training", training["id"])
            return record_response(shared(TrainingOut).dump(training), training, status=201,
                                   headers={"Location": f"/v1/trainings/{training['id']}"})

        return self.idempotent(request, caller, produce)

    @route("GET", "/v1/trainings", summary="List trainings in the caller's areas, newest first", tag="training",
           permission="training:read", query=TrainingQuery, response=TrainingOut, paged=True)
    def list_trainings(self, request):
        caller = self.guard.caller(request, "training:read")
        query = read_query(request, shared(TrainingQuery))
        filters = {k: query[k] for k in ("pokja_id", "topic") if k in query}
        result = self.training.list_trainings(caller.scope.filter_areas(query.get("area")), filters,
                                              query.get("limit"), query.get("cursor"))
        return self._paged(result, shared(TrainingOut))

    @route("GET", "/v1/trainings/<training_id>", summary="Read one training with its sessions", tag="training",
           permission="training:read", response=TrainingOut, errors=(404,))
    def get_training(self, request, training_id):
        caller = self.guard.caller(request, "training:read")
        training = self._training_in_scope(caller, training_id)
        return record_response(shared(TrainingOut).dump(training), training)

    @route("GET", "/v1/trainings/<training_id>/sessions", summary="Sessions of a training (times in WIB)",
           tag="training", permission="training:read", response=SessionOut, paged=True, errors=(404,))
    def list_sessions(self, request, training_id):
        caller = self.guard.caller(request, "training:read")
        self._training_in_scope(caller, training_id)
        sessions = self.training.list_sessions(training_id)
        return json_response({"items": [shared(SessionOut).dump(s) for s in sessions], "next_cursor": None})

    @route("POST", "/v1/trainings/<training_id>/sessions", summary="Add a session (409 names a clash)",
           tag="training", permission="training:write", body=SessionIn, response=SessionOut, status=201,
           errors=(404, 409), body_ids={"venue_id": None, "trainer_ids": None})
    def add_session(self, request, training_id):
        caller = self.guard.caller(request, "training:write")
        self._training_in_scope(caller, training_id)

        def produce():
            session = self.training.add_session(training_id, _jsonable(read_json(request, shared(SessionIn))),
                                                caller.actor())
            self.audit(caller, "create", "training_session", training_id)
            return json_response(shared(SessionOut).dump(session), status=201)

        return self.idempotent(request, caller, produce)

    @route("PATCH", "/v1/trainings/<training_id>/sessions/<session_id>",
           summary="Reschedule a session with a reason (needs the training's If-Match; 409 names a clash)",
           tag="training", permission="training:write", body=RescheduleIn, response=SessionOut,
           errors=(404, 409, 412, 428), body_ids={"venue_id": None, "trainer_ids": None})
    def reschedule_session(self, request, training_id, session_id):
        caller = self.guard.caller(request, "training:write")
        training = self._training_in_scope(caller, training_id)
        version = expected_version(request, training)
        data = read_json(request, shared(RescheduleIn))
        session = self.training.reschedule_session(training_id, session_id, _jsonable(data), version, caller.actor())
        self.audit(caller, "update", "training_session", training_id, detail="rescheduled")
        return json_response(shared(SessionOut).dump(session))

    @route("POST", "/v1/trainings/<training_id>/sessions/<session_id>/cancellation",
           summary="Cancel a session with a reason; everyone enrolled is told", tag="training",
           permission="training:write", body=ReasonIn, response=SessionOut, status=201, errors=(404,))
    def cancel_session(self, request, training_id, session_id):
        caller = self.guard.caller(request, "training:write")
        self._training_in_scope(caller, training_id)

        def produce():
            session = self.training.cancel_session(training_id, session_id, read_json(request, shared(ReasonIn)),
                                                   caller.actor())
            self.audit(caller, "update", "training_session", training_id, detail="cancelled")
            return json_response(shared(SessionOut).dump(session), status=201)

        return self.idempotent(request, caller, produce)

    @route("POST", "/v1/trainings/<training_id>/sessions/<session_id>/confirmation",
           summary="Confirm a session: 409 until every accommodation need is arranged or waived", tag="training",
           permission="training:write", response=SessionOut, status=201, errors=(404, 409))
    def confirm_session(self, request, training_id, session_id):
        caller = self.guard.caller(request, "training:write")
        self._training_in_scope(caller, training_id)
        session = self.training.confirm_session(training_id, session_id, caller.actor())
        self.audit(caller, "update", "training_session", training_id, detail="confirmed")
        return json_response(shared(SessionOut).dump(session), status=201)

    # --- enrolments ------------------------------------------------------------------------------

    @route("POST", "/v1/trainings/<training_id>/enrolments",
           summary="Enrol an active registered person; waitlisted when the training is full", tag="training",
           permission="training:write", body=EnrolmentIn, response=EnrolmentOut, status=201, errors=(404, 409),
           body_ids={"person_id": "person"})
    def enrol(self, request, training_id):
        caller = self.guard.caller(request, "training:write")
        self._training_in_scope(caller, training_id)

        def produce():
            data = read_json(request, shared(EnrolmentIn))  # its person's area was checked by body_ids
            enrolment = self.training.enrol(training_id, data, caller.actor())
            self.audit(caller, "create", "enrolment", enrolment["id"], detail=enrolment["status"])
            return json_response(shared(EnrolmentOut).dump(enrolment), status=201)

        return self.idempotent(request, caller, produce)

    @route("GET", "/v1/trainings/<training_id>/enrolments",
           summary="Participants: confirmed, then the waitlist in order", tag="training",
           permission="training:participants", query=EnrolmentQuery, response=EnrolmentOut, paged=True,
           errors=(404,))
    def list_enrolments(self, request, training_id):
        caller = self.guard.caller(request, "training:participants")
        self._training_in_scope(caller, training_id)
        query = read_query(request, shared(EnrolmentQuery))
        enrolments = self.training.list_enrolments(training_id, query["include_cancelled"])
        self.audit(caller, "read", "enrolment", training_id)
        return json_response({"items": [shared(EnrolmentOut).dump(e) for e in enrolments], "next_cursor": None})

    @route("POST", "/v1/trainings/<training_id>/enrolments/<enrolment_id>/cancellation",
           summary="Cancel an enrolment; the first waitlisted person is promoted", tag="training",
           permission="training:write", response=EnrolmentOut, status=201, errors=(404,))
    def cancel_enrolment(self, request, training_id, enrolment_id):
        caller = self.guard.caller(request, "training:write")
        self._training_in_scope(caller, training_id)
        enrolment = self.training.cancel_enrolment(training_id, enrolment_id, caller.actor())
        self.audit(caller, "update", "enrolment", enrolment_id, detail="cancelled")
        return json_response(shared(EnrolmentOut).dump(enrolment), status=201)

    # --- accommodations and attendance -----------------------------------------------------------

    @route("GET", "/v1/trainings/<training_id>/accommodations",
           summary="Each accommodation need, how many participants have it, and whether it is arranged",
           tag="training", permission="training:read", response=AccommodationsOut, errors=(404,))
    def get_accommodations(self, request, training_id):
        caller = self.guard.caller(request, "training:read")
        self._training_in_scope(caller, training_id)
        return json_response(shared(AccommodationsOut).dump(self.training.accommodations(training_id)))

    @route("POST", "/v1/trainings/<training_id>/accommodations",
           summary="Mark a need arranged for a session, or waive it with a reason", tag="training",
           permission="training:write", body=ArrangementIn, response=AccommodationsOut, status=201, errors=(404,),
           body_ids={"session_id": None})
    def record_arrangement(self, request, training_id):
        caller = self.guard.caller(request, "training:write")
        self._training_in_scope(caller, training_id)

        def produce():
            result = self.training.record_arrangement(training_id, read_json(request, shared(ArrangementIn)),
                                                      caller.actor())
            self.audit(caller, "update", "training", training_id, detail="accommodation")
            return json_response(shared(AccommodationsOut).dump(result), status=201)

        return self.idempotent(request, caller, produce)

    @route("POST", "/v1/trainings/<training_id>/attendance",
           summary="Record a session's attendance sheet; completions are announced", tag="training",
           permission="training:write", body=AttendanceIn, response=AttendanceResultOut, status=201,
           errors=(404,), body_ids={"session_id": None})
    def record_attendance(self, request, training_id):
        caller = self.guard.caller(request, "training:write")
        self._training_in_scope(caller, training_id)

        def produce():
            data = read_json(request, shared(AttendanceIn))
            self._sheet_reachable(caller, data["sheet"])
            result = self.training.record_attendance(training_id, data, caller.actor())
            self.audit(caller, "update", "attendance", training_id, detail=data["session_id"])
            return json_response(shared(AttendanceResultOut).dump(result), status=201)

        return self.idempotent(request, caller, produce)

    def _sheet_reachable(self, caller, sheet: list) -> None:
        """Rows naming a person outside the caller's area are refused like rows naming a stranger."""
        if caller.scope.unrestricted:
            return
        ids = list(dict.fromkeys(row["person_id"] for row in sheet))
        homes = {p["person_id"]: p["desa_code"] for p in self.registry.persons_by_ids(ids)}
        outside = [i for i, row in enumerate(sheet) if not caller.scope.allows(homes.get(row["person_id"]))]
        if outside:
            raise ValidationFailed("Beberapa peserta pada daftar hadir tidak terdaftar di pelatihan ini.",
                                   {"sheet": {i: {"person_id": ["Tidak terdaftar (terkonfirmasi) di pelatihan ini."]}
                                              for i in outside}})

    @route("GET", "/v1/trainings/<training_id>/attendance",
           summary="Attendance per session and sessions attended per participant", tag="training",
           permission="training:participants", response=AttendanceOut, errors=(404,))
    def get_attendance(self, request, training_id):
        caller = self.guard.caller(request, "training:participants")
        self._training_in_scope(caller, training_id)
        result = self.training.get_attendance(training_id)
        self.audit(caller, "read", "attendance", training_id)
        return json_response(shared(AttendanceOut).dump(result))

    # --- calendars -------------------------------------------------------------------------------

    @route("GET", "/v1/calendar/<scope>.ics",
           summary="iCalendar feed (WIB): area-<code>, pokja-<id> or person-<id>; a bearer token or ?key=",
           tag="training", permission="training:read", content_type="text/calendar", query=FeedQuery,
           errors=(403, 404))
    def get_calendar(self, request, scope):
        by_key = "key" in request.args and "Authorization" not in request.headers
        caller = self._feed_key_caller(request, scope) if by_key else self.guard.caller(request, "training:read")
        try:
            kind, key = self._calendar_scope(caller, scope)
        except (HttpProblem, NotFound):
            if not by_key:
                raise
            # The account may have lost the area or role since: to the URL's holder, just an unknown feed.
            raise NotFound(feed_keys.FEED_NOT_FOUND) from None
        if kind == "person":
            self.audit(caller, "read", "enrolment", key, detail="calendar via feed key" if by_key else "calendar")
        text = self.training.calendar_feed(kind, key)
        return Response(text, status=200, content_type=CALENDAR_TYPE,
                        headers={"Content-Disposition": f'inline; filename="{scope}.ics"'})

    def _calendar_scope(self, caller, scope: str) -> tuple[str, str]:
        """(kind, key) of a feed the caller may read; 403 or 404 otherwise, as for reading it."""
        kind, _, key = scope.partition("-")
        if kind == "area":
            if not caller.scope.allows(key):
                raise HttpProblem(403, OUTSIDE)
        elif kind == "pokja":
            self.guard.fetch_in_scope(self, caller, "pokja", key)
        elif kind == "person":
            self.guard.require(caller, "training:participants")
            self.guard.fetch_in_scope(self, caller, "person", key)  # get_calendar audits the read
        else:
            raise NotFound("Kalender ini tidak ada; pakai area-<kode>, pokja-<id> atau person-<id>.")
        return kind, key

    def _feed_key_caller(self, request, scope: str):
        """The key's account as it is now, if the key is live, made for this very feed, and its account
        active and still allowed to read calendars. Anything else is the one 404 of an unknown feed: a
        URL found in a calendar app tells nothing about why it stopped working."""
        stored = feed_keys.holder(self.db.session, request.args["key"], scope)
        caller = stored and self.guard.account_caller(self.db.session, stored.subject_kind, stored.subject_id)
        if not caller or not caller.can("training:read"):
            raise NotFound(feed_keys.FEED_NOT_FOUND)
        request.environ["inklusi.caller"] = caller.principal  # for the access log line, as a token's
        return caller

    @route("POST", "/v1/calendar/feeds", summary="A subscription URL for a calendar app (its key shown once)",
           tag="training", permission="training:read", body=FeedKeyIn, response=FeedKeyCreatedOut, status=201,
           errors=(403, 404, 409))
    def create_calendar_feed(self, request):
        caller = self.guard.caller(request, "training:read")
        scope = read_json(request, shared(FeedKeyIn))["scope"]
        self._calendar_scope(caller, scope)
        plain, stored = feed_keys.create(self.db.session, caller.kind, caller.subject, scope)
        self.audit(caller, "create", "calendar_feed", stored.id)
        body = shared(FeedKeyCreatedOut).dump({"id": stored.id, "scope": scope, "created_at": stored.created_at,
                                          "url": f"/v1/calendar/{scope}.ics?key={plain}"})
        return json_response(body, status=201)

    @route("GET", "/v1/calendar/feeds", summary="The caller's calendar subscription keys (never the secret)",
           tag="training", response=FeedKeysOut)
    def list_calendar_feeds(self, request):
        caller = self.guard.caller(request)
        keys = feed_keys.live_keys_of(self.db.session, caller.kind, caller.subject)
        return json_response(shared(FeedKeysOut).dump({"items": keys}))

    @route("DELETE", "/v1/calendar/feeds/<feed_id>", summary="Revoke a calendar subscription key (owner or admin)",
           tag="training", status=204, errors=(404,))
    def revoke_calendar_feed(self, request, feed_id):
        caller = self.guard.caller(request)
        owner = None if caller.can("accounts:manage") else (caller.kind, caller.subject)
        feed_keys.revoke(self.db.session, feed_id, owner)
        self.audit(caller, "delete", "calendar_feed", feed_id)
        return Response(status=204)
