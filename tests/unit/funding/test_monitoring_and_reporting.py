"""Monitoring schedule and announcements, documents in the storage folder, programme settings, statistics."""
import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest

from funding import cases, documents, monitoring, programmes, reporting
from funding.models.cases import Case
from inklusi_platform.errors import Conflict, Forbidden, NotFound, PreconditionFailed, ValidationFailed
from tests.support.funding_cases import PPD, STAFF, actor, person, plan

DISBURSED = date(2026, 1, 1)


def disbursed_uep(uow, programme):
    case = cases.create_case(uow, {"case_type": "UEP", "programme_id": programme["id"], "applicant_id": "a",
                                   "business_plan": plan(4_000_000)}, STAFF, {"a": person("a")})
    row = uow.session.get(Case, case["id"])
    row.state, row.approved_amount, row.disbursed_amount, row.disbursed_on = "monitoring", 4_000_000, 4_000_000, \
        DISBURSED
    uow.session.flush()
    return case


def test_the_schedule_follows_the_programmes_interval():
    assert monitoring.schedule(DISBURSED, 90, 2) == [(1, date(2026, 4, 1)), (2, date(2026, 6, 30))]
    assert monitoring.status_of(date(2026, 4, 1), False, date(2026, 3, 20)) == "upcoming"
    assert monitoring.status_of(date(2026, 4, 1), False, date(2026, 3, 25)) == "due"
    assert monitoring.status_of(date(2026, 4, 1), False, date(2026, 4, 2)) == "overdue"
    assert monitoring.status_of(date(2026, 4, 1), True, date(2026, 9, 1)) == "received"


def test_due_and_overdue_reports_are_announced_once_each(uow, uep_programme):
    case = disbursed_uep(uow, uep_programme)
    assert monitoring.announce(uow, date(2026, 3, 28)) == [("due", case["id"], 1)]
    assert monitoring.announce(uow, date(2026, 3, 29)) == []
    assert monitoring.announce(uow, date(2026, 4, 5)) == [("overdue", case["id"], 1)]
    names = [e["type"] for e in uow.emitted]
    assert names == ["funding.monitoring_report_due", "funding.monitoring_report_overdue"]
    assert uow.emitted[0]["payload"]["due_on"] == "2026-04-01"
    report = monitoring.record_report(uow, case["id"], {"business_running": True, "revenue": 900_000,
                                                       "people_employed": 2,
                                                       "photos": [{"file_name": "warung.jpg"}]}, PPD)
    assert report["period"] == 1
    assert monitoring.announce(uow, date(2026, 4, 6)) == []


def test_reports_need_a_reporting_role_and_a_funded_case(uow, uep_programme):
    case = cases.create_case(uow, {"case_type": "UEP", "programme_id": uep_programme["id"], "applicant_id": "a",
                                   "business_plan": plan(4_000_000)}, STAFF, {"a": person("a")})
    good = {"business_running": False, "revenue": 0, "people_employed": 0}
    with pytest.raises(Forbidden):
        monitoring.record_report(uow, case["id"], good, actor("dinsos", "funding:recommend"))
    with pytest.raises(Conflict):
        monitoring.record_report(uow, case["id"], good, PPD)
    with pytest.raises(ValidationFailed) as refused:
        monitoring.record_report(uow, case["id"], {"revenue": -1}, PPD)
    assert set(refused.value.details) == {"business_running", "revenue", "people_employed"}


def test_documents_keep_their_hash_and_bytes_in_the_storage_folder(uow, uep_programme, tmp_path):
    case = disbursed_uep(uow, uep_programme)
    content = b"%PDF-1.4 rencana usaha"
    doc = documents.store_document(uow, str(tmp_path), case["id"], "business_plan", "../../rencana.pdf",
                                   "application/pdf", content, STAFF)
    assert doc["file_name"] == "rencana.pdf" and doc["size"] == len(content)
    assert doc["sha256"] == hashlib.sha256(content).hexdigest() and doc["uploaded_by"] == "user:staf"
    assert (tmp_path / case["id"] / doc["id"]).read_bytes() == content
    meta, read = documents.read_document(uow, str(tmp_path), case["id"], doc["id"])
    assert read == content and meta == doc
    assert documents.list_documents(uow, case["id"]) == [doc]
    with pytest.raises(NotFound):
        documents.read_document(uow, str(tmp_path), "another-case", doc["id"])
    with pytest.raises(ValidationFailed):
        documents.store_document(uow, str(tmp_path), case["id"], "selfie", "a.jpg", "image/jpeg", b"x", STAFF)
    with pytest.raises(Forbidden):
        documents.store_document(uow, str(tmp_path), case["id"], "ktp", "a.jpg", "image/jpeg", b"x",
                                 actor("approver", "funding:approve"))


