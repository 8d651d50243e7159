"""Entrypoints of the training service. Thin: each hands its arguments to a domain module with the unit of work.

The platform commits the unit of work (data and events together) after the entrypoint returns,
and rolls it back when it raises; nothing here commits.
"""
from inklusi_platform.consumer import event_handler
from inklusi_platform.contracts.problems import CONSENT_PURPOSE
from inklusi_platform.contracts.training import ENROLMENT_CONSENTS
from inklusi_platform.entrypoints import rpc
from inklusi_platform.errors import Unavailable
from inklusi_platform.rpc_client import ServiceClient, ServiceTimeout
from inklusi_platform.service import ServiceBase
from training import accommodations, attendance, calendar, catalogue, enrolment, history, trainings
from training.needs import advocacy, problems, reports

REGISTRY_TIMEOUT_SECONDS = 5


class TrainingService(ServiceBase):
    name = "training"

    registry = ServiceClient("registry")

    def _profiles(self, person_ids: list[str]) -> dict[str, dict]:
        """The registry's facts (status, consents, categories, format) by person id; unknown ids left out."""
        if not person_ids:
            return {}
        try:
            found = self.registry.participant_profiles(person_ids, timeout=REGISTRY_TIMEOUT_SECONDS)
        except ServiceTimeout:
            raise Unavailable("Registry tidak menjawab; coba lagi sebentar lagi.", {"retry_after": 5}) from None
        return {profile["person_id"]: profile for profile in found}

    def _profile(self, person_id) -> dict | None:
        return self._profiles([person_id]).get(person_id) if isinstance(person_id, str) else None

    # --- programmes, venues, trainers ------------------------------------------------------------

    @rpc
    def create_programme(self, data: dict, actor: dict) -> dict:
        return catalogue.create_programme(self.db, data, actor)

    @rpc
    def list_programmes(self, limit=None, cursor=None) -> dict:
        return catalogue.list_programmes(self.db, limit, cursor)

    @rpc
    def get_programme(self, programme_id: str) -> dict:
        return catalogue.get_programme(self.db, programme_id)

    @rpc
    def create_venue(self, data: dict, actor: dict) -> dict:
        return catalogue.create_venue(self.db, data, actor)

    @rpc
    def list_venues(self, areas, limit=None, cursor=None) -> dict:
        return catalogue.list_venues(self.db, areas, limit, cursor)

    @rpc
    def create_trainer(self, data: dict, actor: dict) -> dict:
        return catalogue.create_trainer(self.db, data, actor)

    @rpc
    def list_trainers(self, limit=None, cursor=None) -> dict:
        return catalogue.list_trainers(self.db, limit, cursor)

    # --- trainings and sessions ------------------------------------------------------------------

    @rpc
    def create_training(self, data: dict, actor: dict) -> dict:
        return trainings.create_training(self.db, data, actor)

    @rpc
    def get_training(self, training_id: str) -> dict:
        return trainings.get_training(self.db, training_id)

    @rpc
    def list_trainings(self, areas, filters=None, limit=None, cursor=None) -> dict:
        return trainings.list_trainings(self.db, areas, filters, limit, cursor)

    @rpc
    def list_sessions(self, training_id: str) -> list:
        return trainings.list_sessions(self.db, training_id)

    @rpc
    def add_session(self, training_id: str, data: dict, actor: dict) -> dict:
        return trainings.add_session(self.db, training_id, data, actor)

    @rpc
    def reschedule_session(self, training_id: str, session_id: str, data: dict, expected_version, actor: dict) -> dict:
        return trainings.reschedule_session(self.db, training_id, session_id, data, expected_version, actor)

    @rpc
    def cancel_session(self, training_id: str, session_id: str, data: dict, actor: dict) -> dict:
        return trainings.cancel_session(self.db, training_id, session_id, data, actor)

    @rpc
    def confirm_session(self, training_id: str, session_id: str, actor: dict) -> dict:
        return trainings.confirm_session(self.db, training_id, session_id, actor)

    # --- enrolments, accommodations, attendance --------------------------------------------------

    @rpc
    def enrol(self, training_id: str, data: dict, actor: dict) -> dict:
        profile = self._profile(data.get("person_id") if isinstance(data, dict) else None)
        return enrolment.enrol(self.db, training_id, data, profile, actor)

    @rpc
    def list_enrolments(self, training_id: str, include_cancelled: bool = False) -> list:
        return enrolment.list_enrolments(self.db, training_id, include_cancelled)

    @rpc
    def cancel_enrolment(self, training_id: str, enrolment_id: str, actor: dict) -> dict:
        return enrolment.cancel(self.db, training_id, enrolment_id, actor)

    @rpc
    def accommodations(self, training_id: str) -> dict:
        return accommodations.gather(self.db, training_id)

    @rpc
    def sessions_missing_accommodations(self, within_days: int) -> list:
        return accommodations.missing_before(self.db, within_days)

    @rpc
    def record_arrangement(self, training_id: str, data: dict, actor: dict) -> dict:
        return accommodations.record_arrangement(self.db, training_id, data, actor)

    @rpc
    def record_attendance(self, training_id: str, data: dict, actor: dict) -> dict:
        share = attendance.check_share(self.config.get("COMPLETION_SHARE", 0.75))
        return attendance.record_sheet(self.db, training_id, data, actor, share)

    @rpc
    def get_attendance(self, training_id: str) -> dict:
        return attendance.attendance_of(self.db, training_id)

    # --- for other services and calendars --------------------------------------------------------

    @rpc
    def completions_of(self, person_ids: list) -> dict:
        return history.completions_of(self.db, person_ids)

    @rpc
    def training_history(self, person_id: str) -> list:
        return history.training_history(self.db, person_id)

    @rpc
    def calendar_feed(self, scope: str, key: str) -> str:
        return calendar.feed(self.db, scope, key)

    # --- the needs inventory -------------------------------------------------------------------

    @rpc
    def raise_problem(self, data: dict, actor: dict) -> dict:
        profiles = self._profiles(problems.person_raiser_ids(data))
        return problems.raise_problem(self.db, data, actor, profiles)

    @rpc
    def get_problem(self, problem_id: str, show_persons: bool = False) -> dict:
        return problems.get_problem(self.db, problem_id, show_persons)

    @rpc
    def list_problems(self, areas, filters=None, limit=None, cursor=None, show_persons: bool = False) -> dict:
        return problems.list_problems(self.db, areas, filters, limit, cursor, show_persons)

    @rpc
    def change_problem(self, problem_id: str, data: dict, expected_version, actor: dict) -> dict:
        return problems.change_problem(self.db, problem_id, data, expected_version, actor)

    @rpc
    def merge_problems(self, problem_id: str, data: dict, actor: dict) -> dict:
        return problems.merge(self.db, problem_id, data, actor)

    @rpc
    def problem_history(self, problem_id: str) -> list:
        return problems.history(self.db, problem_id)

    @rpc
    def add_problem_comment(self, problem_id: str, data: dict, actor: dict) -> dict:
        return problems.add_comment(self.db, problem_id, data, actor)

    @rpc
    def problem_comments(self, problem_id: str) -> list:
        return problems.comments(self.db, problem_id)

    @rpc
    def add_problem_link(self, problem_id: str, data: dict, actor: dict) -> list:
        return problems.add_link(self.db, problem_id, data, actor)

    @rpc
    def problem_links(self, problem_id: str) -> list:
        return problems.links(self.db, problem_id)

    @rpc
    def create_advocacy_action(self, data: dict, actor: dict) -> dict:
        return advocacy.create_action(self.db, data, actor)

    @rpc
    def list_advocacy_actions(self, areas, limit=None, cursor=None) -> dict:
        return advocacy.list_actions(self.db, areas, limit, cursor)

    @rpc
    def problem_stats(self, areas) -> dict:
        return reports.stats(self.db, areas)

    @rpc
    def problem_export_rows(self, areas) -> list:
        return reports.export_rows(self.db, areas)

    # --- registry events -------------------------------------------------------------------------

    @event_handler("registry", "person_deceased")
    def on_person_deceased(self, event):
        enrolment.cancel_for_person(self.db, event.payload["person_id"], "person_deceased")

    @event_handler("registry", "consent_withdrawn")
    def on_consent_withdrawn(self, event):
        if event.payload["purpose"] in ENROLMENT_CONSENTS:
            enrolment.cancel_for_person(self.db, event.payload["person_id"], "consent_withdrawn")
        if event.payload["purpose"] == CONSENT_PURPOSE:
            problems.forget_person(self.db, event.payload["person_id"])

    @event_handler("registry", "persons_merged")
    def on_persons_merged(self, event):
        enrolment.merge_person(self.db, event.payload["kept_person_id"], event.payload["merged_person_id"])
        problems.merge_person(self.db, event.payload["kept_person_id"], event.payload["merged_person_id"])
