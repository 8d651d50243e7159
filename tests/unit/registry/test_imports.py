"""Spreadsheet import jobs on SQLite: good rows registered like the API does, bad rows reported, reruns harmless."""
import argparse
import csv
import io
import random
import threading
import time
from datetime import date, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from inklusi_platform import tables
from inklusi_platform.errors import NotFound, ValidationFailed
from inklusi_platform.regions import regions
from registry import commands, history, imports
from registry.importing import leases, worker
from registry.models.imports import ImportFile, ImportJob, ImportRowError
from registry.models.persons import Consent, Person, PersonChange, nik_index

TODAY = date(2025, 6, 1)
WORKER = "test-worker"
LEASE = timedelta(minutes=2)
# The uploader's declaration that signed forms exist, for the rows whose Persetujuan is blank.
DECLARED = {"form": "written", "given_on": TODAY.isoformat()}
HEADERS = ["NIK", "Nama Lengkap", "Tgl Lahir", "L/P", "Desa/Kelurahan", "Ragam Disabilitas", "No HP",
           "Nama Wali", "Hubungan Wali", "HP Wali", "Persetujuan"]
KEC_DESA = {kec.code: [d.code for d in regions().children(kec.code)] for kec in regions().malang_raya_kecamatan()}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(history, "today", lambda: TODAY)


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    # Files of a few hundred rows then span several batches, as real files span many.
    monkeypatch.setattr(imports, "BATCH_ROWS", 200)


