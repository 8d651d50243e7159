"""The registry's RPC entrypoints through nameko's worker_factory: no broker, a real SQLite unit of work.

Every answer must survive JSON (it crosses RPC that way), and refusals must be the platform's errors.
"""
import json
from datetime import date

import pytest
from nameko.testing.services import worker_factory

from inklusi_platform.errors import Conflict, NotFound, PreconditionFailed, ValidationFailed
from registry import history
from registry.service import RegistryService

TODAY = date(2025, 6, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(history, "today", lambda: TODAY)


@pytest.fixture
def service(uow):
    return worker_factory(RegistryService, db=uow)


def registration(name="Siti Aminah", serial=1, desa="35.07.25.2001"):
    return {
        "nik": f"35072552039{serial:05d}", "name": name, "birth_date": "1990-03-12", "sex": "P",
        "desa_code": desa, "phone": "081234567890",
        "disability": {"categories": ["fisik"], "functional_limitations": ["berjalan jauh"]},
        "consent": {"purpose": "pendataan", "given_by": "self", "form": "read_aloud", "given_on": "2025-05-01"},
        "communication": {"channels": ["whatsapp"], "language": "jv", "format": "easy_read", "copy_guardian": False},
    }


def through_json(value):
    return json.loads(json.dumps(value))


def test_register_read_list_and_update(service, uow, actor):
    person = service.register_person(registration(), actor)
    assert through_json(person) == person
    assert service.get_person(person["id"])["communication"]["language"] == "jv"

    listed = service.list_persons(["35.07.25"], {"q": "siti"}, 10, None)
    assert [p["id"] for p in listed["items"]] == [person["id"]] and listed["next_cursor"] is None

    updated = service.update_person(person["id"], {"email": "siti@example.org"}, 1, actor)
    assert updated["version"] == 2 and through_json(updated) == updated
    with pytest.raises(PreconditionFailed):
        service.update_person(person["id"], {"email": "lain@example.org"}, 1, actor)

    page = service.get_history(person["id"], 2, None)
    assert [e["action"] for e in page["items"]] == ["updated", "consent_recorded"]
    assert page["next_cursor"] and through_json(page) == page


def test_refusals_are_platform_errors(service, actor):
    with pytest.raises(NotFound):
        service.get_person("nobody")
    bad = registration()
    bad["nik"] = "1234"
    with pytest.raises(ValidationFailed) as failed:
        service.register_person(bad, actor)
    assert failed.value.details["nik"][0]["code"] == "nik.length"
    service.register_person(registration(), actor)
    with pytest.raises(Conflict):
        service.register_person(registration(name="Lain"), actor)


def test_consents(service, actor):
    person = service.register_person(registration(), actor)
    given = service.record_consent(person["id"], {"purpose": "komunikasi", "given_by": "self",
                                                  "form": "written", "given_on": "2025-05-05"}, actor)
    withdrawn = service.withdraw_consent(person["id"], given["id"], "ganti nomor", actor)
    assert withdrawn["active"] is False
    listed = service.list_consents(person["id"])
    assert [c["purpose"] for c in listed] == ["pendataan", "komunikasi"] and through_json(listed) == listed


def test_duplicates_and_merging(service, actor):
    keep = service.register_person(registration(), actor)
    dup = service.register_person(registration(name="Siti Aminah", serial=2), actor)
    assert dup["likely_duplicates"] == [{"person_id": keep["id"], "score": 100.0}]
    [flag] = service.list_duplicate_flags(["35.07"], 10, None)["items"]
    assert through_json(flag) == flag
    assert (flag["person_id"], flag["candidate_id"]) == (dup["id"], keep["id"])

    kept = service.merge_persons(keep["id"], dup["id"], actor)
    assert kept["id"] == keep["id"]
    assert service.get_person(dup["id"])["merged_into"] == keep["id"]
    with pytest.raises(Conflict):
        service.dismiss_duplicate_flag(flag["id"], actor)  # the merge settled it


def test_lookups_for_other_services(service, actor):
    person = service.register_person(registration(), actor)
    assert service.person_area(person["id"]) == {"person_id": person["id"], "desa_code": "35.07.25.2001",
                                                 "kecamatan_code": "35.07.25", "status": "active"}
    facts = service.persons_by_ids([person["id"], "nobody"])
    assert [f["person_id"] for f in facts] == [person["id"]] and through_json(facts) == facts
    contact = service.contact_details(person["id"])
    assert contact["may_contact"] is True and contact["channels"] == ["whatsapp"]
