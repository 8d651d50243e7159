"""The batch import path writes what register_person writes for the same rows, and reports what it reports."""
from datetime import date

import pytest
from sqlalchemy.orm import sessionmaker

from inklusi_platform import tables
from registry import history
from registry.models import Base
from tests.support.import_batches import both_paths, mixed_rows

TODAY = date(2025, 6, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(history, "today", lambda: TODAY)


@pytest.fixture
def sqlite_sessions(engine_for, tmp_path):
    def make(name: str):
        engine = engine_for(f"sqlite:///{tmp_path / name}.db")
        tables.metadata.create_all(engine)
        Base.metadata.create_all(engine)
        return sessionmaker(engine, expire_on_commit=False)
    return make


def test_a_batch_writes_what_registering_each_row_writes(sqlite_sessions, actor):
    batch_result, batch_written, single_result, single_written = both_paths(sqlite_sessions, actor)
    assert batch_result == single_result
    for part in ("persons", "history", "history_order", "consents", "flags", "events"):
        assert batch_written[part] == single_written[part], part
    # Not two empty runs: everything a registration writes is there.
    assert batch_result[1:] == (7, 2)  # created; skipped: a NIK twice in the file, one registered before
    assert len(batch_written["persons"]) == 8 and len(batch_written["events"]) == 8
    assert len(batch_written["flags"]) >= 3
    assert {c[-1] for c in batch_written["consents"]} >= {"import_file", "import_declaration"}
    assert "guardian" in {c[2] for c in batch_written["consents"]}


def test_a_batch_with_bad_rows_keeps_the_good_ones_and_reports_the_bad(sqlite_sessions, actor):
    (problems, created, skipped), written, *_ = both_paths(sqlite_sessions, actor)
    rows = mixed_rows()
    refused = {number for number, _, _, level in problems if level == "error"}
    warned = {number for number, _, _, level in problems if level == "warning"}
    assert refused == {8, 9, 10} and warned == {11}  # file rows: the header is row 1
    by_row = {number: (column, message) for number, column, message, _ in problems}
    assert by_row[8][0] == "Desa/Kelurahan"
    assert by_row[9] == ("Persetujuan", "Persetujuan pendataan tidak diberikan ('Tidak'); baris ini tidak diimpor.")
    assert by_row[10][0] == "Hubungan Wali"  # register_person's own check
    registered = {p["nik"] for p in written["persons"]}
    assert {rows[i]["NIK"] for i in (0, 1, 2, 3, 4, 9, 10, 11)} == registered
    assert next(p for p in written["persons"] if p["nik"] == rows[9]["NIK"])["phone"] is None
