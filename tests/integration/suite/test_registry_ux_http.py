"""The registry as its users meet it: their language, NIK lookup, sealed personal data, safe statistics."""
import io
import json
import logging

import sqlalchemy as sa
from openpyxl import load_workbook

from inklusi_platform.messages import FIELD_MESSAGES, SCHEMA_MESSAGES, VALIDATOR_MESSAGES
from tests.conftest import POSTGRES_URL
from tests.integration.suite.conftest import BATU_DESA, LAWANG_DESA, person_payload
from tests.support.databases import database_name

ENGLISH = {m[-1] for m in (*FIELD_MESSAGES, *SCHEMA_MESSAGES, *VALIDATOR_MESSAGES)}
# Words of marshmallow's (and Python's) English that have no place in an Indonesian answer.
ENGLISH_WORDS = ("Missing", "field", "Not a", "Must", "Unknown", "Invalid", "Length", "Shorter",
                 "Longer", "greater", "less than", "one of", "required", "null", "Field may", "expected")
LAWANG_NIK, BATU_NIK = "3507255203900001", "3579015203900002"


def _messages(tree):
    if isinstance(tree, dict):
        return [m for key, value in tree.items() if key not in ("code",) for m in _messages(value)]
    if isinstance(tree, list):
        return [m for value in tree for m in _messages(value)]
    return [tree] if isinstance(tree, str) else []


BAD_REGISTRATIONS = {
    "empty": {},
    "29 February 2001": person_payload(LAWANG_NIK, LAWANG_DESA, birth_date="2001-02-29"),
    "day first": person_payload(LAWANG_NIK, LAWANG_DESA, birth_date="12-03-1990"),
    "unknown field": person_payload(LAWANG_NIK, LAWANG_DESA, agama="islam"),
    "wrong choices": person_payload(LAWANG_NIK, LAWANG_DESA, sex="X", disability={"categories": ["lainnya"]}),
    "too long": person_payload(LAWANG_NIK, LAWANG_DESA, name="A" * 201),
    "wrong types": person_payload(LAWANG_NIK, LAWANG_DESA, phone=812345, disability="fisik",
                                  communication={"channels": "whatsapp", "copy_guardian": "ya"}),
    "null name": person_payload(LAWANG_NIK, LAWANG_DESA, name=None),
    "bad consent": person_payload(LAWANG_NIK, LAWANG_DESA, consent={"purpose": "pendataan", "given_by": "ibu",
                                                                    "form": "lisan", "given_on": "kemarin"}),
    "bad email": person_payload(LAWANG_NIK, LAWANG_DESA, email="bukan-email"),
    "bad area code": person_payload(LAWANG_NIK, "35.07"),
    # These pass the gateway's shape and are refused by the registry's rules.
    "bad NIK": person_payload("3507251203900001", LAWANG_DESA),
    "short NIK": person_payload("35072552", LAWANG_DESA),
    "minor without guardian": person_payload("3507255203150001", LAWANG_DESA, birth_date="2015-03-12"),
    "bad phone": person_payload(LAWANG_NIK, LAWANG_DESA, phone="12"),
    "unknown desa": person_payload(LAWANG_NIK, "35.07.25.9999"),
}


def test_every_message_of_a_refused_registration_is_in_indonesian(gateway, registry_service, as_user):
    admin = as_user("admin")
    for case, body in BAD_REGISTRATIONS.items():
        response = admin.post("/v1/persons", json=body)
        assert response.status_code == 422, (case, response.text)
        problem = response.json()
        said = [problem["title"], problem["detail"], *_messages(problem["errors"])]
        assert len(said) > 2, case
        for message in said:
            assert message not in ENGLISH, (case, message)
            assert not any(word in message for word in ENGLISH_WORDS), (case, message)
    leap = admin.post("/v1/persons", json=BAD_REGISTRATIONS["29 February 2001"]).json()
    assert leap["errors"]["birth_date"] == ["Tanggal 2001-02-29 tidak ada di kalender."]


def test_integrators_can_ask_for_english(gateway, registry_service, as_user):
    response = as_user("admin").post("/v1/persons", json=BAD_REGISTRATIONS["29 February 2001"] | {"agama": 1},
                                     headers={"Accept-Language": "en"})
    problem = response.json()
    assert response.status_code == 422 and response.headers["Content-Language"] == "en"
    assert problem["title"] == "The data breaks a rule"
    assert problem["errors"] == {"birth_date": ["The date 2001-02-29 does not exist."], "agama": ["Unknown field."]}
    indonesian = as_user("admin").post("/v1/persons", json={"agama": 1}, headers={"Accept-Language": "id, en;q=0.5"})
    assert indonesian.json()["errors"]["agama"] == ["Kolom ini tidak dikenal."]