def test_programme_settings_are_data_one_per_programme_and_year(uow, uep_programme):
    admin = actor("admin", "funding:programmes")
    with pytest.raises(ValidationFailed) as refused:
        programmes.create_programme(uow, {"programme": "KUBE", "year": 2027, "budget": 5,
                                          "required_training_topic": "memasak"}, admin)
    assert set(refused.value.details) == {"required_training_topic"}
    with pytest.raises(ValidationFailed) as refused:
        programmes.create_programme(uow, {"programme": "KUBE", "year": 2027, "budget": 5, "min_members": 9,
                                          "max_members": 4}, admin)
    assert set(refused.value.details) == {"max_members", "kube_max_per_group"}
    listed = programmes.list_programmes(uow)
    assert [(p["programme"], p["year"], p["remaining"]) for p in listed] == [("UEP", 2026, 10_000_000)]
    with pytest.raises(Conflict):
        programmes.create_programme(uow, {"programme": "UEP", "year": 2026, "budget": 1,
                                          "uep_max_per_person": 1}, admin)


def test_stay_durations_measure_each_state_left():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    steps = [("c1", None, "draft", start), ("c1", "draft", "draft", start + timedelta(days=1)),
             ("c1", "draft", "submitted", start + timedelta(days=2)),
             ("c1", "submitted", "verified", start + timedelta(days=5)),
             ("c2", None, "draft", start), ("c2", "draft", "submitted", start + timedelta(days=4))]
    assert dict(reporting.stay_durations(steps)) == {"draft": [2.0, 4.0], "submitted": [3.0]}


def test_statistics_count_money_against_budget_and_monitoring(uow, uep_programme):
    disbursed_uep(uow, uep_programme)
    stats = reporting.funding_stats(uow, None, today=date(2026, 4, 5))
    assert stats["total"] == 1 and stats["by_state"] == {"monitoring": 1}
    assert stats["by_kecamatan"] == [{"kecamatan_code": "35.07.25", "state": "monitoring", "count": 1}]
    assert stats["amounts"][0] | {} == {"programme_id": uep_programme["id"], "programme": "UEP", "year": 2026,
                                        "budget": 10_000_000, "approved": 4_000_000, "disbursed": 4_000_000,
                                        "remaining": 6_000_000}
    assert stats["monitoring_reports"] == {"upcoming": 1, "due": 0, "overdue": 1, "received": 0}
    assert reporting.funding_stats(uow, ["35.73"])["total"] == 0
    assert reporting.funding_stats(uow, [])["total"] == 0


def test_a_programmes_settings_change_with_its_version_and_never_below_what_is_committed(uow, uep_programme):
    admin = actor("admin", "funding:programmes")
    disbursed_uep(uow, uep_programme)  # 4 juta committed
    changed = programmes.update_programme(uow, uep_programme["id"], {"budget": 12_000_000,
                                                                     "required_training_topic": None}, 1, admin)
    assert (changed["version"], changed["budget"], changed["remaining"]) == (2, 12_000_000, 8_000_000)
    assert changed["required_training_topic"] is None and changed["uep_max_per_person"] == 5_000_000
    with pytest.raises(PreconditionFailed):
        programmes.update_programme(uow, uep_programme["id"], {"budget": 11_000_000}, 1, admin)
    with pytest.raises(Conflict):
        programmes.update_programme(uow, uep_programme["id"], {"budget": 3_000_000}, 2, admin)
    with pytest.raises(ValidationFailed):
        programmes.update_programme(uow, uep_programme["id"], {"year": 2027}, 2, admin)
