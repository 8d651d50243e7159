"""Contact details for notify: how a person wants to be reached, and whether we may."""
from datetime import date

import pytest

from inklusi_platform.errors import NotFound
from registry import consents, contacts, history, persons

TODAY = date(2025, 6, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(history, "today", lambda: TODAY)


def register(uow, actor, **extra):
    data = {
        "nik": "3507255203900001", "name": "Siti Aminah", "birth_date": "1990-03-12", "sex": "P",
        "desa_code": "35.07.25.2001", "phone": "081234567890", "email": "siti@example.org",
        "disability": {"categories": ["sensorik"]},
        "guardian": {"name": "Sutrisno", "relation": "suami", "phone": "081330001234"},
        "consent": {"purpose": "pendataan", "given_by": "self", "form": "written", "given_on": "2025-05-01"},
    }
    data.update(extra)
    return persons.register_person(uow, data, actor)


def test_an_active_person_with_consent_may_be_contacted(uow, actor):
    person = register(uow, actor, communication={"channels": ["sms", "whatsapp"], "format": "large_print"})
    assert contacts.contact_details(uow, person["id"]) == {
        "person_id": person["id"], "status": "active", "channels": ["sms", "whatsapp"], "language": "id",
        "format": "large_print", "phone": "+6281234567890", "email": "siti@example.org",
        "guardian": None, "may_contact": True, "no_voice": False,
    }


def test_the_guardian_is_given_only_when_they_get_a_copy(uow, actor):
    person = register(uow, actor, communication={"copy_guardian": True})
    assert contacts.contact_details(uow, person["id"])["guardian"] == {"name": "Sutrisno",
                                                                       "phone": "+6281330001234"}


def test_withdrawn_consent_stops_contact_unless_another_covers_it(uow, actor):
    person = register(uow, actor)
    [pendataan] = consents.list_consents(uow, person["id"])
    komunikasi = consents.record_consent(uow, person["id"], {
        "purpose": "komunikasi", "given_by": "self", "form": "written", "given_on": "2025-05-02"}, actor)
    consents.withdraw_consent(uow, person["id"], pendataan["id"], "tidak mau didata", actor)
    assert contacts.contact_details(uow, person["id"])["may_contact"] is True
    consents.withdraw_consent(uow, person["id"], komunikasi["id"], "tidak mau dihubungi", actor)
    assert contacts.contact_details(uow, person["id"])["may_contact"] is False


def test_training_consent_alone_does_not_allow_messages(uow, actor):
    person = register(uow, actor)
    consents.record_consent(uow, person["id"], {
        "purpose": "pelatihan", "given_by": "self", "form": "written", "given_on": "2025-05-02"}, actor)
    [pendataan] = [c for c in consents.list_consents(uow, person["id"]) if c["purpose"] == "pendataan"]
    consents.withdraw_consent(uow, person["id"], pendataan["id"], "alasan", actor)
    assert contacts.contact_details(uow, person["id"])["may_contact"] is False


@pytest.mark.parametrize("changes", [{"status": "deceased"}, {"status": "moved_away"},
                                     {"communication": {"channels": ["none"]}}])
def test_no_contact_with_a_closed_record_or_a_person_who_said_no(uow, actor, changes):
    person = register(uow, actor)
    persons.update_person(uow, person["id"], changes, None, actor)
    assert contacts.contact_details(uow, person["id"])["may_contact"] is False


def test_unknown_person(uow):
    with pytest.raises(NotFound):
        contacts.contact_details(uow, "nobody")


@pytest.mark.parametrize("disability, deaf", [
    ({"categories": ["sensorik"], "functional_limitations": ["tidak bisa mendengar"]}, True),
    ({"categories": ["sensorik"], "assistive_devices": ["Alat bantu dengar"]}, True),
    ({"categories": ["sensorik", "fisik"], "functional_limitations": ["Tuli sejak lahir"]}, True),
    ({"categories": ["sensorik"], "functional_limitations": ["tidak bisa melihat"],
      "assistive_devices": ["tongkat putih"]}, False),  # blind: a voice call may be just right
    ({"categories": ["fisik"]}, False),
])
def test_no_voice_says_only_whether_a_call_would_reach_the_person(uow, actor, disability, deaf):
    person = register(uow, actor, disability=disability)
    answer = contacts.contact_details(uow, person["id"])
    assert answer["no_voice"] is deaf
    # The answer carries the yes/no, never what it was read from.
    assert not {"categories", "functional_limitations", "assistive_devices", "diagnosis"} & set(answer)
