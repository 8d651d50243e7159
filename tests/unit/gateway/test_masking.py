"""Masking person records by permission."""
import copy

import pytest

from gateway.access.masking import RULES, mask_person
from gateway.access.roles import RoleBook

PERSON = {
    "id": "p-1", "name": "Siti Aminah", "desa_code": "35.07.25.2001",
    "nik": "3507255203900001", "kk": "3507250101100003", "phone": "+6281234567890", "email": "siti@example.id",
    "guardian": {"name": "Ibu", "relation": "ibu", "phone": "+6281298765432"},
    "disability": {"categories": ["fisik"], "functional_limitations": ["berjalan jauh"],
                   "assistive_devices": ["kursi roda"], "diagnosis": "polio", "notes_health": "kontrol rutin"},
}
ALL = {"persons:read", "persons:read_nik", "persons:read_health"}


def test_nik_and_kk_keep_four_digits_and_twelve_stars():
    masked = mask_person(PERSON, {"persons:read"})
    assert masked["nik"] == "3507************"
    assert masked["kk"] == "3507************"


def test_read_nik_shows_both_numbers():
    shown = mask_person(PERSON, {"persons:read", "persons:read_nik"})
    assert (shown["nik"], shown["kk"]) == (PERSON["nik"], PERSON["kk"])


def test_a_short_malformed_number_is_hidden_whole():
    assert mask_person(PERSON | {"nik": "3507"}, {"persons:read"})["nik"] == "************"


def test_health_details_are_removed_but_categories_stay():
    masked = mask_person(PERSON, {"persons:read", "persons:read_nik"})
    assert masked["disability"] == {"categories": ["fisik"]}


def test_read_health_shows_the_details():
    assert mask_person(PERSON, ALL)["disability"] == PERSON["disability"]


def test_contact_is_masked_without_the_flag():
    masked = mask_person(PERSON, ALL)
    assert masked["phone"] == "+62*******890"
    assert masked["guardian"]["phone"] == "+62*******432"
    assert masked["guardian"]["name"] == "Ibu"
    assert masked["email"] == "s***@example.id"


def test_contact_is_shown_with_the_flag_and_persons_read():
    shown = mask_person(PERSON, {"persons:read"}, show_contact=True)
    assert (shown["phone"], shown["email"], shown["guardian"]["phone"]) == (
        PERSON["phone"], PERSON["email"], PERSON["guardian"]["phone"])


def test_the_flag_alone_does_not_show_contact():
    masked = mask_person(PERSON, set(), show_contact=True)
    assert masked["phone"] == "+62*******890"


@pytest.mark.parametrize("phone, expected", [
    ("081234567890", "*******890"),
    ("+62812", "+62*******"),
    ("12345", "*******"),
])
def test_phone_masking_never_reveals_much_of_an_odd_number(phone, expected):
    assert mask_person(PERSON | {"phone": phone}, set())["phone"] == expected


def test_everything_granted_changes_nothing():
    assert mask_person(PERSON, ALL, show_contact=True) == PERSON


def test_the_input_is_not_changed():
    before = copy.deepcopy(PERSON)
    masked = mask_person(PERSON, set())
    masked["guardian"]["name"] = "lain"
    assert PERSON == before


def test_missing_and_empty_fields_are_left_alone():
    sparse = {"id": "p-2", "nik": "3579015203900002", "kk": None, "phone": None, "guardian": None,
              "disability": {"categories": []}}
    masked = mask_person(sparse, set())
    assert masked == sparse | {"nik": "3579************"}


def test_other_fields_pass_through():
    masked = mask_person(PERSON, set())
    assert (masked["id"], masked["name"], masked["desa_code"]) == ("p-1", "Siti Aminah", "35.07.25.2001")


def test_every_rule_is_lifted_by_a_declared_permission_or_the_contact_flag():
    declared = RoleBook.load().permissions
    assert {rule.lifted_by for rule in RULES} - declared == {"contact"}


def test_roles_see_what_their_permissions_say():
    book = RoleBook.load()
    dinsos = mask_person(PERSON, book.permissions_of(["dinsos_officer"]), show_contact=False)
    assert dinsos["nik"] == PERSON["nik"]
    assert "diagnosis" not in dinsos["disability"] and dinsos["disability"]["categories"] == ["fisik"]
    staff = mask_person(PERSON, book.permissions_of(["ngo_staff"]), show_contact=True)
    assert staff == PERSON


def test_history_changes_are_masked_like_the_record():
    from gateway.access.masking import mask_changes

    changes = {
        "nik": [None, "3507255203900001"],
        "phone": ["+6281234567890", "+6281234567899"],
        "disability.diagnosis": ["polio", "pascapolio"],
        "guardian": [None, {"name": "Ibu", "relation": "ibu", "phone": "+6281298765432"}],
        "name": ["Siti", "Siti Aminah"],
    }
    masked = mask_changes(changes, {"persons:read"})
    assert masked["nik"] == [None, "3507************"]
    assert all("*" in value for value in masked["phone"])
    assert "disability.diagnosis" not in masked
    assert masked["guardian"][1]["name"] == "Ibu" and "*" in masked["guardian"][1]["phone"]
    assert masked["name"] == ["Siti", "Siti Aminah"]
    full = mask_changes(changes, {"persons:read", "persons:read_nik", "persons:read_health"}, show_contact=True)
    assert full == changes
