"""Pokja: forming, listing by area, stage changes with ETags, assessments and members with their rules."""
import json
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from inklusi_platform.errors import Conflict, NotFound, PreconditionFailed, ValidationFailed
from inklusi_platform.pagination import encode_cursor
from registry import counts, history, pokja
from registry.models.groups import PokjaMembership
from registry.models.persons import Person, new_id

TODAY = date(2025, 6, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(history, "today", lambda: TODAY)


def add_person(uow, serial: int, status="active", desa="35.07.25.2001", born=date(1990, 1, 1), sex="L",
               categories=("fisik",)) -> str:
    """A person row straight into the table: these tests are about groups, not registration."""
    at = datetime(2025, 1, 1, tzinfo=UTC)
    person = Person(id=new_id(), nik=f"3507250101{serial:06d}", name=f"Orang {serial}", birth_date=born, sex=sex,
                    desa_code=desa, kecamatan_code=desa[:8], nik_region_code="35.07.25",
                    categories=list(categories), status=status, created_at=at, updated_at=at, created_by="seed")
    uow.session.add(person)
    uow.session.flush()
    counts.person_added(uow.session, person)  # as registration does, so the figures see them
    return person.id


def form(uow, actor, **data):
    base = {"name": "Pokja Batik Lawang", "area_code": "35.07.25", "business_lines": ["batik", "kuliner"],
            "formed_on": "2024-02-01"}
    return pokja.form_pokja(uow, {**base, **data}, actor)


def events(uow):
    return [(e["type"].split(".", 1)[1], e["payload"]) for e in uow.emitted]


def details(excinfo):
    return excinfo.value.details


# --- forming -------------------------------------------------------------------------------------

def test_forming_a_pokja_in_a_kelurahan_records_its_kecamatan_and_announces_it(uow, actor):
    made = form(uow, actor, name="Pokja Sawojajar", area_code="35.73.03.1008", stage="berkembang")
    assert made == {
        "id": made["id"], "version": 1, "name": "Pokja Sawojajar",
        "area_code": "35.73.03.1008", "area_name": "Sawojajar",
        "kecamatan_code": "35.73.03", "kecamatan_name": "Kedungkandang",
        "stage": "berkembang", "business_lines": ["batik", "kuliner"], "formed_on": "2024-02-01",
        "latest_assessment": None, "member_count": 0,
        "created_at": made["created_at"], "updated_at": made["updated_at"],
    }
    assert events(uow) == [("pokja_formed", {"pokja_id": made["id"], "kecamatan_code": "35.73.03",
                                             "area_code": "35.73.03.1008", "stage": "berkembang"})]
    assert pokja.get_pokja(uow, made["id"]) == made
    json.dumps(made)


def test_several_pokja_may_share_a_kecamatan_and_stage_defaults_to_rintisan(uow, actor):
    one = form(uow, actor, name="Pokja A", business_lines=[])
    two = form(uow, actor, name="Pokja B", business_lines=["jahit", "jahit"])
    assert (one["stage"], two["stage"]) == ("rintisan", "rintisan")
    assert two["business_lines"] == ["jahit"]


@pytest.mark.parametrize(("area", "words"), [
    ("35.78.01", "tidak berada di Malang Raya"),     # Surabaya
    ("35.07", "bukan kode kecamatan atau desa"),      # the kabupaten itself
    ("99.99.99", "tidak dikenal"),
])
def test_the_area_must_be_a_malang_raya_kecamatan_or_desa(uow, actor, area, words):
    with pytest.raises(ValidationFailed) as refused:
        form(uow, actor, area_code=area)
    assert words in details(refused)["area_code"][0]
    assert uow.emitted == []


def test_every_problem_is_reported_at_once(uow, actor):
    with pytest.raises(ValidationFailed) as refused:
        pokja.form_pokja(uow, {"area_code": "35.07.25", "stage": "besar", "formed_on": "2030-01-01",
                               "business_lines": "batik", "warna": "biru"}, actor)
    assert set(details(refused)) == {"name", "stage", "formed_on", "business_lines", "warna"}
    assert details(refused)["name"] == ["Wajib diisi."]
    assert details(refused)["formed_on"] == ["Tanggal pembentukan belum terjadi."]
    with pytest.raises(ValidationFailed) as anonymous:
        pokja.form_pokja(uow, {"name": "A", "area_code": "35.07.25", "formed_on": "2024-01-01"}, {"name": "x"})
    assert "actor" in details(anonymous)


# --- listing -------------------------------------------------------------------------------------

def test_lists_match_the_pokja_own_area_and_page_by_name(uow, actor):
    lawang = form(uow, actor, name="A Lawang", area_code="35.07.25")
    desa = form(uow, actor, name="B Desa Lawang", area_code="35.07.25.2001")
    sukun = form(uow, actor, name="C Sukun", area_code="35.73.04", stage="mandiri")

    def names(areas, **kwargs):
        return [p["name"] for p in pokja.list_pokja(uow, areas, **kwargs)["items"]]

    assert names(None) == ["A Lawang", "B Desa Lawang", "C Sukun"]
    assert names(["35.07"]) == ["A Lawang", "B Desa Lawang"]
    # A desa-level caller sees the pokja of their desa, not the kecamatan's: the record's own area counts.
    assert names(["35.07.25.2001"]) == ["B Desa Lawang"]
    assert names([]) == []
    assert names(None, filters={"stage": "mandiri"}) == ["C Sukun"]
    assert names(None, filters={"kecamatan_code": "35.07.25"}) == ["A Lawang", "B Desa Lawang"]

    first = pokja.list_pokja(uow, None, limit=2)
    second = pokja.list_pokja(uow, None, limit=2, cursor=first["next_cursor"])
    assert [p["id"] for p in first["items"] + second["items"]] == [lawang["id"], desa["id"], sukun["id"]]
    assert second["next_cursor"] is None


def test_bad_filters_areas_and_cursors_are_refused(uow):
    with pytest.raises(ValidationFailed):
        pokja.list_pokja(uow, None, filters={"stage": "besar"})
    with pytest.raises(ValidationFailed):
        pokja.list_pokja(uow, None, filters={"warna": "biru"})
    with pytest.raises(ValidationFailed):
        pokja.list_pokja(uow, ["Lawang"])
    with pytest.raises(ValidationFailed):
        pokja.list_pokja(uow, None, cursor=encode_cursor({"id": 3}))


# --- changing ------------------------------------------------------------------------------------

def test_a_stage_change_raises_the_version_and_is_announced(uow, actor):
    made = form(uow, actor)
    uow.emitted.clear()
    changed = pokja.update_pokja(uow, made["id"], {"stage": "berkembang", "name": "Pokja Batik Lawang Jaya"}, 1, actor)
    assert (changed["stage"], changed["name"], changed["version"]) == ("berkembang", "Pokja Batik Lawang Jaya", 2)
    assert events(uow) == [("pokja_stage_changed", {"pokja_id": made["id"], "kecamatan_code": "35.07.25",
                                                    "from_stage": "rintisan", "to_stage": "berkembang"})]


def test_a_change_without_a_stage_is_not_announced_and_nothing_changed_keeps_the_version(uow, actor):
    made = form(uow, actor)
    uow.emitted.clear()
    assert pokja.update_pokja(uow, made["id"], {"business_lines": ["batik", "kuliner"]}, 1, actor)["version"] == 1
    assert pokja.update_pokja(uow, made["id"], {"business_lines": ["tenun"]}, 1, actor)["version"] == 2
    assert uow.emitted == []


def test_stale_versions_bad_stages_and_area_moves_are_refused(uow, actor):
    made = form(uow, actor)
    pokja.update_pokja(uow, made["id"], {"name": "Baru"}, 1, actor)
    with pytest.raises(PreconditionFailed) as stale:
        pokja.update_pokja(uow, made["id"], {"stage": "mandiri"}, 1, actor)
    assert details(stale) == {"current_version": 2}
    with pytest.raises(ValidationFailed) as refused:
        pokja.update_pokja(uow, made["id"], {"stage": "besar", "area_code": "35.73.04"}, 2, actor)
    assert set(details(refused)) == {"stage", "area_code"}
    with pytest.raises(ValidationFailed):
        pokja.update_pokja(uow, made["id"], {"name": "x"}, "2", actor)
    with pytest.raises(NotFound):
        pokja.update_pokja(uow, "nope", {"name": "x"}, 1, actor)
    assert pokja.get_pokja(uow, made["id"])["stage"] == "rintisan"


# --- assessments ---------------------------------------------------------------------------------

def test_the_latest_assessment_is_shown_with_its_total(uow, actor):
    made = form(uow, actor)
    scores = {"production": 3, "administration": 2, "finance": 2, "marketing": 4}
    pokja.assess_pokja(uow, made["id"], {"assessed_on": "2025-05-01", **scores, "notes": "Awal"}, actor)
    pokja.assess_pokja(uow, made["id"], {"assessed_on": "2024-11-01", **scores}, actor)  # entered late
    latest = pokja.get_pokja(uow, made["id"])["latest_assessment"]
    assert (latest["assessed_on"], latest["total"], latest["notes"], latest["assessed_by"]) == (
        "2025-05-01", 11, "Awal", actor["user_id"])
    assert [a["assessed_on"] for a in pokja.list_assessments(uow, made["id"])] == ["2025-05-01", "2024-11-01"]


@pytest.mark.parametrize(("data", "fields"), [
    ({"assessed_on": "2025-06-02", "production": 3, "administration": 3, "finance": 3, "marketing": 3},
     {"assessed_on"}),
    ({"assessed_on": "2023-01-01", "production": 3, "administration": 3, "finance": 3, "marketing": 3},
     {"assessed_on"}),  # before the pokja was formed
    ({"assessed_on": "2025-05-01", "production": 0, "administration": 6, "finance": "3", "marketing": 2.5},
     {"production", "administration", "finance", "marketing"}),
    ({"production": 3}, {"assessed_on", "administration", "finance", "marketing"}),
])
def test_assessments_need_a_past_date_and_scores_of_one_to_five(uow, actor, data, fields):
    made = form(uow, actor)
    with pytest.raises(ValidationFailed) as refused:
        pokja.assess_pokja(uow, made["id"], data, actor)
    assert set(details(refused)) == fields
    assert pokja.list_assessments(uow, made["id"]) == []


# --- members -------------------------------------------------------------------------------------

def test_members_join_with_roles_and_are_announced(uow, actor):
    made = form(uow, actor)
    ketua, anggota = add_person(uow, 1), add_person(uow, 2)
    uow.emitted.clear()
    joined = pokja.add_member(uow, made["id"], {"person_id": anggota, "role": "anggota",
                                                "joined_on": "2024-03-01"}, actor)
    pokja.add_member(uow, made["id"], {"person_id": ketua, "role": "ketua", "joined_on": "2024-02-01"}, actor)
    assert joined == {"person_id": anggota, "role": "anggota", "joined_on": "2024-03-01", "left_on": None}
    assert [m["person_id"] for m in pokja.list_members(uow, made["id"])] == [ketua, anggota]  # ketua first
    assert pokja.get_pokja(uow, made["id"])["member_count"] == 2
    assert events(uow)[1] == ("pokja_member_joined", {"pokja_id": made["id"], "kecamatan_code": "35.07.25",
                                                      "person_id": ketua, "role": "ketua"})


def test_one_active_ketua_and_one_active_membership_per_person(uow, actor):
    made = form(uow, actor)
    first, second = add_person(uow, 1), add_person(uow, 2)
    pokja.add_member(uow, made["id"], {"person_id": first, "role": "ketua", "joined_on": "2024-02-01"}, actor)
    with pytest.raises(Conflict) as second_ketua:
        pokja.add_member(uow, made["id"], {"person_id": second, "role": "ketua", "joined_on": "2024-02-01"}, actor)
    assert details(second_ketua) == {"person_id": first}
    with pytest.raises(Conflict):
        pokja.add_member(uow, made["id"], {"person_id": first, "role": "anggota", "joined_on": "2024-02-01"}, actor)

    # Once the old ketua steps down, another may take over, and the old one may rejoin as anggota.
    pokja.end_membership(uow, made["id"], first, "2025-01-31", actor)
    pokja.add_member(uow, made["id"], {"person_id": second, "role": "ketua", "joined_on": "2025-02-01"}, actor)
    pokja.add_member(uow, made["id"], {"person_id": first, "role": "anggota", "joined_on": "2025-02-01"}, actor)
    everyone = pokja.list_members(uow, made["id"], include_past=True)
    assert [(m["person_id"], m["role"], m["left_on"]) for m in everyone] == [
        (first, "ketua", "2025-01-31"), (second, "ketua", None), (first, "anggota", None)]
    assert len(pokja.list_members(uow, made["id"])) == 2


def test_the_database_keeps_the_ketua_rule_even_past_the_check(uow, actor):
    made = form(uow, actor)
    first, second = add_person(uow, 1), add_person(uow, 2)
    pokja.add_member(uow, made["id"], {"person_id": first, "role": "ketua", "joined_on": "2024-02-01"}, actor)
    uow.session.add(PokjaMembership(id=new_id(), pokja_id=made["id"], person_id=second, role="ketua",
                                    joined_on=date(2024, 2, 1), created_by="race"))
    with pytest.raises(sa.exc.IntegrityError):
        uow.session.flush()


def test_only_registered_active_persons_join(uow, actor):
    made = form(uow, actor)
    deceased = add_person(uow, 1, status="deceased")
    with pytest.raises(ValidationFailed) as unknown:
        pokja.add_member(uow, made["id"], {"person_id": "nope", "role": "anggota", "joined_on": "2024-03-01"}, actor)
    assert "person_id" in details(unknown)
    with pytest.raises(Conflict) as closed:
        pokja.add_member(uow, made["id"], {"person_id": deceased, "role": "anggota", "joined_on": "2024-03-01"},
                         actor)
    assert details(closed)["status"] == "deceased"
    with pytest.raises(ValidationFailed) as refused:
        pokja.add_member(uow, made["id"], {"person_id": add_person(uow, 2), "role": "bos",
                                           "joined_on": "2024-01-01"}, actor)
    assert set(details(refused)) == {"role", "joined_on"}  # joined before the pokja existed
    with pytest.raises(NotFound):
        pokja.add_member(uow, "nope", {"person_id": deceased, "role": "anggota", "joined_on": "2024-03-01"}, actor)


def test_ending_a_membership_is_announced_and_checked(uow, actor):
    made = form(uow, actor)
    member = add_person(uow, 1)
    pokja.add_member(uow, made["id"], {"person_id": member, "role": "bendahara", "joined_on": "2024-03-01"}, actor)
    uow.emitted.clear()
    with pytest.raises(ValidationFailed):
        pokja.end_membership(uow, made["id"], member, "2024-02-01", actor)  # before joining
    with pytest.raises(ValidationFailed):
        pokja.end_membership(uow, made["id"], member, "kemarin", actor)
    with pytest.raises(ValidationFailed):
        pokja.end_membership(uow, made["id"], member, "2025-07-01", actor)  # not yet
    ended = pokja.end_membership(uow, made["id"], member, date(2025, 5, 1), actor)
    assert ended["left_on"] == "2025-05-01"
    assert events(uow) == [("pokja_member_left", {"pokja_id": made["id"], "kecamatan_code": "35.07.25",
                                                  "person_id": member})]
    with pytest.raises(NotFound):
        pokja.end_membership(uow, made["id"], member, "2025-05-02", actor)
    assert pokja.get_pokja(uow, made["id"])["member_count"] == 0
