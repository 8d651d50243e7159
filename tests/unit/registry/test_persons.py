"""Registering, reading, listing and changing persons, on SQLite through a real unit of work."""
import json
from datetime import date

import pytest
import sqlalchemy as sa

from inklusi_platform import tables
from inklusi_platform.errors import Conflict, NotFound, PreconditionFailed, ValidationFailed
from registry import history, persons
from registry.models.persons import DuplicateFlag, Person, PersonChange

TODAY = date(2025, 6, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(history, "today", lambda: TODAY)


def nik_for(born: date, sex: str, serial: int = 1, region: str = "350725") -> str:
    day = born.day + (40 if sex == "P" else 0)
    return f"{region}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def registration(name="Siti Aminah", born=date(1990, 3, 12), sex="P", serial=1, desa="35.07.25.2001",
                 region="350725", **extra) -> dict:
    data = {
        "nik": nik_for(born, sex, serial, region),
        "name": name,
        "birth_date": born.isoformat(),
        "sex": sex,
        "desa_code": desa,
        "phone": "0812-3456-7890",
        "disability": {"categories": ["fisik"]},
        "consent": {"purpose": "pendataan", "given_by": "self", "form": "read_aloud", "given_on": "2025-05-01"},
    }
    data.update(extra)
    return data


def events(uow):
    return [(e["type"].split(".", 1)[1], e["payload"]) for e in uow.emitted]


def count(uow, model):
    return uow.session.scalar(sa.select(sa.func.count()).select_from(model))


def refused(excinfo) -> dict:
    return excinfo.value.details


# --- registering ---------------------------------------------------------------------------------

def test_registration_derives_areas_categories_and_phone(uow, actor):
    person = persons.register_person(uow, registration(
        disability={"categories": ["daksa", "tunanetra"], "functional_limitations": ["berjalan", "berjalan"],
                    "assistive_devices": ["kursi roda"], "diagnosis": "Low vision"},
        business={"sector": "kuliner", "status": "berjalan", "started_on": "2020-01-15"},
    ), actor)

    assert person["version"] == 1
    assert (person["desa_code"], person["kecamatan_code"], person["kabupaten_code"]) == (
        "35.07.25.2001", "35.07.25", "35.07")
    assert person["nik_region_code"] == "35.07.25"
    assert person["age"] == 35
    assert person["phone"] == "+6281234567890"
    assert person["disability"] == {"categories": ["fisik", "sensorik", "ganda"],
                                    "functional_limitations": ["berjalan"],
                                    "assistive_devices": ["kursi roda"], "diagnosis": "Low vision"}
    assert person["business"] == {"sector": "kuliner", "status": "berjalan", "started_on": "2020-01-15"}
    assert person["guardian"] is None
    assert person["communication"] == {"channels": ["whatsapp", "sms"], "language": "id",
                                       "format": "plain_text", "copy_guardian": False}
    assert person["consent_active"] == ["pendataan"]
    assert person["status"] == "active" and person["merged_into"] is None
    assert person["likely_duplicates"] == []
    json.dumps(person)  # crosses RPC as JSON


def test_registration_is_stored_with_its_consent_history_and_event(uow, fresh_uow, actor):
    person = persons.register_person(uow, registration(), actor)
    uow.commit()

    again = fresh_uow()
    assert persons.get_person(again, person["id"]) == {k: v for k, v in person.items() if k != "likely_duplicates"}
    actions = again.session.scalars(sa.select(PersonChange.action).order_by(PersonChange.id)).all()
    assert actions == ["created", "consent_recorded"]
    assert events(uow) == [("person_registered", {
        "person_id": person["id"], "kecamatan_code": "35.07.25", "desa_code": "35.07.25.2001",
        "categories": ["fisik"]})]


def test_the_event_in_the_outbox_names_no_one(uow, actor):
    data = registration(kk="3507250101200001")
    persons.register_person(uow, data, actor)
    body = uow.session.execute(sa.select(tables.outbox.c.body)).scalar_one()
    for secret in (data["nik"], data["kk"], "Siti", "Aminah", "81234567890"):
        assert secret not in body


def test_nik_issued_elsewhere_is_kept_apart_from_residence(uow, actor):
    # Issued in Gambir, Jakarta; lives in Lawang.
    person = persons.register_person(uow, registration(region="317101"), actor)
    assert person["nik_region_code"] == "31.71.01"
    assert person["kecamatan_code"] == "35.07.25"


