"""The facts the training service enrols on: eligibility and accommodation facts, no names or contacts."""
from registry import participants, persons
from tests.unit.registry.test_persons import registration


def test_participant_profiles_add_the_communication_format_to_the_eligibility_facts(uow, actor):
    plain = persons.register_person(uow, registration(name="Ani"), actor)
    easy = persons.register_person(uow, registration(name="Budi", sex="L", serial=2, communication={
        "channels": ["sms"], "language": "id", "format": "easy_read", "copy_guardian": False}), actor)
    found = participants.participant_profiles(uow, [easy["id"], "unknown", plain["id"]])
    assert [(p["person_id"], p["format"]) for p in found] == [(easy["id"], "easy_read"), (plain["id"], "plain_text")]
    assert set(found[0]) == {"person_id", "age", "kecamatan_code", "desa_code", "status", "consent_active",
                             "categories", "format"}
    assert participants.participant_profiles(uow, []) == []
