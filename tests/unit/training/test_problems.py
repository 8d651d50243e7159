"""The needs inventory's domain, without a broker: raising, consent of persons, triage, merging, links, reports."""
from datetime import date, timedelta

import pytest

from inklusi_platform.errors import Conflict, PreconditionFailed, ValidationFailed
from tests.unit.training.conftest import ACTOR, emitted, profile
from training import catalogue
from training.models.problems import Problem
from training.needs import advocacy, priority, problems, reports, triage

KEDUNGKANDANG = "35.73.03"
PAGUYUBAN = "paguyuban-kedungkandang"


def therapy(raisers=None, **overrides) -> dict:
    return {"title": "Akses terapi anak", "description": "Anak difabel sulit mendapat terapi di puskesmas.",
            "field": "layanan", "area_code": KEDUNGKANDANG, "people_affected": 40, "severity": "berat",
            "raisers": raisers or [{"kind": "paguyuban", "ref_id": PAGUYUBAN}], **overrides}


def consenting(person_id: str) -> dict:
    return {person_id: profile(person_id, consents=("pendataan", "inventarisasi_masalah"))}


# --- priority and triage, plain functions --------------------------------------------------------

def test_the_priority_score_is_the_sum_of_parts_each_explained():
    result = priority.score(40, "berat", 2)
    assert [(p["factor"], p["points"]) for p in result["parts"]] == [
        ("people_affected", 20), ("severity", 30), ("raisers", 20)]
    assert result["total"] == 70
    assert result["parts"][0]["explanation"] == "40 orang terdampak"
    assert priority.score(0, "ringan", 9)["parts"][2]["points"] == 30  # raisers are capped
    assert priority.people_points(250) == 40 and priority.people_points(0) == 0


def test_the_status_machine_refuses_skips_and_rejections_without_a_reason():
    triage.check_step("baru", "dikaji", None, has_action=False)
    with pytest.raises(Conflict) as skipped:
        triage.check_step("baru", "selesai", None, has_action=True)
    assert skipped.value.details["allowed"] == ["dikaji", "ditolak"]
    with pytest.raises(ValidationFailed):
        triage.check_step("dikaji", "ditolak", None, has_action=False)
    with pytest.raises(Conflict):
        triage.check_step("dikaji", "diprogramkan", None, has_action=False)
    with pytest.raises(Conflict):
        triage.check_step("selesai", "dikaji", None, has_action=True)


def test_spreadsheet_cells_starting_with_a_formula_character_are_neutralised():
    for risky in ("=1+1", "+62812", "-5", "@SUM(A1)", "\tx", "\rx"):
        assert reports.neutralise(risky) == "'" + risky
    assert reports.neutralise("Akses terapi") == "Akses terapi"
    assert reports.neutralise(None) == "" and reports.neutralise(3) == "3"


def test_age_buckets_and_areas_roll_up_to_kecamatan():
    assert [reports.age_bucket(d) for d in (0, 30, 31, 181)] == ["0-30", "0-30", "31-90", ">180"]
    assert reports.area_key("35.73.03.1006") == "35.73.03"
    assert reports.area_key(None) == "malang_raya"


# --- raising -------------------------------------------------------------------------------------

def test_raising_records_the_problem_its_raisers_and_an_event_naming_no_one(uow):
    made = problems.raise_problem(uow, therapy(evidence=[{"kind": "note", "note": "Antre 3 bulan"},
                                                         {"kind": "attachment", "filename": "notulen.pdf",
                                                          "media_type": "application/pdf", "size_bytes": 1200}]),
                                  ACTOR, {})
    assert made["status"] == "baru" and made["raised_on"] == problems.today().isoformat()
    assert made["raisers"] == [{"kind": "paguyuban", "ref_id": PAGUYUBAN, "organisation": None,
                                "raised_on": made["raised_on"]}]
    assert made["evidence"][1] == {"kind": "attachment", "filename": "notulen.pdf",
                                   "media_type": "application/pdf", "size_bytes": 1200}
    assert emitted(uow, "problem_raised") == [{"problem_id": made["id"], "area_code": KEDUNGKANDANG,
                                               "field": "layanan"}]
    assert problems.history(uow, made["id"])[0]["action"] == "raised"


def test_bad_input_is_refused_with_every_field_named(uow):
    with pytest.raises(ValidationFailed) as refused:
        problems.raise_problem(uow, {"title": "", "field": "olahraga", "area_code": "Malang", "people_affected": -1,
                                     "raisers": [{"kind": "organisasi"}]}, ACTOR, {})
    assert {"title", "description", "field", "area_code", "people_affected", "raisers"} <= set(
        refused.value.details)
    with pytest.raises(ValidationFailed) as future:
        problems.raise_problem(uow, therapy(raised_on=(date.today() + timedelta(days=3)).isoformat()), ACTOR, {})
    assert "raised_on" in future.value.details
    assert uow.session.query(Problem).count() == 0