def test_spaces_in_numbers_are_removed(uow, actor):
    data = registration(kk="3507 2501 0120 0001")
    data["nik"] = " ".join([data["nik"][:4], data["nik"][4:8], data["nik"][8:12], data["nik"][12:]])
    person = persons.register_person(uow, data, actor)
    assert person["nik"] == "3507255203900001"
    assert person["kk"] == "3507250101200001"


def test_a_known_nik_is_a_conflict_that_names_the_record(uow, actor):
    first = persons.register_person(uow, registration(), actor)
    with pytest.raises(Conflict) as conflict:
        persons.register_person(uow, registration(name="Orang Lain", phone=None), actor)
    assert conflict.value.message == "NIK sudah terdaftar"
    assert conflict.value.details == {"existing_id": first["id"], "desa_code": "35.07.25.2001"}
    assert count(uow, Person) == 1
    assert len(uow.emitted) == 1


def test_each_nik_problem_is_its_own_error_with_a_code(uow, actor):
    data = registration()
    data["birth_date"], data["sex"] = "1991-03-12", "L"
    with pytest.raises(ValidationFailed) as failed:
        persons.register_person(uow, data, actor)
    nik_errors = refused(failed)["nik"]
    assert [e["code"] for e in nik_errors] == ["nik.birth_date_mismatch", "nik.sex_mismatch"]
    assert all("NIK" in e["message"] for e in nik_errors)


def test_a_malformed_nik_says_what_is_wrong(uow, actor):
    with pytest.raises(ValidationFailed) as failed:
        persons.register_person(uow, registration(nik="35072552039A"), actor)
    assert [e["code"] for e in refused(failed)["nik"]] == ["nik.digits", "nik.length"]


@pytest.mark.parametrize("desa, fragment", [
    ("35.15.01.2001", "tidak dikenal"),          # not a known code
    ("35.07.25", "kode kecamatan"),              # a kecamatan, not a desa
    ("35.07", "bukan kode desa"),
])
def test_residence_must_be_a_desa_in_malang_raya(uow, actor, desa, fragment):
    with pytest.raises(ValidationFailed) as failed:
        persons.register_person(uow, registration(desa=desa), actor)
    assert fragment in refused(failed)["desa_code"][0]


def test_every_problem_is_reported_at_once_and_nothing_is_stored(uow, actor):
    data = registration(phone="0812-ABC", email="bukan-email", warna="merah")
    data["disability"] = {"categories": ["ganda"]}
    del data["name"]
    with pytest.raises(ValidationFailed) as failed:
        persons.register_person(uow, data, actor)
    errors = refused(failed)
    assert set(errors) == {"phone", "email", "warna", "disability.categories", "name"}
    assert errors["name"] == ["Wajib diisi."]
    assert errors["warna"] == ["Kolom ini tidak dikenal."]
    assert "hanya boleh berisi angka" in errors["phone"][0]
    assert "ditambahkan otomatis" in errors["disability.categories"][0]
    assert count(uow, Person) == 0 and count(uow, PersonChange) == 0 and uow.emitted == []


def test_registration_needs_consent_to_record_data(uow, actor):
    data = registration()
    del data["consent"]
    with pytest.raises(ValidationFailed) as failed:
        persons.register_person(uow, data, actor)
    assert refused(failed) == {"consent": ["Wajib diisi."]}

    data = registration()
    data["consent"]["purpose"] = "komunikasi"
    with pytest.raises(ValidationFailed) as failed:
        persons.register_person(uow, data, actor)
    assert "pendataan" in refused(failed)["consent.purpose"][0]


def test_a_child_needs_a_guardian_who_gives_consent(uow, actor):
    child = registration(name="Bima", born=date(2015, 8, 17), sex="L")
    with pytest.raises(ValidationFailed) as failed:
        persons.register_person(uow, child, actor)
    assert set(refused(failed)) == {"guardian", "consent.given_by"}

    child["guardian"] = {"name": "Sri Wahyuni", "relation": "ibu", "phone": "0813 3000 1234"}
    child["consent"]["given_by"] = "guardian"
    person = persons.register_person(uow, child, actor)
    assert person["guardian"] == {"name": "Sri Wahyuni", "relation": "ibu", "phone": "+6281330001234"}
    # A child's messages go to the guardian too, unless someone decides otherwise.
    assert person["communication"]["copy_guardian"] is True


def test_channels_must_be_reachable(uow, actor):
    with pytest.raises(ValidationFailed) as failed:
        persons.register_person(uow, registration(phone=None, communication={"channels": ["whatsapp", "email"]}),
                                actor)
    assert len(refused(failed)["communication.channels"]) == 2

    person = persons.register_person(uow, registration(phone=None, email="siti@example.org"), actor)
    assert person["communication"]["channels"] == ["email"]