def test_the_http_layer_speaks_indonesian_too(gateway, registry_service, as_user):
    admin = as_user("admin")
    unknown = admin.get("/v1/tidak-ada")
    assert (unknown.status_code, unknown.json()["detail"]) == (404, "Alamat ini tidak ada di API ini.")
    broken = admin.post("/v1/persons", data=b'{"nik": ', headers={"Content-Type": "application/json"})
    assert (broken.status_code, broken.json()["detail"]) == (400, "JSON tidak dapat dibaca (baris 1, kolom 9).")
    english = admin.post("/v1/persons", data=b'{"nik": ', headers={"Content-Type": "application/json",
                                                                  "Accept-Language": "en-GB,en;q=0.9"})
    assert english.json()["detail"] == "The JSON cannot be read (line 1, column 9)."
    assert english.json()["title"] == "Bad request"


def test_blank_optional_fields_are_taken_as_not_given(gateway, registry_service, import_worker, as_user):
    body = person_payload(LAWANG_NIK, LAWANG_DESA, phone="", kk="", email="",
                          disability={"categories": ["fisik"], "diagnosis": ""},
                          business={"sector": "", "status": ""}, communication={"channels": ["none"]})
    response = as_user("admin").post("/v1/persons", json=body)
    assert response.status_code == 201, response.text
    assert (response.json()["phone"], response.json()["kk"]) == (None, None)