def test_a_person_is_named_only_with_consent_for_this_purpose(uow):
    person = [{"kind": "person", "ref_id": "person-1"}]
    assert problems.person_raiser_ids(therapy(person)) == ["person-1"]
    with pytest.raises(ValidationFailed) as refused:
        problems.raise_problem(uow, therapy(person), ACTOR, {"person-1": profile("person-1")})
    assert "persetujuan" in refused.value.details["raisers"][0]["ref_id"][0]
    with pytest.raises(ValidationFailed):
        problems.raise_problem(uow, therapy(person), ACTOR, {})  # unknown to the registry
    made = problems.raise_problem(uow, therapy(person), ACTOR, consenting("person-1"))
    assert made["raisers"][0]["ref_id"] == "person-1"


def test_others_see_a_person_raiser_only_as_a_count(uow):
    made = problems.raise_problem(uow, therapy([{"kind": "person", "ref_id": "person-1"},
                                                {"kind": "organisasi", "organisation": "HWDI Kota Malang"}]),
                                  ACTOR, consenting("person-1"))
    seen = problems.get_problem(uow, made["id"], show_persons=False)
    assert "person-1" not in str(seen)
    assert seen["raiser_counts"]["person"] == 1 and seen["raiser_counts"]["organisasi"] == 1
    assert [r["kind"] for r in seen["raisers"]] == ["organisasi"]
    listed = problems.list_problems(uow, None)["items"]
    assert "person-1" not in str(listed)
    problems.forget_person(uow, "person-1")  # consent withdrawn: still counted, no longer named
    after = problems.get_problem(uow, made["id"], show_persons=True)
    assert after["raiser_counts"]["person"] == 1 and "person-1" not in str(after)


# --- triage, merging, links ----------------------------------------------------------------------

def test_triage_changes_are_kept_with_who_and_why(uow):
    made = problems.raise_problem(uow, therapy(), ACTOR, {})
    changed = problems.change_problem(uow, made["id"], {"status": "dikaji", "people_affected": 55},
                                      made["version"], ACTOR)
    assert changed["status"] == "dikaji" and changed["version"] > made["version"]
    with pytest.raises(PreconditionFailed):
        problems.change_problem(uow, made["id"], {"severity": "ringan"}, made["version"], ACTOR)
    rejected = problems.change_problem(uow, made["id"], {"status": "ditolak", "reason": "Sudah ditangani Dinkes"},
                                       None, ACTOR)
    assert rejected["reject_reason"] == "Sudah ditangani Dinkes"
    steps = problems.history(uow, made["id"])
    assert [s["action"] for s in steps] == ["raised", "updated", "status", "status"]
    assert steps[1]["changes"] == {"people_affected": [40, 55]} and steps[1]["actor"] == "user:staf"
    assert steps[3]["changes"] == {"status": ["dikaji", "ditolak"]} and steps[3]["reason"]


def test_a_duplicate_is_merged_with_its_raisers_and_history_kept(uow):
    first = problems.raise_problem(uow, therapy(), ACTOR, {})
    second = problems.raise_problem(uow, therapy([{"kind": "organisasi", "organisation": "HWDI Kota Malang"},
                                                  {"kind": "paguyuban", "ref_id": PAGUYUBAN}],
                                                 people_affected=60, raised_on="2026-01-10"), ACTOR, {})
    problems.add_comment(uow, second["id"], {"body": "Sama dengan usulan paguyuban"}, ACTOR)
    programme = catalogue.create_programme(uow, {"title": "Terapi", "topic": "lainnya", "organiser_org": "LS",
                                                 "audience": "paguyuban"}, ACTOR)
    problems.add_link(uow, second["id"], {"kind": "programme", "target_id": programme["id"]}, ACTOR)
    kept = problems.merge(uow, first["id"], {"duplicate_id": second["id"]}, ACTOR)
    assert catalogue.get_programme(uow, programme["id"])["problem_ids"] == [first["id"]]
    assert [link["target_id"] for link in kept["links"]] == [programme["id"]]
    assert kept["status"] == "diprogramkan"  # what answered the duplicate answers the record kept
    assert sorted(r["kind"] for r in kept["raisers"]) == ["organisasi", "paguyuban"]  # the same paguyuban once
    assert kept["people_affected"] == 60 and kept["raised_on"] == "2026-01-10"
    assert kept["priority"]["parts"][2]["value"] == 2
    assert [p["id"] for p in problems.list_problems(uow, None)["items"]] == [first["id"]]
    assert problems.get_problem(uow, second["id"])["merged_into_id"] == first["id"]
    assert [c["body"] for c in problems.comments(uow, first["id"])] == ["Sama dengan usulan paguyuban"]
    steps = problems.history(uow, first["id"])
    assert [s["action"] for s in steps] == ["raised", "merged", "status", "status"]
    assert steps[1]["changes"]["merged_duplicate_id"] == [None, second["id"]]
    with pytest.raises(Conflict):
        problems.change_problem(uow, second["id"], {"status": "dikaji"}, None, ACTOR)
    with pytest.raises(ValidationFailed):
        problems.merge(uow, first["id"], {"duplicate_id": first["id"]}, ACTOR)


