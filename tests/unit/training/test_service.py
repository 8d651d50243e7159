"""The training service's entrypoints through nameko's worker_factory: no broker, a real SQLite unit of work."""
import uuid
from datetime import UTC, datetime

import pytest
from nameko.testing.services import worker_factory

from inklusi_platform.envelope import Event
from inklusi_platform.errors import NotFound, Unavailable, ValidationFailed
from inklusi_platform.rpc_client import ServiceTimeout
from tests.unit.training.conftest import ACTOR, make_training, profile
from training import service as service_module
from training.service import TrainingService


def event(name, payload):
    return Event(event_id=str(uuid.uuid4()), type=f"registry.{name}", version=1, occurred_at=datetime.now(UTC),
                 source="registry", correlation_id="corr-1", payload=payload)


@pytest.fixture
def service(uow):
    worker = worker_factory(TrainingService, db=uow, config={"COMPLETION_SHARE": 0.75})
    worker.registry.participant_profiles.side_effect = lambda ids, timeout=None: [
        profile(i) for i in ids if i != "ghost"]
    return worker


def test_enrolment_asks_the_registry_and_events_cancel_or_move_enrolments(service, uow, setting):
    training = make_training(uow, setting)
    for person in ("a", "b", "c"):
        service.enrol(training["id"], {"person_id": person}, ACTOR)
    service.registry.participant_profiles.assert_called_with(["c"], timeout=service_module.REGISTRY_TIMEOUT_SECONDS)
    with pytest.raises(NotFound):
        service.enrol(training["id"], {"person_id": "ghost"}, ACTOR)

    service.on_person_deceased(event("person_deceased", {"person_id": "a", "kecamatan_code": "35.07.25"}))
    service.on_consent_withdrawn(event("consent_withdrawn", {"person_id": "b", "kecamatan_code": "35.07.25",
                                                             "consent_id": "k", "purpose": "komunikasi"}))
    service.on_persons_merged(event("persons_merged", {"kept_person_id": "d", "merged_person_id": "c",
                                                       "kecamatan_code": "35.07.25"}))
    statuses = {e["person_id"]: (e["status"], e["cancel_reason"])
                for e in service.list_enrolments(training["id"], True)}
    # consent for komunikasi alone does not touch training; c's place moved to d and was promoted
    assert statuses == {"a": ("cancelled", "person_deceased"), "b": ("confirmed", None), "d": ("confirmed", None)}
    assert service.completions_of(["d"]) == {"d": []}


def test_a_registry_that_does_not_answer_is_unavailable(service, uow, setting):
    service.registry.participant_profiles.side_effect = ServiceTimeout("registry", "participant_profiles")
    training = make_training(uow, setting)
    with pytest.raises(Unavailable):
        service.enrol(training["id"], {"person_id": "a"}, ACTOR)


def test_a_problem_names_a_person_the_registry_says_consented_until_the_consent_is_withdrawn(service):
    service.registry.participant_profiles.side_effect = lambda ids, timeout=None: [
        profile(i, consents=("pendataan", "inventarisasi_masalah")) for i in ids if i != "ghost"]
    body = {"title": "Akses terapi", "description": "Terapi anak sulit dijangkau.", "field": "layanan",
            "area_code": "35.73.03", "people_affected": 3,
            "raisers": [{"kind": "person", "ref_id": "p1"}, {"kind": "organisasi", "organisation": "HWDI"}]}
    made = service.raise_problem(body, ACTOR)
    service.registry.participant_profiles.assert_called_with(["p1"], timeout=service_module.REGISTRY_TIMEOUT_SECONDS)
    person = [r for r in made["raisers"] if r["kind"] == "person"]  # raisers of one day: in no set order
    assert person[0]["ref_id"] == "p1"
    service.on_persons_merged(event("persons_merged", {"kept_person_id": "p2", "merged_person_id": "p1",
                                                       "kecamatan_code": "35.73.03"}))
    assert "p2" in [r["ref_id"] for r in service.get_problem(made["id"], True)["raisers"]]
    service.on_consent_withdrawn(event("consent_withdrawn", {"person_id": "p2", "kecamatan_code": "35.73.03",
                                                             "consent_id": "k", "purpose": "inventarisasi_masalah"}))
    after = service.get_problem(made["id"], True)
    assert after["raiser_counts"]["person"] == 1 and "p2" not in str(after["raisers"])
    with pytest.raises(ValidationFailed):
        service.raise_problem(body | {"raisers": [{"kind": "person", "ref_id": "ghost"}]}, ACTOR)