def test_likely_duplicates_are_flagged_not_refused(uow, actor):
    first = persons.register_person(uow, registration(name="Hj. Siti Aminah"), actor)
    second = persons.register_person(uow, registration(name="Siti Aminah, S.Pd.", serial=2,
                                                       desa="35.07.25.2002"), actor)
    other_kecamatan = persons.register_person(uow, registration(serial=3, desa="35.07.24.1011"), actor)

    assert second["likely_duplicates"] == [{"person_id": first["id"], "score": 100.0}]
    assert other_kecamatan["likely_duplicates"] == []
    flag = uow.session.scalars(sa.select(DuplicateFlag)).one()
    assert (flag.person_id, flag.candidate_id, flag.status) == (second["id"], first["id"], "open")


def test_missing_actor_is_refused(uow):
    with pytest.raises(ValidationFailed) as failed:
        persons.register_person(uow, registration(), {"org_id": "x"})
    assert "actor" in refused(failed)


# --- reading -------------------------------------------------------------------------------------

def test_unknown_person_is_not_found(uow):
    with pytest.raises(NotFound):
        persons.get_person(uow, "no-such-id")
    with pytest.raises(NotFound):
        persons.person_area(uow, "no-such-id")


def test_person_area_is_the_residence(uow, actor):
    person = persons.register_person(uow, registration(), actor)
    assert persons.person_area(uow, person["id"]) == {
        "person_id": person["id"], "desa_code": "35.07.25.2001", "kecamatan_code": "35.07.25", "status": "active"}


def test_persons_by_ids_gives_eligibility_facts_in_the_order_asked(uow, actor):
    a = persons.register_person(uow, registration(name="Ani"), actor)
    b = persons.register_person(uow, registration(name="Budi", sex="L", serial=2,
                                                  disability={"categories": ["mental"]}), actor)
    facts = persons.persons_by_ids(uow, [b["id"], "unknown", a["id"], b["id"]])
    assert [f["person_id"] for f in facts] == [b["id"], a["id"]]
    assert facts[0] == {"person_id": b["id"], "age": 35, "kecamatan_code": "35.07.25",
                        "desa_code": "35.07.25.2001", "status": "active", "consent_active": ["pendataan"],
                        "categories": ["mental"]}
    with pytest.raises(ValidationFailed):
        persons.persons_by_ids(uow, ["x"] * 501)


# --- listing -------------------------------------------------------------------------------------

@pytest.fixture
def five(uow, actor):
    specs = [
        ("Dewi", "P", "35.07.25.2001", ["fisik"]),
        ("ahmad", "L", "35.07.25.2002", ["sensorik", "mental"]),
        ("Budi Santoso", "L", "35.07.24.1011", ["intelektual"]),
        ("Citra", "P", "35.73.01.1001", ["fisik"]),
        ("Eko", "L", "35.73.01.1002", ["mental"]),
    ]
    made = {}
    for serial, (name, sex, desa, categories) in enumerate(specs, start=1):
        made[name] = persons.register_person(uow, registration(
            name=name, sex=sex, serial=serial, desa=desa, disability={"categories": categories}), actor)
    return made


def names(result):
    return [p["name"] for p in result["items"]]