def test_linking_a_programme_programmes_the_problem_and_the_programme_lists_it(uow):
    made = problems.raise_problem(uow, therapy(raised_on=(problems.today() - timedelta(days=12)).isoformat()),
                                  ACTOR, {})
    programme = catalogue.create_programme(uow, {"title": "Terapi Anak Bersama", "topic": "lainnya",
                                                 "organiser_org": "Lingkar Sosial", "audience": "paguyuban"}, ACTOR)
    with pytest.raises(ValidationFailed):
        problems.add_link(uow, made["id"], {"kind": "training", "target_id": "no-such-training"}, ACTOR)
    links = problems.add_link(uow, made["id"], {"kind": "programme", "target_id": programme["id"]}, ACTOR)
    assert links == [{"kind": "programme", "target_id": programme["id"], "title": "Terapi Anak Bersama",
                      "linked_at": links[0]["linked_at"]}]
    assert problems.add_link(uow, made["id"], {"kind": "programme", "target_id": programme["id"]}, ACTOR) == links
    assert problems.get_problem(uow, made["id"])["status"] == "diprogramkan"
    assert emitted(uow, "problem_programmed") == [{"problem_id": made["id"], "area_code": KEDUNGKANDANG,
                                                   "field": "layanan", "link_kind": "programme",
                                                   "target_id": programme["id"]}]
    assert catalogue.get_programme(uow, programme["id"])["problem_ids"] == [made["id"]]
    problems.change_problem(uow, made["id"], {"status": "selesai"}, None, ACTOR)
    assert emitted(uow, "problem_resolved")[0]["problem_id"] == made["id"]


def test_advocacy_actions_answer_problems_and_list_newest_first(uow):
    made = problems.raise_problem(uow, therapy(), ACTOR, {})
    older = advocacy.create_action(uow, {"title": "Audiensi Dinkes", "kind": "audiensi", "held_on": "2026-09-01",
                                         "counterpart_org": "Dinas Kesehatan Kota Malang"}, ACTOR)
    newer = advocacy.create_action(uow, {"title": "Surat ke DPRD", "kind": "surat_kebijakan",
                                         "held_on": "2026-10-01", "counterpart_org": "DPRD Kota Malang",
                                         "outcome": "Dijadwalkan dengar pendapat", "area_code": "35.73"}, ACTOR)
    problems.add_link(uow, made["id"], {"kind": "advocacy_action", "target_id": older["id"]}, ACTOR)
    first = advocacy.list_actions(uow, None, limit=1)
    assert [a["id"] for a in first["items"]] == [newer["id"]]
    second = advocacy.list_actions(uow, None, limit=1, cursor=first["next_cursor"])
    assert second["items"][0]["problem_ids"] == [made["id"]]
    assert advocacy.list_actions(uow, ["35.79"])["items"] == [second["items"][0]]  # area-wide ones reach all


def test_the_report_counts_open_problems_and_the_days_to_programme(uow):
    raised = problems.today() - timedelta(days=45)
    made = problems.raise_problem(uow, therapy(raised_on=raised.isoformat()), ACTOR, {})
    problems.raise_problem(uow, therapy(field="pendidikan", area_code=None, title="Sekolah inklusi"), ACTOR, {})
    programme = catalogue.create_programme(uow, {"title": "Terapi", "topic": "lainnya", "organiser_org": "LS",
                                                 "audience": "paguyuban"}, ACTOR)
    problems.add_link(uow, made["id"], {"kind": "programme", "target_id": programme["id"]}, ACTOR)
    figures = reports.stats(uow, None)
    assert figures["open_total"] == 2
    assert figures["open_by_field"]["layanan"] == 1 and figures["open_by_field"]["pendidikan"] == 1
    assert figures["open_by_area"] == {"35.73.03": 1, "malang_raya": 1}
    assert figures["open_by_age"] == {"0-30": 1, "31-90": 1, "91-180": 0, ">180": 0}
    assert [(p["problem_id"], p["status"], p["days"]) for p in figures["programmed"]] == [
        (made["id"], "diprogramkan", 45)]
    assert figures["median_days_to_programme"] == 45
    assert reports.stats(uow, ["35.79"])["open_by_area"] == {"malang_raya": 1}  # Batu sees the area-wide one


def test_the_export_has_one_formula_safe_row_per_problem_and_no_person(uow):
    problems.raise_problem(uow, therapy([{"kind": "person", "ref_id": "person-1"}], title="=HYPERLINK(\"x\")"),
                           ACTOR, consenting("person-1"))
    rows = reports.export_rows(uow, None)
    assert rows[0] == list(reports.EXPORT_COLUMNS)
    assert rows[1][0] == "'=HYPERLINK(\"x\")" and rows[1][11] == "1"
    assert "person-1" not in str(rows)
    assert all(isinstance(cell, str) for row in rows for cell in row)