def _registry_text(url: str) -> str:
    """Every text, character and JSON value of every registry table, as a dump would show them."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        columns = connection.execute(sa.text(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND data_type IN ('text', 'character varying', 'json', 'jsonb')")).all()
        values = []
        for table, column in columns:
            values += [str(v) for (v,) in connection.execute(sa.text(f'SELECT "{column}" FROM "{table}"'))]
    engine.dispose()
    assert values
    return "\n".join(values)


def test_a_database_dump_shows_no_nik_phone_or_diagnosis_and_nik_lookup_still_works(two_persons, as_user):
    admin = as_user("admin")
    lawang_id = two_persons["lawang"]["id"]
    # A change puts old and new values in the history too.
    etag = admin.get(f"/v1/persons/{lawang_id}").headers["ETag"]
    changed = admin.patch(f"/v1/persons/{lawang_id}", json={"phone": "0813-9999-8888", "kk": "3507250101900009"},
                          headers={"If-Match": etag})
    assert changed.status_code == 200, changed.text

    dump = _registry_text(f"{POSTGRES_URL}/{database_name('registry')}")
    assert "Siti Aminah" in dump  # the dump is real: names are not sealed
    for personal in (LAWANG_NIK, BATU_NIK, "3507250101900009", "81234567890", "8139999", "pascapolio"):
        assert personal not in dump, personal

    # Exact NIK lookup, within the caller's area, and audited as a read of whoever it found.
    found = admin.get("/v1/persons", params={"q": "3507 2552 0390 0001"}).json()["items"]
    assert [p["id"] for p in found] == [lawang_id]
    assert [p["id"] for p in admin.get("/v1/persons", params={"nik": BATU_NIK}).json()["items"]] == [
        two_persons["batu"]["id"]]
    assert as_user("staf_lawang").get("/v1/persons", params={"nik": BATU_NIK}).json()["items"] == []
    assert admin.get("/v1/persons", params={"nik": "3507255203900009"}).json()["items"] == []
    by_name = admin.get("/v1/persons", params={"q": "siti", "birth_date": "1990-03-12"}).json()["items"]
    assert [p["id"] for p in by_name] == [lawang_id]
    entries = admin.get("/v1/audit", params={"resource": "person", "resource_id": lawang_id}).json()["items"]
    assert any(e["action"] == "read" and e["detail"] == "nik" for e in entries)
    assert all(e["at"].endswith("+00:00") for e in entries)

    # The NIK stays unique, and look-alikes are still flagged.
    again = admin.post("/v1/persons", json=person_payload(LAWANG_NIK, LAWANG_DESA, name="Siti Aminah"))
    assert again.status_code == 409
    twin = admin.post("/v1/persons", json=person_payload("3507255203900003", LAWANG_DESA, name="Siti Aminah"))
    assert twin.status_code == 201
    assert [d["person_id"] for d in twin.json()["likely_duplicates"]] == [lawang_id]


def _derivable(figures: dict) -> list:
    found = []

    def check(total, members):
        hidden = [m for m in members if m["suppressed"]]
        if not total["suppressed"] and len(hidden) == 1:
            found.append(hidden[0])

    check(figures["total_persons"], figures["kecamatan"])
    for kecamatan in figures["kecamatan"]:
        cells = [t for t in figures["totals"] if t["kecamatan_code"] == kecamatan["kecamatan_code"]]
        check(kecamatan, cells)
        for cell in cells:
            check(cell, [p for p in figures["persons"] if (p["kecamatan_code"], p["sex"], p["age_band"]) == (
                cell["kecamatan_code"], cell["sex"], cell["age_band"])])
    return found


def test_forum_viewer_reads_no_small_cell_and_cannot_derive_one(gateway, registry_service, as_user):
    admin = as_user("admin")
    for serial in range(6):
        nik = f"35072552039{serial + 10:05d}"
        assert admin.post("/v1/persons", json=person_payload(nik, LAWANG_DESA, name=f"Warga {serial}")
                          ).status_code == 201
    assert admin.post("/v1/persons", json=person_payload(BATU_NIK, BATU_DESA, name="Dewi")).status_code == 201
    assert admin.post("/v1/persons", json=person_payload(
        "3507251203900004", LAWANG_DESA, name="Budi", sex="L", birth_date="1990-03-12")).status_code == 201

    full = admin.get("/v1/stats/registry").json()
    assert full["threshold"] is None and full["total_persons"] == {"count": 8, "suppressed": False}
    assert {k["kecamatan_name"]: k["count"] for k in full["kecamatan"]} == {"Lawang": 7, "Batu": 1}

    figures = as_user("fomi").get("/v1/stats/registry").json()
    assert figures["threshold"] == 5
    shown = [row["count"] for key in ("kecamatan", "totals", "persons") for row in figures[key]
             if not row["suppressed"]]
    assert all(count >= 5 for count in shown) and 6 in shown
    assert all(row["count"] is None for key in ("kecamatan", "totals", "persons") for row in figures[key]
               if row["suppressed"])
    assert not figures["total_persons"]["suppressed"] or figures["total_persons"]["count"] is None
    assert _derivable(figures) == []
    text = json.dumps(figures)
    assert "Dewi" not in text and "Budi" not in text
    # Area by area, the same cells stay hidden; one desa at a time is refused.
    lawang = as_user("fomi").get("/v1/stats/registry", params={"area": "35.07.25"}).json()
    assert lawang["totals"] == [t for t in figures["totals"] if t["kecamatan_code"] == "35.07.25"]
    desa = as_user("fomi").get("/v1/stats/registry", params={"area": LAWANG_DESA})
    assert desa.status_code == 422 and "area" in desa.json()["errors"]


def test_statistics_as_spreadsheet_and_csv_for_dinas_sosial(two_persons, as_user):
    response = as_user("dinsos_batu").get("/v1/stats/registry", params={"format": "xlsx"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Per kecamatan", "Per jenis kelamin dan umur", "Per ragam disabilitas", "Jumlah"]
    assert [list(r) for r in workbook["Per kecamatan"].iter_rows(values_only=True)] == [
        ["Kode kecamatan", "Kecamatan", "Jumlah orang"], ["35.79.01", "Batu", 1]]
    csv_text = as_user("fomi").get("/v1/stats/registry", params={"format": "csv"}).text
    assert csv_text.splitlines()[0].lstrip("\ufeff") == (
        "Tabel,Kode kecamatan,Kecamatan,Ragam disabilitas,Jenis kelamin,Kelompok umur,Jumlah")
    assert "Per kecamatan,35.07.25,Lawang,,,,<5" in csv_text


def test_each_request_is_one_access_line_with_its_route_template(gateway, registry_service, as_user, caplog):
    staff = as_user("staf_lawang")
    with caplog.at_level(logging.INFO, logger="inklusi.access"):
        staff.get("/v1/persons/no-such-person", headers={"X-Request-ID": "akses-1"})
    lines = [r for r in caplog.records if r.name == "inklusi.access" and r.correlation_id == "akses-1"]
    assert len(lines) == 1
    line = lines[0]
    assert (line.method, line.route, line.status) == ("GET", "/v1/persons/<person_id>", 404)
    assert line.user_id.startswith("user:") and line.duration_ms >= 0
    assert "no-such-person" not in line.getMessage()


def test_a_pokja_answer_names_its_desa(gateway, registry_service, as_user):
    made = as_user("admin").post("/v1/pokja", json={"name": "Pokja Sidoluhur", "area_code": LAWANG_DESA,
                                                    "formed_on": "2025-01-15"})
    assert made.status_code == 201, made.text
    assert (made.json()["area_code"], made.json()["area_name"]) == (LAWANG_DESA, "Sidoluhur")
    assert made.json()["kecamatan_name"] == "Lawang"