def test_list_is_ordered_by_name_and_pages_without_gaps(uow, five):
    seen, cursor = [], None
    while True:
        result = persons.list_persons(uow, None, {}, 2, cursor)
        assert len(result["items"]) <= 2
        seen += names(result)
        cursor = result["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(five, key=lambda n: (n, five[n]["id"]))


@pytest.mark.parametrize("areas, expected", [
    (None, {"Dewi", "ahmad", "Budi Santoso", "Citra", "Eko"}),
    ([], set()),
    (["35.07"], {"Dewi", "ahmad", "Budi Santoso"}),
    (["35.07.25"], {"Dewi", "ahmad"}),
    (["35.07.25.2002", "35.73"], {"ahmad", "Citra", "Eko"}),
    (["35.79"], set()),
])
def test_list_is_limited_to_the_areas(uow, five, areas, expected):
    assert set(names(persons.list_persons(uow, areas, {}, 50, None))) == expected


@pytest.mark.parametrize("filters, expected", [
    ({"q": "SANTO"}, {"Budi Santoso"}),
    ({"q": "a"}, {"ahmad", "Budi Santoso", "Citra"}),
    ({"category": "fisik"}, {"Dewi", "Citra"}),
    ({"category": "ganda"}, {"ahmad"}),
    ({"sex": "P"}, {"Dewi", "Citra"}),
    ({"kecamatan_code": "35.73.01", "sex": "L"}, {"Eko"}),
    ({"desa_code": "35.07.25.2001"}, {"Dewi"}),
    ({"q": "%"}, set()),  # a wildcard typed by a person is a character, not a pattern
])
def test_list_filters(uow, five, filters, expected):
    assert set(names(persons.list_persons(uow, None, filters, 50, None))) == expected


def test_list_refuses_what_it_does_not_understand(uow, five):
    with pytest.raises(ValidationFailed) as failed:
        persons.list_persons(uow, None, {"warna": "x", "category": "tunanetra"}, 10, None)
    assert set(refused(failed)) == {"warna", "category"}
    with pytest.raises(ValidationFailed):
        persons.list_persons(uow, ["Lawang"], {}, 10, None)
    with pytest.raises(ValidationFailed):
        persons.list_persons(uow, None, {}, 10, "not-a-cursor")


# --- changing ------------------------------------------------------------------------------------

def test_a_correction_moves_the_version_and_names_only_the_fields(uow, actor):
    person = persons.register_person(uow, registration(), actor)
    uow.emitted.clear()
    updated = persons.update_person(uow, person["id"], {"name": "Siti Aminah Rahayu", "phone": "0813-3000-1234"},
                                    1, actor)
    assert updated["version"] == 2
    assert (updated["name"], updated["phone"]) == ("Siti Aminah Rahayu", "+6281330001234")
    assert events(uow) == [("person_updated", {"person_id": person["id"], "kecamatan_code": "35.07.25",
                                               "changed_fields": ["name", "phone"]})]
    entry = history.get_history(uow, person["id"], 1, None)["items"][0]
    assert entry["action"] == "updated"
    assert entry["changes"] == {"name": ["Siti Aminah", "Siti Aminah Rahayu"],
                                "phone": ["+6281234567890", "+6281330001234"]}


def test_moving_to_another_desa_is_a_move(uow, actor):
    person = persons.register_person(uow, registration(), actor)
    uow.emitted.clear()
    moved = persons.update_person(uow, person["id"], {"desa_code": "35.73.01.1003"}, None, actor)
    assert (moved["desa_code"], moved["kecamatan_code"], moved["kabupaten_code"]) == (
        "35.73.01.1003", "35.73.01", "35.73")
    assert events(uow) == [("person_moved", {"person_id": person["id"], "kecamatan_code": "35.73.01",
                                             "from_kecamatan_code": "35.07.25", "desa_code": "35.73.01.1003"})]
    entry = history.get_history(uow, person["id"], 1, None)["items"][0]
    assert entry["action"] == "moved"
    assert entry["changes"] == {"desa_code": ["35.07.25.2001", "35.73.01.1003"],
                                "kecamatan_code": ["35.07.25", "35.73.01"]}


def test_death_is_recorded_apart_from_other_changes(uow, actor):
    person = persons.register_person(uow, registration(), actor)
    uow.emitted.clear()
    persons.update_person(uow, person["id"], {"status": "deceased", "email": "keluarga@example.org"}, 1, actor)
    assert [name for name, _ in events(uow)] == ["person_updated", "person_deceased"]
    assert events(uow)[0][1]["changed_fields"] == ["email"]
    actions = [e["action"] for e in history.get_history(uow, person["id"], 10, None)["items"]]
    assert actions[:2] == ["deceased", "updated"]


def test_a_change_that_changes_nothing_is_not_a_change(uow, actor):
    person = persons.register_person(uow, registration(), actor)
    uow.emitted.clear()
    before = count(uow, PersonChange)
    same = persons.update_person(uow, person["id"], {"name": "  Siti   Aminah ", "phone": "+62 812 3456 7890",
                                                     "disability": {"categories": ["daksa"]}}, 1, actor)
    assert same["version"] == 1
    assert uow.emitted == [] and count(uow, PersonChange) == before


def test_a_stale_version_changes_nothing(uow, actor):
    person = persons.register_person(uow, registration(), actor)
    persons.update_person(uow, person["id"], {"name": "Siti A."}, 1, actor)
    with pytest.raises(PreconditionFailed) as failed:
        persons.update_person(uow, person["id"], {"name": "Siti B."}, 1, actor)
    assert failed.value.details == {"current_version": 2}
    assert persons.get_person(uow, person["id"])["name"] == "Siti A."


def test_a_refused_update_leaves_record_and_version_as_they_were(uow, actor):
    person = persons.register_person(uow, registration(), actor)
    uow.emitted.clear()
    with pytest.raises(ValidationFailed) as failed:
        persons.update_person(uow, person["id"], {"name": "Nama Baru", "phone": "12", "desa_code": "35.07.25"},
                              1, actor)
    assert set(refused(failed)) == {"phone", "desa_code"}
    assert persons.get_person(uow, person["id"]) == {k: v for k, v in person.items() if k != "likely_duplicates"}
    assert uow.emitted == []


def test_a_birth_date_must_still_agree_with_the_nik(uow, actor):
    person = persons.register_person(uow, registration(), actor)
    with pytest.raises(ValidationFailed) as failed:
        persons.update_person(uow, person["id"], {"birth_date": "1990-03-13"}, 1, actor)
    assert [e["code"] for e in refused(failed)["nik"]] == ["nik.birth_date_mismatch"]


def test_correcting_nik_and_birth_date_together(uow, actor):
    person = persons.register_person(uow, registration(), actor)
    born = date(1990, 3, 13)
    updated = persons.update_person(uow, person["id"], {"birth_date": born.isoformat(),
                                                        "nik": nik_for(born, "P", region="357301")}, 1, actor)
    assert (updated["birth_date"], updated["nik_region_code"]) == ("1990-03-13", "35.73.01")


def test_nested_fields_change_in_part(uow, actor):
    person = persons.register_person(uow, registration(), actor)
    updated = persons.update_person(uow, person["id"], {"communication": {"format": "easy_read"},
                                                        "business": {"sector": "jahit"}}, 1, actor)
    assert updated["communication"] == {"channels": ["whatsapp", "sms"], "language": "id",
                                        "format": "easy_read", "copy_guardian": False}
    assert updated["business"] == {"sector": "jahit", "status": None, "started_on": None}
    entry = history.get_history(uow, person["id"], 1, None)["items"][0]
    assert set(entry["changes"]) == {"communication.format", "business.sector"}

    cleared = persons.update_person(uow, person["id"], {"business": None}, 2, actor)
    assert cleared["business"] is None and cleared["version"] == 3


def test_dropping_the_phone_while_whatsapp_is_the_channel_is_refused(uow, actor):
    person = persons.register_person(uow, registration(), actor)
    with pytest.raises(ValidationFailed) as failed:
        persons.update_person(uow, person["id"], {"phone": None}, 1, actor)
    assert "communication.channels" in refused(failed)
    updated = persons.update_person(uow, person["id"], {"phone": None, "communication": {"channels": ["none"]}},
                                    1, actor)
    assert updated["phone"] is None


def test_taking_another_persons_nik_is_a_conflict(uow, actor):
    persons.register_person(uow, registration(), actor)
    other = persons.register_person(uow, registration(name="Rina", serial=2), actor)
    with pytest.raises(Conflict):
        persons.update_person(uow, other["id"], {"nik": nik_for(date(1990, 3, 12), "P", 1)}, 1, actor)
    assert persons.get_person(uow, other["id"])["version"] == 1


def test_unknown_fields_and_merged_status_cannot_be_set(uow, actor):
    person = persons.register_person(uow, registration(), actor)
    with pytest.raises(ValidationFailed) as failed:
        persons.update_person(uow, person["id"], {"status": "merged", "version": 9, "consent": {}}, 1, actor)
    assert set(refused(failed)) == {"status", "version", "consent"}


def test_a_change_raced_by_another_writer_is_refused(uow, fresh_uow, actor):
    person = persons.register_person(uow, registration(), actor)
    uow.commit()
    mine = fresh_uow()
    persons.get_person(mine, person["id"])  # my copy, version 1
    mine.commit()  # (SQLite here holds one connection; release it)

    theirs = fresh_uow()
    persons.update_person(theirs, person["id"], {"name": "Siti Lain"}, 1, actor)
    theirs.commit()

    # My session still believes version 1, so the ETag check passes; the UPDATE itself must not.
    with pytest.raises(PreconditionFailed):
        persons.update_person(mine, person["id"], {"name": "Siti Saya"}, 1, actor)
    mine.rollback()
    assert persons.get_person(fresh_uow(), person["id"])["name"] == "Siti Lain"


def test_a_renamed_record_that_now_resembles_another_is_flagged(uow, actor):
    first = persons.register_person(uow, registration(name="Siti Aminah"), actor)
    second = persons.register_person(uow, registration(name="Rina Wati", serial=2), actor)
    assert count(uow, DuplicateFlag) == 0
    persons.update_person(uow, second["id"], {"name": "Siti Aminah"}, 1, actor)
    flag = uow.session.scalars(sa.select(DuplicateFlag)).one()
    assert (flag.person_id, flag.candidate_id) == (second["id"], first["id"])
