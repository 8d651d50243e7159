"""The funding service's entrypoints through nameko's worker_factory: no broker, a real SQLite unit of work,
registry and training answered by plain stand-ins. Answers must survive JSON (they cross RPC that way)."""
import base64
import json
from datetime import UTC, datetime

import pytest
from nameko.testing.services import worker_factory

from funding.service import FundingService
from inklusi_platform import topology
from inklusi_platform.envelope import Event
from tests.support.funding_cases import STAFF, members_for, person, plan

PERSONS = [person(f"p{i}") for i in range(1, 7)]


class Registry:
    def persons_by_ids(self, ids, timeout=None):
        return [p for p in PERSONS if p["person_id"] in ids]


@pytest.fixture
def service(uow, tmp_path):
    return worker_factory(FundingService, db=uow, registry=Registry(), training=None,
                          config={"FUNDING_STORAGE_DIR": str(tmp_path)})


def registry_event(name: str, payload: dict) -> Event:
    return Event(event_id="e-1", type=f"registry.{name}", version=1, occurred_at=datetime.now(UTC),
                 source="registry", correlation_id="c-1", payload=payload)


@pytest.fixture
def submitted(service, kube_programme):
    case = service.open_case({"case_type": "KUBE", "programme_id": kube_programme["id"], "group_name": "KUBE Sekar",
                              "members": members_for([p["person_id"] for p in PERSONS]),
                              "bank_account": {"bank": "BRI", "account_number": "12345678", "holder": "KUBE"},
                              "business_plan": plan()}, STAFF)
    return service.transition_case(case["id"], {"action": "submit"}, case["version"], STAFF)


def test_answers_survive_json(service, submitted):
    for answer in (submitted, service.case_eligibility(submitted["id"]), service.case_history(submitted["id"]),
                   service.list_cases(None), service.list_programmes(), service.funding_stats(None),
                   service.list_reports(submitted["id"])):
        assert json.loads(json.dumps(answer)) == answer


def test_a_consent_withdrawn_for_funding_holds_the_case_and_one_for_messages_does_not(service, submitted):
    service.on_consent_withdrawn(registry_event("consent_withdrawn", {
        "person_id": "p2", "kecamatan_code": "35.07.25", "consent_id": "c", "purpose": "komunikasi"}))
    assert service.get_case(submitted["id"])["state"] == "submitted"
    service.on_consent_withdrawn(registry_event("consent_withdrawn", {
        "person_id": "p2", "kecamatan_code": "35.07.25", "consent_id": "c", "purpose": "pendataan"}))
    assert service.get_case(submitted["id"])["state"] == "on_hold"


def test_a_merged_away_member_holds_the_case(service, submitted):
    service.on_persons_merged(registry_event("persons_merged", {
        "kept_person_id": "p9", "merged_person_id": "p5", "kecamatan_code": "35.07.25"}))
    held = service.get_case(submitted["id"])
    assert held["state"] == "on_hold" and held["hold_reasons"][0]["reason"] == "persons_merged"


def test_a_document_that_is_not_base64_is_refused(service, submitted):
    from inklusi_platform.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        service.add_document(submitted["id"], "ktp", "ktp.jpg", "image/jpeg", "not base64!", STAFF)
    doc = service.add_document(submitted["id"], "ktp", "ktp.jpg", "image/jpeg",
                               base64.b64encode(b"jpeg").decode(), STAFF)
    assert base64.b64decode(service.get_document(submitted["id"], doc["id"])["content_base64"]) == b"jpeg"


def test_migrate_declares_the_queues_of_the_three_registry_events_before_the_service_starts():
    names = {queue.name for queue in topology.service_queues(FundingService)}
    for event, method in (("person_deceased", "on_person_deceased"), ("consent_withdrawn", "on_consent_withdrawn"),
                          ("persons_merged", "on_persons_merged")):
        queue = f"evt-registry-{event}--funding.{method}"
        assert {queue, f"{queue}.retry"} <= names
    assert "funding.dlq" in names


def test_the_timer_announces_reports_falling_due(service, uow, submitted):
    from datetime import timedelta

    from funding.models.cases import Case
    from inklusi_platform import clock

    row = uow.session.get(Case, submitted["id"])
    row.state, row.approved_amount, row.disbursed_amount = "monitoring", 6_000_000, 6_000_000
    row.disbursed_on = clock.today() - timedelta(days=88)  # the first report is due in two days
    service.announce_monitoring_reports()
    service.announce_monitoring_reports()
    assert [e["type"] for e in uow.emitted if "monitoring" in e["type"]] == ["funding.monitoring_report_due"]


def test_case_parties_names_the_members_in_order_and_the_officer_who_opened_the_case(service, submitted):
    parties = service.case_parties(submitted["id"])
    assert parties == {"case_id": submitted["id"], "person_ids": [m["person_id"] for m in submitted["members"]],
                       "officer_id": STAFF["user_id"]}
    assert parties["person_ids"] and json.loads(json.dumps(parties)) == parties
    from inklusi_platform.errors import NotFound
    with pytest.raises(NotFound):
        service.case_parties("tidak-ada")
