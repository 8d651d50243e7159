"""Consents: recorded per purpose, withdrawn on the record and never deleted."""
from datetime import date

import pytest
import sqlalchemy as sa

from inklusi_platform.errors import Conflict, NotFound, ValidationFailed
from registry import consents, history, persons
from registry.models.persons import Consent

TODAY = date(2025, 6, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(history, "today", lambda: TODAY)


def register(uow, actor, name="Siti Aminah", serial=1, **extra):
    data = {
        "nik": f"35072552039{serial:05d}", "name": name, "birth_date": "1990-03-12", "sex": "P",
        "desa_code": "35.07.25.2001", "phone": "081234567890", "disability": {"categories": ["sensorik"]},
        "consent": {"purpose": "pendataan", "given_by": "self", "form": "sign_language", "given_on": "2025-05-01"},
    }
    data.update(extra)
    return persons.register_person(uow, data, actor)


def consent(purpose="komunikasi", **extra):
    return {"purpose": purpose, "given_by": "self", "form": "easy_read", "given_on": "2025-05-20", **extra}


def test_registration_consent_is_listed(uow, actor):
    person = register(uow, actor)
    [given] = consents.list_consents(uow, person["id"])
    assert given["purpose"] == "pendataan" and given["form"] == "sign_language"
    assert given["given_on"] == "2025-05-01"
    assert given["recorded_by"] == {"user_id": "u-staff", "org_id": "lingkar-sosial"}
    assert given["active"] is True and given["withdrawn_on"] is None and given["withdrawn_by"] is None


def test_recording_a_consent_makes_its_purpose_active(uow, actor):
    person = register(uow, actor)
    recorded = consents.record_consent(uow, person["id"], consent(), actor)
    assert recorded["purpose"] == "komunikasi" and recorded["active"] is True
    assert persons.get_person(uow, person["id"])["consent_active"] == ["pendataan", "komunikasi"]
    entry = history.get_history(uow, person["id"], 1, None)["items"][0]
    assert entry["action"] == "consent_recorded"
    assert entry["changes"]["consent_active"] == [["pendataan"], ["pendataan", "komunikasi"]]


def test_a_purpose_already_consented_is_a_conflict(uow, actor):
    person = register(uow, actor)
    with pytest.raises(Conflict) as conflict:
        consents.record_consent(uow, person["id"], consent("pendataan"), actor)
    assert conflict.value.details["consent_id"] == consents.list_consents(uow, person["id"])[0]["id"]


def test_a_bad_consent_is_refused_with_every_reason_and_not_stored(uow, actor):
    person = register(uow, actor)
    with pytest.raises(ValidationFailed) as failed:
        consents.record_consent(uow, person["id"], consent("jualan", given_by="guardian", given_on="2025-06-02",
                                                           form="lisan"), actor)
    assert set(failed.value.details) == {"purpose", "form", "given_by", "given_on"}
    assert "wali" in failed.value.details["given_by"][0]
    assert "belum terjadi" in failed.value.details["given_on"][0]
    assert len(consents.list_consents(uow, person["id"])) == 1


def test_a_child_consents_through_the_guardian(uow, actor):
    child = register(uow, actor, name="Bima", nik="3507251708150001", birth_date="2015-08-17", sex="L",
                     guardian={"name": "Sri", "relation": "ibu"},
                     consent={"purpose": "pendataan", "given_by": "guardian", "form": "written",
                              "given_on": "2025-05-01"})
    with pytest.raises(ValidationFailed) as failed:
        consents.record_consent(uow, child["id"], consent("pelatihan"), actor)
    assert "wali" in failed.value.details["given_by"][0]
    assert consents.record_consent(uow, child["id"], consent("pelatihan", given_by="guardian"), actor)["active"]


def test_withdrawal_is_recorded_and_announced(uow, actor):
    person = register(uow, actor)
    given = consents.record_consent(uow, person["id"], consent(), actor)
    uow.emitted.clear()

    withdrawn = consents.withdraw_consent(uow, person["id"], given["id"], "  Tidak mau   dihubungi ", actor)
    assert withdrawn["active"] is False
    assert withdrawn["withdrawn_on"] == "2025-06-01"
    assert withdrawn["withdrawn_by"] == {"user_id": "u-staff", "org_id": "lingkar-sosial"}
    assert withdrawn["withdrawal_reason"] == "Tidak mau dihubungi"
    [event] = uow.emitted
    assert event["type"] == "registry.consent_withdrawn"
    assert event["payload"] == {"person_id": person["id"], "kecamatan_code": "35.07.25",
                                "consent_id": given["id"], "purpose": "komunikasi"}
    assert persons.get_person(uow, person["id"])["consent_active"] == ["pendataan"]
    # Never deleted: both consents are still on record.
    assert [c["active"] for c in consents.list_consents(uow, person["id"])] == [True, False]
    assert history.get_history(uow, person["id"], 1, None)["items"][0]["action"] == "consent_withdrawn"


def test_a_purpose_can_be_consented_again_after_withdrawal(uow, actor):
    person = register(uow, actor)
    given = consents.record_consent(uow, person["id"], consent(), actor)
    consents.withdraw_consent(uow, person["id"], given["id"], "pindah nomor", actor)
    again = consents.record_consent(uow, person["id"], consent(), actor)
    assert again["id"] != given["id"] and again["active"]


def test_withdrawing_twice_is_a_conflict(uow, actor):
    person = register(uow, actor)
    given = consents.record_consent(uow, person["id"], consent(), actor)
    consents.withdraw_consent(uow, person["id"], given["id"], "alasan", actor)
    uow.emitted.clear()
    with pytest.raises(Conflict):
        consents.withdraw_consent(uow, person["id"], given["id"], "lagi", actor)
    assert uow.emitted == []


def test_withdrawal_needs_a_reason_and_keeps_the_consent_otherwise(uow, actor):
    person = register(uow, actor)
    given = consents.record_consent(uow, person["id"], consent(), actor)
    for reason in ("   ", None, "x" * 301):
        with pytest.raises(ValidationFailed) as failed:
            consents.withdraw_consent(uow, person["id"], given["id"], reason, actor)
        assert "reason" in failed.value.details
    assert uow.session.get(Consent, given["id"]).withdrawn_on is None


def test_a_consent_is_withdrawn_only_through_its_own_person(uow, actor):
    siti = register(uow, actor)
    rina = register(uow, actor, name="Rina", serial=2)
    given = consents.record_consent(uow, siti["id"], consent(), actor)
    with pytest.raises(NotFound):
        consents.withdraw_consent(uow, rina["id"], given["id"], "salah orang", actor)
    with pytest.raises(NotFound):
        consents.list_consents(uow, "nobody")


def test_no_consent_is_recorded_for_a_closed_record(uow, actor):
    person = register(uow, actor)
    persons.update_person(uow, person["id"], {"status": "deceased"}, None, actor)
    with pytest.raises(Conflict):
        consents.record_consent(uow, person["id"], consent(), actor)
    assert uow.session.scalar(sa.select(sa.func.count()).select_from(Consent)) == 1


def test_active_purposes_of_many_persons_at_once(uow, actor):
    siti = register(uow, actor)
    rina = register(uow, actor, name="Rina", serial=2)
    consents.record_consent(uow, rina["id"], consent("pelatihan"), actor)
    assert consents.active_purposes(uow, [siti["id"], rina["id"], "nobody"]) == {
        siti["id"]: ["pendataan"], rina["id"]: ["pendataan", "pelatihan"], "nobody": []}
