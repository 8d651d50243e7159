from gateway.access.masking import mask_person

PERSON = {
    "nik": "3507255203900001", "kk": "3507250101100003", "phone": "+6281234567890", "email": "siti@example.id",
    "guardian": {"name": "Ibu", "relation": "ibu", "phone": "+6281298765432"},
    "disability": {"categories": ["fisik"], "functional_limitations": ["berjalan jauh"],
                   "assistive_devices": ["kursi roda"], "diagnosis": "polio"},
}


def test_without_permissions_nik_health_and_contact_are_hidden():
    masked = mask_person(PERSON, {"persons:read"})
    assert masked["nik"] == "3507************"
    assert masked["kk"] == "3507************"
    assert masked["disability"] == {"categories": ["fisik"], "functional_limitations": [],
                                    "assistive_devices": [], "diagnosis": None}
    assert masked["phone"].startswith("+62") and masked["phone"].endswith("890") and "*" in masked["phone"]
    assert masked["guardian"]["phone"].endswith("432") and "*" in masked["guardian"]["phone"]
    assert masked["email"] == "s***@example.id"


def test_permissions_lift_each_rule_and_the_input_is_untouched():
    full = mask_person(PERSON, {"persons:read", "persons:read_nik", "persons:read_health", "persons:read_contact"})
    assert full == PERSON
    mask_person(PERSON, set())
    assert PERSON["nik"] == "3507255203900001"


def test_show_contact_flag_overrides_the_contact_permission():
    assert mask_person(PERSON, {"persons:read"}, show_contact=True)["phone"] == PERSON["phone"]
    assert mask_person(PERSON, {"persons:read_contact"}, show_contact=False)["phone"] != PERSON["phone"]
