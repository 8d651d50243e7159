"""Entrypoints of the funding service: UEP and KUBE business capital cases. Thin: each hands its arguments
to a domain module with the unit of work; the platform commits after the entrypoint returns.
"""
import base64
import binascii
import os

from funding import (
    cases,
    documents,
    eligibility,
    facts,
    monitoring,
    programmes,
    reporting,
    workflow,
)
from inklusi_platform.consumer import event_handler
from inklusi_platform.contracts.funding import CONSENT_PURPOSES
from inklusi_platform.entrypoints import rpc, timer
from inklusi_platform.errors import ValidationFailed
from inklusi_platform.rpc_client import ServiceClient
from inklusi_platform.service import ServiceBase

MONITORING_CHECK_SECONDS = int(os.environ.get("FUNDING_MONITORING_CHECK_SECONDS", "3600"))


class FundingService(ServiceBase):
    name = "funding"

    registry = ServiceClient("registry")
    training = ServiceClient("training")

    def _storage(self) -> str:
        return self.config["FUNDING_STORAGE_DIR"]

    def _rules(self, case_id: str) -> list[dict]:
        inputs = cases.eligibility_inputs(self.db, case_id)
        person_ids = [m["person_id"] for m in inputs.case["members"]]
        persons = facts.persons(self.registry, person_ids)
        done = facts.completions(self.training, person_ids) if inputs.programme.required_training_topic else []
        return eligibility.evaluate(inputs, persons, done)

    # --- programmes -------------------------------------------------------------------------------

    @rpc
    def create_programme(self, data: dict, actor: dict) -> dict:
        return programmes.create_programme(self.db, data, actor)

    @rpc
    def update_programme(self, programme_id: str, changes: dict, expected_version, actor: dict) -> dict:
        return programmes.update_programme(self.db, programme_id, changes, expected_version, actor)

    @rpc
    def list_programmes(self) -> list:
        return programmes.list_programmes(self.db)

    @rpc
    def get_programme(self, programme_id: str) -> dict:
        return programmes.get_programme(self.db, programme_id)

    # --- cases ------------------------------------------------------------------------------------

    @rpc
    def open_case(self, data: dict, actor: dict) -> dict:
        persons = facts.persons(self.registry, cases.person_ids_of(data if isinstance(data, dict) else {}))
        return cases.create_case(self.db, data, actor, persons)

    @rpc
    def get_case(self, case_id: str) -> dict:
        return cases.get_case(self.db, case_id)

    @rpc
    def list_cases(self, areas, filters=None, limit=None, cursor=None) -> dict:
        return cases.list_cases(self.db, areas, filters, limit, cursor)

    @rpc
    def update_case(self, case_id: str, changes: dict, expected_version, actor: dict) -> dict:
        persons = facts.persons(self.registry, cases.person_ids_of(changes if isinstance(changes, dict) else {}))
        return cases.update_case(self.db, case_id, changes, expected_version, actor, persons)

    @rpc
    def transition_case(self, case_id: str, data: dict, expected_version, actor: dict) -> dict:
        needs_rules = isinstance(data, dict) and data.get("action") in ("submit", "resume")
        rules = self._rules(case_id) if needs_rules else None
        return workflow.transition(self.db, case_id, data, expected_version, actor, rules)

    @rpc
    def case_parties(self, case_id: str) -> dict:
        return cases.parties(self.db, case_id)

    @rpc
    def case_history(self, case_id: str) -> list:
        return cases.history(self.db, case_id)

    @rpc
    def case_eligibility(self, case_id: str) -> dict:
        rules = self._rules(case_id)
        return eligibility.report(rules, cases.load_case(self.db, case_id).eligibility_override)

    @rpc
    def override_eligibility(self, case_id: str, data: dict, expected_version, actor: dict) -> dict:
        return workflow.record_override(self.db, case_id, data, expected_version, actor, self._rules(case_id))

    # --- documents --------------------------------------------------------------------------------

    @rpc
    def add_document(self, case_id: str, doc_type: str, file_name: str, content_type: str, content_base64: str,
                     actor: dict) -> dict:
        try:
            content = base64.b64decode(content_base64, validate=True)
        except (binascii.Error, ValueError, TypeError):
            raise ValidationFailed("Berkas tidak terbaca", {"file": ["Isi berkas rusak (bukan base64)."]}) from None
        return documents.store_document(self.db, self._storage(), case_id, doc_type, file_name, content_type,
                                        content, actor)

    @rpc
    def list_documents(self, case_id: str) -> list:
        return documents.list_documents(self.db, case_id)

    @rpc
    def get_document(self, case_id: str, document_id: str) -> dict:
        meta, content = documents.read_document(self.db, self._storage(), case_id, document_id)
        return {**meta, "content_base64": base64.b64encode(content).decode("ascii")}

    # --- monitoring and reporting -----------------------------------------------------------------

    @rpc
    def record_report(self, case_id: str, data: dict, actor: dict) -> dict:
        return monitoring.record_report(self.db, case_id, data, actor)

    @rpc
    def list_reports(self, case_id: str) -> list:
        return monitoring.list_reports(self.db, case_id)

    @rpc
    def funding_stats(self, areas) -> dict:
        return reporting.funding_stats(self.db, areas)

    @timer(interval=MONITORING_CHECK_SECONDS)
    def announce_monitoring_reports(self):
        monitoring.announce(self.db)

    # --- registry events: a member died, withdrew consent or was merged away -----------------------

    @event_handler("registry", "person_deceased")
    def on_person_deceased(self, event):
        workflow.hold_cases_of(self.db, event.payload["person_id"], "person_deceased")

    @event_handler("registry", "consent_withdrawn")
    def on_consent_withdrawn(self, event):
        if event.payload["purpose"] in CONSENT_PURPOSES:  # other purposes do not touch funding
            workflow.hold_cases_of(self.db, event.payload["person_id"], "consent_withdrawn")

    @event_handler("registry", "persons_merged")
    def on_persons_merged(self, event):
        workflow.hold_cases_of(self.db, event.payload["merged_person_id"], "persons_merged")
