"""Pokja, coverage, imports and exports through the gateway and the real registry."""
import csv
import io

import pytest

from inklusi_platform.regions import regions
from tests.support.fieldsheet import sheet
from tests.support.waiting import wait_for

pytestmark = pytest.mark.integration

# The six pilot pokja; Sawojajar is a kelurahan of Kedungkandang, so five kecamatan are covered.
PILOTS = [("Lawang", "35.07"), ("Singosari", "35.07"), ("Kepanjen", "35.07"), ("Sawojajar", "35.73"),
          ("Kedungkandang", "35.73"), ("Sukun", "35.73")]


def area_named(name: str, kabupaten: str) -> str:
    for kecamatan in regions().children(kabupaten):
        if kecamatan.name == name:
            return kecamatan.code
        for desa in regions().children(kecamatan.code):
            if desa.name == name:
                return desa.code
    raise LookupError(name)


def test_coverage_after_the_six_pilot_pokja(gateway, registry_service, as_user):
    admin = as_user("admin")
    for name, kabupaten in PILOTS:
        response = admin.post("/v1/pokja", json={"name": f"Pokja Wirausaha Difabel {name}",
                                                 "area_code": area_named(name, kabupaten),
                                                 "formed_on": "2026-06-26", "business_lines": ["kerajinan"]})
        assert response.status_code == 201, response.text
    coverage = admin.get("/v1/coverage").json()
    assert coverage["total"] == 41
    covered = {k["name"] for k in coverage["kecamatan"] if k["covered"]}
    assert covered == {"Lawang", "Singosari", "Kepanjen", "Kedungkandang", "Sukun"}
    assert coverage["covered"] == 5 and coverage["not_covered"] == 36
    batu = [k for k in coverage["kecamatan"] if k["kabupaten_code"] == "35.79"]
    assert len(batu) == 3 and not any(k["covered"] for k in batu)
    # the aggregate-only forum sees the expansion plan too
    assert as_user("fomi").get("/v1/coverage").json()["covered"] == 5


def test_pokja_outside_the_area_is_hidden_and_one_ketua_at_a_time(two_persons, as_user):
    admin = as_user("admin")
    sukun = admin.post("/v1/pokja", json={"name": "Pokja Sukun", "area_code": "35.73.04",
                                          "formed_on": "2026-06-26"}).json()
    lawang = admin.post("/v1/pokja", json={"name": "Pokja Lawang", "area_code": "35.07.25",
                                           "formed_on": "2026-06-26"}).json()
    staff = as_user("staf_lawang")
    assert staff.get(f"/v1/pokja/{sukun['id']}").status_code == 404
    assert [p["id"] for p in staff.get("/v1/pokja").json()["items"]] == [lawang["id"]]

    person = two_persons["lawang"]["id"]
    joined = staff.post(f"/v1/pokja/{lawang['id']}/members", json={"person_id": person, "role": "ketua",
                                                                   "joined_on": "2026-07-01"})
    assert joined.status_code == 201, joined.text
    other = admin.post("/v1/persons", json=_another_person()).json()["id"]
    second = staff.post(f"/v1/pokja/{lawang['id']}/members", json={"person_id": other, "role": "ketua",
                                                                   "joined_on": "2026-07-01"})
    assert second.status_code == 409
    members = staff.get(f"/v1/pokja/{lawang['id']}/members").json()["items"]
    assert [(m["person_id"], m["role"]) for m in members] == [(person, "ketua")]


def _another_person():
    from tests.integration.suite.conftest import LAWANG_DESA, person_payload

    return person_payload("3507251507850001", LAWANG_DESA, name="Budi Santoso", birth_date="1985-07-15", sex="L")


DECLARED = {"consent_form": "written", "consent_given_on": "2026-11-01"}


def test_import_as_a_job_reports_bad_rows_and_a_second_import_adds_nothing(gateway, import_worker, as_user):
    web = as_user("staf_lawang")
    content = sheet(40, broken={3: "nik_date", 11: "sex", 20: "region", 27: "phone", 33: "name"})

    def upload():
        response = web.post("/v1/imports", params=DECLARED,
                            files={"file": ("pendataan-lawang.csv", content, "text/csv")})
        assert response.status_code == 202, response.text
        job_id = response.json()["id"]
        return wait_for(lambda: (job := web.get(f"/v1/imports/{job_id}").json())["status"] in ("done", "failed")
                        and job, timeout=60, message="the import job to finish")

    first = upload()
    assert first["status"] == "done", first
    # The bad phone (row 29) is a warning: that row is kept without it.
    assert first["counts"] == {"rows": 40, "created": 36, "skipped_existing": 0, "errors": 4, "warnings": 1}
    assert first["consent_declaration"]["form"] == "written"
    report = web.get(f"/v1/imports/{first['id']}/errors")
    assert report.status_code == 200
    rows = list(csv.reader(io.StringIO(report.text.lstrip("\ufeff"))))
    assert rows[0] == ["Baris", "Kolom", "Tingkat", "Pesan"]
    assert sorted({int(r[0]) for r in rows[1:]}) == [5, 13, 22, 29, 35]  # spreadsheet rows (header is row 1)

    second = upload()
    assert second["counts"]["created"] == 0 and second["counts"]["skipped_existing"] == 36

    listed = web.get("/v1/persons", params={"q": "Warga Uji", "limit": 200}).json()["items"]
    assert len(listed) == 36


