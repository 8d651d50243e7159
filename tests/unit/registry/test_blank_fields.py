"""A blank optional text field means "not given", everywhere a caller can send one (was a 500: TypeError)."""
from datetime import date

import pytest

from inklusi_platform.errors import ValidationFailed
from registry import history, paguyuban, persons
from tests.unit.registry.test_paguyuban import create
from tests.unit.registry.test_persons import nik_for, registration

TODAY = date(2025, 6, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(history, "today", lambda: TODAY)


def test_blank_optional_fields_of_a_registration_are_absent(uow, actor):
    data = registration(phone="", kk="  ", email="",
                        disability={"categories": ["fisik"], "diagnosis": ""},
                        business={"sector": "", "status": " "},
                        communication={"channels": ["none"]})
    person = persons.register_person(uow, data, actor)
    assert (person["phone"], person["kk"], person["email"], person["disability"]["diagnosis"]) == (
        None, None, None, None)
    assert person["business"] is None


def test_a_blank_guardian_phone_is_absent(uow, actor):
    born = date(2015, 2, 3)
    data = registration(born=born, sex="P", nik=nik_for(born, "P"), phone="",
                        guardian={"name": "Ibu Sumi", "relation": "ibu", "phone": ""},
                        consent={"purpose": "pendataan", "given_by": "guardian", "form": "written",
                                 "given_on": "2025-05-01"},
                        communication={"channels": ["none"]})
    person = persons.register_person(uow, data, actor)
    assert person["guardian"] == {"name": "Ibu Sumi", "relation": "ibu", "phone": None}


def test_a_blank_value_clears_an_optional_field_and_is_refused_where_one_is_needed(uow, actor):
    person = persons.register_person(uow, registration(kk="3507250101900001"), actor)
    blanks = {"kk": "", "phone": "  ", "communication": {"channels": ["none"]}}
    changed = persons.update_person(uow, person["id"], blanks, None, actor)
    assert (changed["kk"], changed["phone"]) == (None, None)
    with pytest.raises(ValidationFailed) as refused:
        persons.update_person(uow, person["id"], {"name": "  "}, None, actor)
    assert refused.value.details == {"name": ["Tidak boleh kosong."]}


def test_blank_phone_of_a_paguyuban_member_and_blank_activity_notes(uow, actor):
    group = create(uow, actor)
    member = paguyuban.add_member(uow, group["id"], {"name": "Pak Budi", "relation": "ayah", "phone": ""}, actor)
    assert member["phone"] is None
    activity = paguyuban.record_activity(uow, group["id"], {"kind": "parenting", "title": "Pertemuan",
                                                            "held_on": "2025-05-01", "participants": 3,
                                                            "notes": ""}, actor)
    assert activity["notes"] is None
