"""Migration 0005_imports: consents that earlier imports assumed are marked, every other one is 'recorded'."""
import sqlite3

from inklusi_platform import migrations


def test_consents_assumed_by_earlier_imports_are_marked_and_others_are_not(tmp_path):
    path = tmp_path / "registry.db"
    url = f"sqlite:///{path}"
    migrations.upgrade("registry", url, "0002")
    with sqlite3.connect(path) as db:  # the rows as the earlier import code left them
        # Their person: later revisions rebuild tables with foreign keys enforced, so no orphan consents.
        db.execute("INSERT INTO persons (id, version, nik, name, birth_date, sex, desa_code, kecamatan_code, "
                   "nik_region_code, categories, functional_limitations, assistive_devices, channels, language, "
                   "format, copy_guardian, status, created_at, updated_at, created_by) VALUES ('p', 1, "
                   "'3507254101900001', 'Sri', '1990-01-01', 'P', '35.07.25.2001', '35.07.25', '35.07.25', "
                   "'[\"fisik\"]', '[]', '[]', '[\"sms\"]', 'id', 'plain_text', 0, 'active', "
                   "'2026-10-01 08:00:00', '2026-10-01 08:00:00', 'u-clerk')")
        db.execute("INSERT INTO import_jobs (id, filename, file_sha256, file_bytes, mode, status, row_count, "
                   "created_count, skipped_existing_count, error_count, requested_by, created_at, started_at, "
                   "finished_at) VALUES ('job', 'a.csv', 'x', 1, 'valid_rows', 'done', 2, 2, 0, 0, 'u-clerk', "
                   "'2026-10-01 08:00:00', '2026-10-01 08:00:01', '2026-10-01 08:05:00')")
        rows = [
            ("c-imported", "written", "u-clerk", "2026-10-01 08:02:00"),   # by the import, while it ran
            ("c-by-hand", "read_aloud", "u-clerk", "2026-10-01 08:03:00"),  # entered through the API then
            ("c-later", "written", "u-clerk", "2026-10-02 09:00:00"),       # after the import ended
            ("c-other", "written", "u-other", "2026-10-01 08:02:00"),       # someone else's
        ]
        db.executemany("INSERT INTO consents (id, person_id, purpose, given_by, form, given_on, recorded_at, "
                       "recorded_by) VALUES (?, 'p', 'pendataan', 'self', ?, '2026-10-01', ?, ?)",
                       [(i, form, at, by) for i, form, by, at in rows])
    migrations.upgrade("registry", url)
    with sqlite3.connect(path) as db:
        sources = dict(db.execute("SELECT id, source FROM consents"))
    assert sources == {"c-imported": "assumed_on_import", "c-by-hand": "recorded", "c-later": "recorded",
                       "c-other": "recorded"}
