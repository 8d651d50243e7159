"""A person's history: every change with who made it and when, newest first, paged."""
from datetime import date, datetime

import pytest

from inklusi_platform.errors import NotFound, ValidationFailed
from registry import history, persons

TODAY = date(2025, 6, 1)
OTHER = {"user_id": "u-ppd", "org_id": "ppd-kemensos", "name": "Pendamping"}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(history, "today", lambda: TODAY)


@pytest.fixture
def person(uow, actor):
    return persons.register_person(uow, {
        "nik": "3507255203900001", "name": "Siti Aminah", "birth_date": "1990-03-12", "sex": "P",
        "desa_code": "35.07.25.2001", "disability": {"categories": ["fisik"], "diagnosis": "polio"},
        "consent": {"purpose": "pendataan", "given_by": "self", "form": "written", "given_on": "2025-05-01"},
    }, actor)


def test_creation_is_the_first_entry_with_what_was_recorded(uow, person):
    entries = history.get_history(uow, person["id"], 10, None)["items"]
    created = entries[-1]
    assert created["action"] == "created"
    assert created["actor"] == {"user_id": "u-staff", "org_id": "lingkar-sosial"}
    assert created["changes"]["name"] == [None, "Siti Aminah"]
    assert created["changes"]["birth_date"] == [None, "1990-03-12"]
    assert created["changes"]["disability.categories"] == [None, ["fisik"]]
    assert "phone" not in created["changes"]  # nothing given, nothing recorded
    assert datetime.fromisoformat(created["at"]).tzinfo is not None


def test_entries_are_newest_first_and_name_their_actor(uow, person, actor):
    persons.update_person(uow, person["id"], {"name": "Siti A."}, None, OTHER)
    persons.update_person(uow, person["id"], {"desa_code": "35.07.25.2002"}, None, actor)
    entries = history.get_history(uow, person["id"], 10, None)["items"]
    assert [e["action"] for e in entries] == ["moved", "updated", "consent_recorded", "created"]
    assert entries[1]["actor"] == {"user_id": "u-ppd", "org_id": "ppd-kemensos"}
    assert set(entries[0]) == {"at", "actor", "action", "changes"}


def test_history_pages_with_a_cursor(uow, person, actor):
    for n in range(5):
        persons.update_person(uow, person["id"], {"name": f"Siti {n}"}, None, actor)
    first = history.get_history(uow, person["id"], 3, None)
    second = history.get_history(uow, person["id"], 3, first["next_cursor"])
    third = history.get_history(uow, person["id"], 3, second["next_cursor"])
    names = [e["changes"].get("name", [None, None])[1] for e in first["items"] + second["items"]]
    assert names[:5] == ["Siti 4", "Siti 3", "Siti 2", "Siti 1", "Siti 0"]
    assert [e["action"] for e in third["items"]] == ["created"] and third["next_cursor"] is None


def test_unknown_person_and_bad_cursor_are_refused(uow, person):
    with pytest.raises(NotFound):
        history.get_history(uow, "nobody", 10, None)
    with pytest.raises(ValidationFailed):
        history.get_history(uow, person["id"], 10, "@@@")
    with pytest.raises(ValidationFailed):
        history.get_history(uow, person["id"], 0, None)


def test_values_are_stored_as_json(uow, person, actor):
    persons.update_person(uow, person["id"], {"business": {"started_on": "2024-02-01"}}, None, actor)
    entry = history.get_history(uow, person["id"], 1, None)["items"][0]
    assert entry["changes"] == {"business.started_on": [None, "2024-02-01"]}


def test_a_change_must_name_its_actor(uow, person):
    with pytest.raises(ValidationFailed):
        persons.update_person(uow, person["id"], {"name": "X"}, None, None)
    with pytest.raises(ValidationFailed):
        persons.update_person(uow, person["id"], {"name": "X"}, None, {"user_id": ""})
    assert persons.get_person(uow, person["id"])["name"] == "Siti Aminah"