def test_import_without_consent_refuses_each_row_and_a_bad_declaration_at_once(gateway, import_worker, as_user):
    web = as_user("staf_lawang")
    response = web.post("/v1/imports", files={"file": ("tanpa-persetujuan.csv", sheet(3), "text/csv")})
    job_id = response.json()["id"]
    job = wait_for(lambda: (j := web.get(f"/v1/imports/{job_id}").json())["status"] == "done" and j, timeout=60,
                   message="the job")
    assert job["counts"]["created"] == 0 and job["counts"]["errors"] == 3
    assert "Persetujuan (kolom tidak ada)" in web.get(f"/v1/imports/{job_id}/errors").text

    refused = web.post("/v1/imports", params={"consent_form": "written"},
                       files={"file": ("a.csv", sheet(3), "text/csv")})
    assert refused.status_code == 422 and "Tanggal persetujuan" in refused.text


def test_import_refuses_rows_outside_the_importers_area(gateway, import_worker, as_user):
    web = as_user("staf_lawang")
    response = web.post("/v1/imports", params=DECLARED,
                        files={"file": ("batu.csv", sheet(3, desa_code="35.79.01.1001"), "text/csv")})
    job_id = response.json()["id"]
    job = wait_for(lambda: (j := web.get(f"/v1/imports/{job_id}").json())["status"] == "done" and j, timeout=60,
                   message="the job")
    assert job["counts"]["created"] == 0 and job["counts"]["errors"] == 3
    assert "wilayah" in web.get(f"/v1/imports/{job_id}/errors").text


def test_export_holds_only_in_area_records_masked_by_role(two_persons, as_user):
    staff = as_user("staf_lawang").get("/v1/exports/persons")
    assert staff.status_code == 200
    rows = list(csv.reader(io.StringIO(staff.text.lstrip("\ufeff"))))
    assert rows[0][:2] == ["NIK", "Nama"]
    assert [r[0] for r in rows[1:]] == ["3507255203900001"]  # Lawang only; staff may see the NIK

    xlsx = as_user("admin").get("/v1/exports/persons", params={"format": "xlsx"})
    assert xlsx.status_code == 200
    from openpyxl import load_workbook

    sheet_rows = list(load_workbook(io.BytesIO(xlsx.content), read_only=True).active.values)
    assert len(sheet_rows) == 3
    entries = as_user("admin").get("/v1/audit", params={"action": "export"}).json()["items"]
    assert {e["resource_id"] for e in entries} >= {two_persons["lawang"]["id"]}


def test_officers_and_companions_export_their_own_area_masked_by_their_role(two_persons, as_user):
    from openpyxl import load_workbook

    def exported(user, fmt="csv"):
        response = as_user(user).get("/v1/exports/persons", params={"format": fmt})
        assert response.status_code == 200, (user, response.text)
        assert response.headers["Cache-Control"] == "no-store"
        if fmt == "xlsx":
            sheet = load_workbook(io.BytesIO(response.content)).active
            assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row)  # no formula
            return [[cell.value for cell in row] for row in sheet.iter_rows()]
        return list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))

    phone = {"officer": None, "companion": None}
    for fmt in ("csv", "xlsx"):
        officer = exported("dinsos_batu", fmt)  # Kota Batu; the NIK for DTKS checks, no contact data
        header = officer[0]
        assert [r[0] for r in officer[1:]] == ["3579015203900002"]
        phone["officer"] = officer[1][header.index("No HP")]
        companion = exported("ppd_malang", fmt)  # Kabupaten Malang; companions reach people by phone
        assert [r[0] for r in companion[1:]] == ["3507255203900001"]
        phone["companion"] = companion[1][header.index("No HP")]
        # A phone starts with +, which a spreadsheet reads as a formula: written with an apostrophe.
        assert phone == {"officer": "'+62*******890", "companion": "'+6281234567890"}, fmt


def test_a_hostile_spreadsheet_is_refused_at_upload_with_a_message_people_can_act_on(gateway, registry_service,
                                                                                      as_user):
    from tests.support.hostile_xlsx import many_shared_strings

    response = as_user("staf_lawang").post("/v1/imports", params=DECLARED, files={
        "file": ("teks.xlsx", many_shared_strings(3_000_000), "application/octet-stream")})
    assert response.status_code == 422, response.text
    assert "terlalu banyak teks berbeda" in response.text and "Bagi data menjadi beberapa berkas" in response.text