def nik_for(born: date, sex: str, serial: int, kecamatan: str) -> str:
    day = born.day + (40 if sex == "P" else 0)
    return f"{kecamatan.replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def good_row(i: int, rng: random.Random | None = None) -> dict:
    """A valid adult field row; distinct NIK (and name) per i."""
    rng = rng or random.Random(i)
    kecamatan = sorted(KEC_DESA)[i % len(KEC_DESA)]
    born = date(1960 + i % 45, 1 + i % 12, 1 + i % 28)
    sex = "LP"[i % 2]
    return {
        "NIK": nik_for(born, sex, 1 + i // 1000, kecamatan),
        "Nama Lengkap": f"Peserta {i:05d} {rng.choice(['Wati', 'Budi', 'Sri', 'Agus'])}",
        "Tgl Lahir": born.strftime("%d/%m/%Y"),
        "L/P": sex,
        "Desa/Kelurahan": rng.choice(KEC_DESA[kecamatan]),
        "Ragam Disabilitas": rng.choice(["fisik", "tuna netra", "tuli, daksa", "mental"]),
        "No HP": f"0812{i:08d}" if i % 3 else "",
        "Nama Wali": "", "Hubungan Wali": "", "HP Wali": "", "Persetujuan": "Ya" if i % 2 else "",
    }


# Ways field rows go wrong, each with the column it is reported under and a word of the message.
def _bad(kind: str, row: dict) -> dict:
    row = dict(row)
    if kind == "nik_date":
        row["NIK"] = row["NIK"][:6] + "35" + row["NIK"][8:]  # day 35: neither a man's nor a woman's
    elif kind == "sex_mismatch":
        row["L/P"] = "P" if row["L/P"] == "L" else "L"
    elif kind == "nik_region":
        row["NIK"] = "999999" + row["NIK"][6:]
    elif kind == "phone":
        row["No HP"] = "12345"
    elif kind == "no_name":
        row["Nama Lengkap"] = "  "
    elif kind == "unknown_desa":
        row["Desa/Kelurahan"] = "Desa Antah Berantah"
    elif kind == "minor_without_wali":
        row.update(NIK=nik_for(date(2012, 5, 4), "L", 7, "35.07.25"), **{"Tgl Lahir": "04/05/2012", "L/P": "L"})
    elif kind == "minor_wali_without_relation":  # refused by register_person, not by the row parser
        row.update(NIK=nik_for(date(2013, 6, 5), "P", 8, "35.07.25"),
                   **{"Tgl Lahir": "05/06/2013", "L/P": "P", "Nama Wali": "Ibu Sumi"})
    elif kind == "no_consent":
        row["Persetujuan"] = "Tidak"
    elif kind == "category":
        row["Ragam Disabilitas"] = "pusing"
    return row


BAD_KINDS = {
    "nik_date": ("NIK", "bukan tanggal lahir yang sah"),
    "sex_mismatch": ("NIK", "jenis kelamin"),
    "nik_region": ("NIK", "bukan kode kecamatan"),
    "phone": ("No HP", "tidak valid"),  # a warning: the row is kept without the phone
    "no_name": ("Nama Lengkap", "wajib diisi"),
    "unknown_desa": ("Desa/Kelurahan", "tidak ditemukan"),
    "minor_without_wali": ("Nama Wali", "Nama Wali wajib diisi"),
    "minor_wali_without_relation": ("Hubungan Wali", "Wajib diisi"),
    "no_consent": ("Persetujuan", "Persetujuan pendataan tidak diberikan"),
    "category": ("Ragam Disabilitas", "tidak dikenal"),
}


def to_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADERS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def field_file(total=1000, bad_every=33):
    """`total` rows, every `bad_every`-th one broken (kinds in turn): (csv bytes, {row number: kind})."""
    rows, bad = [], {}
    kinds = list(BAD_KINDS)
    for i in range(total):
        row = good_row(i)
        if i % bad_every == bad_every - 1:
            kind = kinds[len(bad) % len(kinds)]
            row = _bad(kind, row)
            bad[i + 2] = kind  # row 1 is the header
        rows.append(row)
    return to_csv(rows), bad


def make_job(fresh_uow, actor, content, mode="valid_rows", filename="pendataan.csv", areas=None,
             declaration=DECLARED) -> dict:
    uow = fresh_uow()
    job = imports.create_job(uow, filename, content, mode, actor, areas, declaration)
    uow.commit()
    uow.close()
    return job


def claim_and_run(registry_sessions, job_id, **kwargs) -> dict:
    assert leases.claim_job(registry_sessions, job_id, WORKER, LEASE)
    return imports.run_job(registry_sessions, job_id, WORKER, **kwargs)


def run(registry_sessions, fresh_uow, actor, content, **kwargs) -> dict:
    job = make_job(fresh_uow, actor, content, **kwargs)
    return claim_and_run(registry_sessions, job["id"])


def count(registry_sessions, model, *where) -> int:
    with registry_sessions() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def read(fresh_uow, function, *args, **kwargs):
    """Call a reading function in its own unit of work and let the connection go (SQLite has one)."""
    uow = fresh_uow()
    try:
        return function(uow, *args, **kwargs)
    finally:
        uow.close()


def report(fresh_uow, job_id) -> list[list[str]]:
    return list(csv.reader(io.StringIO(read(fresh_uow, imports.error_report_csv, job_id))))


# --- the done-when: 1,000 field rows with 30 bad ones ----------------------------------------------

def test_valid_rows_imports_the_good_rows_reports_each_bad_one_and_a_rerun_adds_nothing(
        registry_sessions, fresh_uow, actor):
    content, bad = field_file()
    assert len(bad) == 30 and len(set(bad.values())) == len(BAD_KINDS)

    first = run(registry_sessions, fresh_uow, actor, content)
    assert first["status"] == "done" and first["failure_reason"] is None
    # Three of the 30 have only a bad phone: kept without it, with a warning.
    assert first["counts"] == {"rows": 1000, "created": 973, "skipped_existing": 0, "errors": 27, "warnings": 3}
    assert count(registry_sessions, Person) == 973
    lines = report(fresh_uow, first["id"])
    assert lines[0] == ["Baris", "Kolom", "Tingkat", "Pesan"]
    by_row = {}
    for row, column, level, message in lines[1:]:
        by_row.setdefault(int(row), []).append((column, message))
        assert level == ("peringatan" if bad[int(row)] == "phone" else "galat")
    assert set(by_row) == set(bad)  # every bad row, by its number, and no good one
    for row, kind in bad.items():
        column, words = BAD_KINDS[kind]
        assert any(c == column and words.lower() in m.lower() for c, m in by_row[row]), (row, kind, by_row[row])

    again = run(registry_sessions, fresh_uow, actor, content)
    assert again["counts"] == {"rows": 1000, "created": 0, "skipped_existing": 973, "errors": 27, "warnings": 3}
    assert count(registry_sessions, Person) == 973
    assert report(fresh_uow, again["id"]) == lines


def test_all_or_nothing_with_a_bad_row_creates_nothing_and_lists_the_errors(registry_sessions, fresh_uow, actor):
    content, bad = field_file()
    job = run(registry_sessions, fresh_uow, actor, content, mode="all_or_nothing")
    assert job["status"] == "done"
    assert job["counts"] == {"rows": 1000, "created": 0, "skipped_existing": 0, "errors": 27, "warnings": 3}
    assert count(registry_sessions, Person) == 0
    assert count(registry_sessions, Consent) == 0
    assert count(registry_sessions, tables.outbox) == 0  # no person_registered event escaped either
    assert {int(line[0]) for line in report(fresh_uow, job["id"])[1:]} == set(bad)


def test_all_or_nothing_with_clean_rows_imports_them_all(registry_sessions, fresh_uow, actor):
    job = run(registry_sessions, fresh_uow, actor, to_csv([good_row(i) for i in range(450)]), mode="all_or_nothing")
    assert job["counts"] == {"rows": 450, "created": 450, "skipped_existing": 0, "errors": 0, "warnings": 0}
    assert count(registry_sessions, Person) == 450


# --- a row goes through register_person --------------------------------------------------------------

def test_an_imported_person_has_the_history_consent_and_event_of_a_registration(registry_sessions, fresh_uow, actor):
    row = good_row(4)
    row.update({"No HP": "0812-3456-7890", "Persetujuan": ""})
    minor = good_row(5)
    minor.update(NIK=nik_for(date(2015, 2, 3), "P", 9, "35.73.03"),
                 **{"Tgl Lahir": "03/02/2015", "L/P": "P", "Desa/Kelurahan": "35.73.03.1008",
                    "Nama Wali": "Ibu Sumi", "Hubungan Wali": "ibu", "HP Wali": "0813 1111 2222"})
    job = run(registry_sessions, fresh_uow, actor, to_csv([row, minor]))
    assert job["counts"]["created"] == 2

    with registry_sessions() as session:
        adult = session.scalar(sa.select(Person).where(Person.nik_index == nik_index(row["NIK"])))
        child = session.scalar(sa.select(Person).where(Person.nik_index == nik_index(minor["NIK"])))
        assert adult.phone == "+6281234567890" and adult.created_by == actor["user_id"]
        assert (child.kecamatan_code, child.guardian_relation) == ("35.73.03", "ibu")
        consents = {c.person_id: c for c in session.scalars(sa.select(Consent))}
        assert (consents[adult.id].purpose, consents[adult.id].given_by, consents[adult.id].form) == (
            "pendataan", "self", "written")
        # A child cannot consent for themselves; the guardian named in the row does.
        assert consents[child.id].given_by == "guardian" and consents[child.id].given_on == TODAY
        actions = session.scalars(sa.select(PersonChange.action).where(PersonChange.person_id == adult.id)).all()
        assert actions == ["created", "consent_recorded"]
        events = session.scalars(sa.select(tables.outbox.c.routing_key)).all()
        assert events == ["person_registered", "person_registered"]


def test_rows_outside_the_callers_areas_are_refused(registry_sessions, fresh_uow, actor):
    inside, outside = good_row(1), good_row(2)
    inside["Desa/Kelurahan"] = "35.07.25.2001"   # Lawang
    outside["Desa/Kelurahan"] = "35.79.01.1001"  # Kota Batu
    job = run(registry_sessions, fresh_uow, actor, to_csv([inside, outside]), areas=["35.07.25"])
    assert job["counts"] == {"rows": 2, "created": 1, "skipped_existing": 0, "errors": 1, "warnings": 0}
    assert report(fresh_uow, job["id"])[1] == ["3", "Desa/Kelurahan", "galat",
                                                "Desa/kelurahan 35.79.01.1001 di luar wilayah Anda."]


def test_a_nik_twice_in_one_file_is_registered_once(registry_sessions, fresh_uow, actor):
    rows = [good_row(i) for i in range(3)]
    rows.append(dict(rows[0]))
    # Batches are 200 rows: the repeat is found in the same batch and in a later one.
    rows += [good_row(i) for i in range(10, 400)] + [dict(rows[1])]
    job = run(registry_sessions, fresh_uow, actor, to_csv(rows))
    assert job["counts"] == {"rows": 395, "created": 393, "skipped_existing": 2, "errors": 0, "warnings": 0}


def test_progress_is_told_after_each_batch(registry_sessions, fresh_uow, actor):
    job = make_job(fresh_uow, actor, to_csv([good_row(i) for i in range(450)]))
    seen = []
    claim_and_run(registry_sessions, job["id"], progress=seen.append)
    assert [c["rows"] for c in seen] == [200, 400, 450]
    assert seen[-1] == {"rows": 450, "created": 450, "skipped_existing": 0, "errors": 0, "warnings": 0}


def test_xlsx_is_imported_like_csv(registry_sessions, fresh_uow, actor):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for i in range(30):
        row = good_row(i)
        sheet.append([int(row["NIK"]), *[row[h] for h in HEADERS[1:]]])  # Excel makes the NIK a number
    out = io.BytesIO()
    workbook.save(out)
    job = run(registry_sessions, fresh_uow, actor, out.getvalue(), filename="data lapangan.xlsx")
    assert job["counts"] == {"rows": 30, "created": 30, "skipped_existing": 0, "errors": 0, "warnings": 0}


def test_a_file_larger_than_one_stored_part_is_read_across_parts(registry_sessions, fresh_uow, actor, monkeypatch):
    monkeypatch.setattr(imports, "FILE_PART_BYTES", 1000)
    monkeypatch.setattr("registry.models.imports.FILE_PART_BYTES", 1000)
    content = to_csv([good_row(i) for i in range(60)])
    job = make_job(fresh_uow, actor, content)
    assert count(registry_sessions, ImportFile) == len(content) // 1000 + 1
    done = claim_and_run(registry_sessions, job["id"])
    assert done["counts"]["created"] == 60
    assert count(registry_sessions, ImportFile) == 0  # the upload (NIKs, names) is gone once imported


# --- refusing files ------------------------------------------------------------------------------

@pytest.mark.parametrize(("filename", "content", "field", "words"), [
    ("data.xls", b"NIK", "filename", "bukan .csv atau .xlsx"),
    ("data.pdf", b"%PDF", "filename", "bukan .csv atau .xlsx"),
    ("data.csv", b"", "content", "Berkas kosong"),
    ("data.csv", b"NIK,Nama\n1,a\n", "content", "Kolom wajib tidak ditemukan"),
    ("data.xlsx", b"not a zip", "content", "tidak bisa dibuka"),
    ("", b"NIK", "filename", "wajib"),
])
def test_files_that_can_never_be_imported_are_refused_at_once(uow, actor, filename, content, field, words):
    with pytest.raises(ValidationFailed) as refused:
        imports.create_job(uow, filename, content, "valid_rows", actor, None)
    assert words in " ".join(refused.value.details[field])
    assert uow.session.scalar(sa.select(sa.func.count()).select_from(ImportJob)) == 0


def test_unknown_mode_areas_and_actor_are_refused(uow, actor):
    content = to_csv([good_row(1)])
    with pytest.raises(ValidationFailed) as refused:
        imports.create_job(uow, "a.csv", content, "sebagian", actor, None)
    assert "mode" in refused.value.details
    with pytest.raises(ValidationFailed):
        imports.create_job(uow, "a.csv", content, "valid_rows", actor, ["Lawang"])
    with pytest.raises(ValidationFailed):
        imports.create_job(uow, "a.csv", content, "valid_rows", {"name": "tanpa id"}, None)


def test_a_job_is_stored_queued_with_its_fingerprint(uow, actor):
    content = to_csv([good_row(1)])
    job = imports.create_job(uow, "C:\\Users\\pk\\pendataan.csv", content, "all_or_nothing", actor, ["35.07"],
                             DECLARED)
    assert job["filename"] == "pendataan.csv"  # no client paths kept
    assert (job["status"], job["mode"], job["areas"]) == ("queued", "all_or_nothing", ["35.07"])
    assert job["counts"] == {"rows": 0, "created": 0, "skipped_existing": 0, "errors": 0, "warnings": 0}
    assert job["consent_declaration"]["declared_by"] == actor["user_id"]
    assert job["started_at"] is None and job["finished_at"] is None
    stored = uow.session.get(ImportJob, job["id"])
    assert len(stored.file_sha256) == 64 and stored.file_bytes == len(content)
    assert imports.get_job(uow, job["id"]) == job


# --- claiming, running twice, failing ------------------------------------------------------------

def test_claim_takes_the_oldest_queued_job_once(registry_sessions, fresh_uow, actor):
    first = make_job(fresh_uow, actor, to_csv([good_row(1)]))
    second = make_job(fresh_uow, actor, to_csv([good_row(2)]))
    assert leases.claim_next_job(registry_sessions, WORKER, LEASE) == first["id"]
    assert leases.claim_next_job(registry_sessions, WORKER, LEASE) == second["id"]
    assert leases.claim_next_job(registry_sessions, WORKER, LEASE) is None
    job = read(fresh_uow, imports.get_job, first["id"])
    assert job["status"] == "running" and job["started_at"] is not None
    assert imports.run_job(registry_sessions, first["id"], WORKER)["status"] == "done"


def test_on_postgresql_a_job_being_claimed_elsewhere_is_skipped_not_waited_for(registry_sessions, fresh_uow, actor):
    if registry_sessions.kw["bind"].dialect.name != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite has one writer at a time")
    first = make_job(fresh_uow, actor, to_csv([good_row(1)]))
    second = make_job(fresh_uow, actor, to_csv([good_row(2)]))
    with registry_sessions() as other_replica:
        # Another replica is in the middle of claiming the oldest job: its row is locked.
        other_replica.execute(sa.select(ImportJob).where(ImportJob.id == first["id"]).with_for_update())
        assert leases.claim_next_job(registry_sessions, WORKER, LEASE) == second["id"]
    assert leases.claim_next_job(registry_sessions, WORKER, LEASE) == first["id"]


def test_a_finished_job_is_not_run_again(registry_sessions, fresh_uow, actor):
    job = run(registry_sessions, fresh_uow, actor, to_csv([good_row(1)]))
    assert not leases.claim_job(registry_sessions, job["id"], WORKER, LEASE)
    with pytest.raises(leases.LeaseLost):
        imports.run_job(registry_sessions, job["id"], WORKER)
    with pytest.raises(NotFound):
        imports.run_job(registry_sessions, "no-such-job", WORKER)


def test_a_crash_mid_import_fails_the_job_and_keeps_committed_batches(registry_sessions, fresh_uow, actor,
                                                                      monkeypatch, caplog):
    rows = [good_row(i) for i in range(450)]
    real = imports.batch_writes.write
    calls = {"n": 0}

    def flaky(uow, registrations, who):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError(f"database went away while writing {registrations[0].values['nik']}")
        return real(uow, registrations, who)

    monkeypatch.setattr(imports.batch_writes, "write", flaky)
    job = run(registry_sessions, fresh_uow, actor, to_csv(rows))
    assert job["status"] == "failed" and "kesalahan sistem" in job["failure_reason"]
    assert job["counts"] == {"rows": 200, "created": 200, "skipped_existing": 0, "errors": 0, "warnings": 0}
    assert count(registry_sessions, Person) == 200  # the first batch; nothing of the broken one
    assert rows[0]["NIK"] not in caplog.text and "RuntimeError" in caplog.text  # no NIK in the log

    monkeypatch.setattr(imports.batch_writes, "write", real)
    again = run(registry_sessions, fresh_uow, actor, to_csv(rows))
    assert again["counts"] == {"rows": 450, "created": 250, "skipped_existing": 200, "errors": 0, "warnings": 0}


def test_an_unreadable_stretch_deep_in_the_file_fails_the_job_with_a_reason(registry_sessions, fresh_uow, actor):
    # The encoding is judged on the first 64 KB; a Windows-1252 byte after that cannot be read as UTF-8.
    content = to_csv([good_row(i) for i in range(800)]) + to_csv([good_row(900)]).split(b"\r\n", 1)[1].replace(
        b"Peserta", b"Pes\xe9rta")
    assert len(content) > 64 * 1024
    job = run(registry_sessions, fresh_uow, actor, content)
    assert job["status"] == "failed"
    assert "simpan ulang sebagai CSV UTF-8" in job["failure_reason"]
    # The whole file is read once before any row is registered, so nothing of it was.
    assert job["counts"]["created"] == count(registry_sessions, Person) == 0


def test_when_not_even_the_failure_can_be_written_the_error_quotes_no_row(registry_sessions, fresh_uow, actor,
                                                                          monkeypatch):
    row = good_row(1)

    def broken(self, *args):
        raise RuntimeError(f"disk full while writing {row['NIK']}")

    monkeypatch.setattr(imports._Run, "execute", broken)
    monkeypatch.setattr(imports._Run, "fail", broken)
    job = make_job(fresh_uow, actor, to_csv([row]))
    with pytest.raises(RuntimeError) as raised:
        claim_and_run(registry_sessions, job["id"])
    assert row["NIK"] not in str(raised.value) and raised.value.__cause__ is None
    assert raised.value.__suppress_context__


def test_a_crash_in_all_or_nothing_keeps_nothing(registry_sessions, fresh_uow, actor, monkeypatch):
    real = imports.batch_writes.write
    calls = {"n": 0}

    def flaky(uow, registrations, who):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("boom")
        return real(uow, registrations, who)

    monkeypatch.setattr(imports.batch_writes, "write", flaky)
    job = run(registry_sessions, fresh_uow, actor, to_csv([good_row(i) for i in range(450)]),
              mode="all_or_nothing")
    assert job["status"] == "failed" and job["counts"]["created"] == 0
    assert count(registry_sessions, Person) == 0


# --- lists and the report ------------------------------------------------------------------------

def test_jobs_are_listed_newest_first_in_pages(registry_sessions, fresh_uow, actor):
    ids = [make_job(fresh_uow, actor, to_csv([good_row(i)]))["id"] for i in range(5)]
    make_job(fresh_uow, {"user_id": "u-other"}, to_csv([good_row(9)]))
    first = read(fresh_uow, imports.list_jobs, limit=3, requested_by=actor["user_id"])
    second = read(fresh_uow, imports.list_jobs, limit=3, cursor=first["next_cursor"], requested_by=actor["user_id"])
    assert [j["id"] for j in first["items"] + second["items"]] == ids[::-1]
    assert second["next_cursor"] is None
    assert len(read(fresh_uow, imports.list_jobs)["items"]) == 6
    with pytest.raises(ValidationFailed):
        read(fresh_uow, imports.list_jobs, cursor="bm9wZQ")


def test_error_report_neutralises_formulas_and_unknown_jobs(registry_sessions, fresh_uow, actor):
    # Headers come from the upload and are echoed in the report; Excel must not run them.
    row = good_row(1)
    content = to_csv([{**row, "Nama Lengkap": "1234"}]).replace(b"Nama Lengkap", b"=Nama Lengkap", 1)
    job = run(registry_sessions, fresh_uow, actor, content)
    assert report(fresh_uow, job["id"])[1][:3] == ["2", "'=Nama Lengkap", "galat"]
    assert count(registry_sessions, ImportRowError) == job["counts"]["errors"] == 1
    with pytest.raises(NotFound):
        read(fresh_uow, imports.error_report_csv, "nope")


# --- the command line ----------------------------------------------------------------------------

def command(*argv):
    parser = argparse.ArgumentParser()
    commands.add_commands(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["import", *argv])


def test_the_import_command_imports_and_writes_the_refused_rows_beside_the_file(
        registry_sessions, sqlite_url, tmp_path, capsys):
    content, bad = field_file(total=100, bad_every=33)
    path = tmp_path / "lapangan.csv"
    path.write_bytes(content)
    args = command(str(path), "--user-id", "u-cli", "--org-id", "lingkar-sosial", "--consent-form", "written",
                   "--consent-date", TODAY.isoformat())
    assert args.handler(args, {"DATABASE_URL": sqlite_url}) == 0
    out = capsys.readouterr()
    assert "100 baris; 97 baru, 0 sudah terdaftar, 3 ditolak" in out.out
    assert "baris" in out.err  # the progress bar
    rows = list(csv.reader(io.StringIO((tmp_path / "lapangan-ditolak.csv").read_text(encoding="utf-8-sig"))))
    assert {int(r[0]) for r in rows[1:]} == set(bad)
    assert count(registry_sessions, Person, Person.created_by == "u-cli") == 97
    for row in rows[1:]:
        assert row[3] not in out.out  # refused rows' details stay out of the terminal


def test_the_import_command_all_or_nothing_and_refused_files(registry_sessions, sqlite_url, tmp_path, capsys):
    content, _ = field_file(total=40, bad_every=20)
    path = tmp_path / "lapangan.csv"
    path.write_bytes(content)
    report = tmp_path / "laporan.csv"
    args = command(str(path), "--mode", "all_or_nothing", "--errors", str(report), "--consent-form", "written",
                   "--consent-date", TODAY.isoformat())
    assert args.handler(args, {"DATABASE_URL": sqlite_url}) == 0
    assert "tidak ada yang disimpan" in capsys.readouterr().out
    assert report.exists() and count(registry_sessions, Person) == 0

    wrong = tmp_path / "lama.xls"
    wrong.write_bytes(b"x")
    args = command(str(wrong))
    assert args.handler(args, {"DATABASE_URL": sqlite_url}) == 2
    assert "bukan .csv atau .xlsx" in capsys.readouterr().err
    args = command(str(tmp_path / "tidak-ada.csv"))
    assert args.handler(args, {"DATABASE_URL": sqlite_url}) == 2


# --- leases: a live job is never run twice; a dead worker's job is taken over --------------------

@pytest.fixture
def clock(monkeypatch):
    """history.now() under the test's control: `clock.advance(seconds)`."""
    class Clock:
        at = history.now()

        def advance(self, seconds):
            self.at += timedelta(seconds=seconds)

    clock = Clock()
    monkeypatch.setattr(history, "now", lambda: clock.at)
    return clock


def test_a_job_whose_heartbeat_stopped_is_taken_over_and_a_live_one_is_not(registry_sessions, fresh_uow, actor,
                                                                           clock):
    content, bad = field_file(total=40, bad_every=10)
    job = make_job(fresh_uow, actor, content)
    assert leases.claim_next_job(registry_sessions, "worker-a", LEASE) == job["id"]

    # Alive: its heartbeat renews the lease, so however long the job runs nobody else takes it.
    for _ in range(5):
        clock.advance(LEASE.total_seconds() * 0.6)
        assert leases.renew_lease(registry_sessions, job["id"], "worker-a", LEASE)
        assert leases.claim_next_job(registry_sessions, "worker-b", LEASE) is None

    # Dead: no heartbeat for longer than the lease; the next worker takes it over and finishes it.
    with registry_sessions() as session, session.begin():
        session.execute(sa.update(ImportJob).where(ImportJob.id == job["id"]).values(row_count=7, error_count=3))
        session.add(ImportRowError(job_id=job["id"], row=2, column="NIK", message="dari percobaan yang mati"))
    clock.advance(LEASE.total_seconds() + 1)
    assert leases.claim_next_job(registry_sessions, "worker-b", LEASE) == job["id"]
    taken = read(fresh_uow, imports.get_job, job["id"])
    assert taken["counts"] == {"rows": 0, "created": 0, "skipped_existing": 0, "errors": 0, "warnings": 0}
    assert not leases.renew_lease(registry_sessions, job["id"], "worker-a", LEASE)  # a's claim is gone
    finished = imports.run_job(registry_sessions, job["id"], "worker-b")
    assert finished["status"] == "done"
    assert finished["counts"]["rows"] == 40 and finished["counts"]["errors"] + finished["counts"]["warnings"] == 4
    assert "dari percobaan yang mati" not in " ".join(r[3] for r in report(fresh_uow, job["id"]))
    with registry_sessions() as session:
        assert session.get(ImportJob, job["id"]).attempts == 2


def test_a_worker_whose_job_was_taken_over_commits_nothing_more(registry_sessions, fresh_uow, actor, clock):
    job = make_job(fresh_uow, actor, to_csv([good_row(i) for i in range(450)]))
    assert leases.claim_job(registry_sessions, job["id"], "worker-a", LEASE)

    def stalled_then_resumed(counts):
        if counts["rows"] == 200:  # worker-a stalls past its lease after its first batch...
            clock.advance(LEASE.total_seconds() + 1)
            assert leases.claim_job(registry_sessions, job["id"], "worker-b", LEASE)

    with pytest.raises(leases.LeaseLost):  # ...and finds out at its next commit, which is refused
        imports.run_job(registry_sessions, job["id"], "worker-a", progress=stalled_then_resumed)
    assert count(registry_sessions, Person) == 200
    finished = imports.run_job(registry_sessions, job["id"], "worker-b")
    assert finished["counts"] == {"rows": 450, "created": 250, "skipped_existing": 200, "errors": 0, "warnings": 0}
    assert count(registry_sessions, Person) == 450


def test_the_heartbeat_renews_the_lease_while_the_job_runs(registry_sessions, fresh_uow, actor, engine_for,
                                                          sqlite_url):
    job = make_job(fresh_uow, actor, to_csv([good_row(1)]))
    short = worker.WorkerSettings(lease_seconds=30, heartbeat_seconds=0.05)
    assert leases.claim_job(registry_sessions, job["id"], "worker-a", short.lease)
    with registry_sessions() as session:
        first = session.get(ImportJob, job["id"]).lease_expires_at
    with worker.Heartbeat(registry_sessions, job["id"], "worker-a", short) as beat:
        wait_until = time.monotonic() + 5
        while time.monotonic() < wait_until:
            with registry_sessions() as session:
                if session.get(ImportJob, job["id"]).lease_expires_at > first:
                    break
            time.sleep(0.05)
        else:
            pytest.fail("the heartbeat never renewed the lease")
        beat.check()  # still ours
        assert leases.release_job(registry_sessions, job["id"], "worker-a")
        time.sleep(0.3)
        with pytest.raises(leases.LeaseLost):
            beat.check()


def test_the_worker_runs_queued_jobs_and_a_stopping_worker_returns_its_job(registry_sessions, fresh_uow, actor):
    first = make_job(fresh_uow, actor, to_csv([good_row(i) for i in range(5)]))
    settings = worker.WorkerSettings(lease_seconds=60, heartbeat_seconds=30, poll_seconds=0.01)
    assert worker.work(registry_sessions, registry_sessions, settings, threading.Event(), once=True) == 1
    assert read(fresh_uow, imports.get_job, first["id"])["status"] == "done"

    second = make_job(fresh_uow, actor, to_csv([_bad("phone", good_row(10))] + [good_row(i) for i in range(11, 450)]))
    stop = threading.Event()
    real = imports.run_job

    def stop_during(*args, progress, **kwargs):
        def and_stop(counts):
            stop.set()
            progress(counts)
        return real(*args, progress=and_stop, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(imports, "run_job", stop_during)
        worker.work(registry_sessions, registry_sessions, settings, stop)
    back = read(fresh_uow, imports.get_job, second["id"])
    assert back["status"] == "queued" and back["counts"]["rows"] == 200  # one batch done, then handed back
    assert worker.work(registry_sessions, registry_sessions, settings, threading.Event(), once=True) == 1
    done = read(fresh_uow, imports.get_job, second["id"])
    assert (done["counts"]["skipped_existing"], done["counts"]["warnings"]) == (200, 1)
    assert len(report(fresh_uow, second["id"])) == 2  # the warning once, not once per run


# --- consent that was really given -----------------------------------------------------------------

def test_without_a_consent_in_the_file_or_a_declaration_rows_are_refused(registry_sessions, fresh_uow, actor):
    rows = [good_row(1), good_row(2)]  # 1 says Ya, 2 has a blank Persetujuan
    job = run(registry_sessions, fresh_uow, actor, to_csv(rows), declaration=None)
    assert job["counts"]["created"] == 1 and job["counts"]["errors"] == 1
    line = report(fresh_uow, job["id"])[1]
    assert line[:3] == ["3", "Persetujuan", "galat"] and "formulir persetujuan" in line[3]

    no_column = [{k: v for k, v in good_row(3).items() if k != "Persetujuan"}]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[h for h in HEADERS if h != "Persetujuan"])
    writer.writeheader()
    writer.writerows(no_column)
    job = run(registry_sessions, fresh_uow, actor, out.getvalue().encode(), declaration=None)
    assert report(fresh_uow, job["id"])[1][1] == "Persetujuan (kolom tidak ada)"


def test_consent_is_recorded_as_the_file_or_the_declaration_gives_it(registry_sessions, fresh_uow, actor):
    from_file = {**good_row(1), "Persetujuan": "Ya"}
    declared = {**good_row(2), "Persetujuan": ""}
    headers = HEADERS + ["Tanggal Persetujuan", "Bentuk Persetujuan"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers)
    writer.writeheader()
    writer.writerow({**from_file, "Tanggal Persetujuan": "12/05/2025", "Bentuk Persetujuan": "dibacakan"})
    writer.writerow({**declared, "Tanggal Persetujuan": "", "Bentuk Persetujuan": ""})
    job = run(registry_sessions, fresh_uow, actor, out.getvalue().encode(),
              declaration={"form": "easy_read", "given_on": "2025-04-30"})
    assert job["counts"]["created"] == 2
    with registry_sessions() as session:
        got = {nik: (form, given_on.isoformat(), source, by) for nik, form, given_on, source, by in session.execute(
            sa.select(Person.nik, Consent.form, Consent.given_on, Consent.source, Consent.recorded_by)
            .join(Consent, Consent.person_id == Person.id))}
    assert got[from_file["NIK"]] == ("read_aloud", "2025-05-12", "import_file", actor["user_id"])
    assert got[declared["NIK"]] == ("easy_read", "2025-04-30", "import_declaration", actor["user_id"])


@pytest.mark.parametrize(("declaration", "field"), [
    ({"form": "lisan", "given_on": "2025-05-01"}, "consent_form"),
    ({"form": "written"}, "consent_given_on"),
    ({"form": "written", "given_on": "2099-01-01"}, "consent_given_on"),
])
def test_a_declaration_without_a_valid_form_and_date_is_refused_at_upload(uow, actor, declaration, field):
    with pytest.raises(ValidationFailed) as refused:
        imports.create_job(uow, "a.csv", to_csv([good_row(1)]), "valid_rows", actor, None, declaration)
    assert field in refused.value.details


# --- warnings, formulas without values, the guardian's relation -----------------------------------

def test_a_bad_optional_phone_keeps_the_row_without_it_and_warns(registry_sessions, fresh_uow, actor):
    row = {**good_row(1), "No HP": "12345"}
    job = run(registry_sessions, fresh_uow, actor, to_csv([row]))
    assert job["counts"] == {"rows": 1, "created": 1, "skipped_existing": 0, "errors": 0, "warnings": 1}
    with registry_sessions() as session:
        assert session.scalar(sa.select(Person.phone).where(Person.nik_index == nik_index(row["NIK"]))) is None
    line = report(fresh_uow, job["id"])[1]
    assert line[:3] == ["2", "No HP", "peringatan"] and "tetap diimpor" in line[3]


def test_a_formula_without_a_saved_value_is_named_as_such(registry_sessions, fresh_uow, actor):
    row = good_row(1)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append([row[h] for h in HEADERS])
    sheet["B2"] = '=CONCATENATE("Peserta ", "Satu")'  # openpyxl saves formulas without a cached value
    out = io.BytesIO()
    workbook.save(out)
    job = run(registry_sessions, fresh_uow, actor, out.getvalue(), filename="rumus.xlsx")
    line = report(fresh_uow, job["id"])[1]
    assert line[1] == "Nama Lengkap" and "rumus tanpa nilai" in line[3] and "wajib diisi" not in line[3]


def test_a_guardian_without_a_relation_column_says_the_column_is_missing(registry_sessions, fresh_uow, actor):
    minor = _bad("minor_wali_without_relation", good_row(3))
    headers = [h for h in HEADERS if h != "Hubungan Wali"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers, extrasaction="ignore")
    writer.writeheader()
    writer.writerow(minor)
    job = run(registry_sessions, fresh_uow, actor, out.getvalue().encode())
    assert report(fresh_uow, job["id"])[1][1] == "Hubungan Wali (kolom tidak ada)"
