"""Fingerprints: the same content gives the same value, any change a different one."""
import dataclasses
import hashlib
import io
from datetime import date

from registry.importing.fingerprint import file_fingerprint, row_fingerprint
from registry.importing.rows import parse_row

ROW = {
    "nik": "3507255203900001",
    "name": "Siti Aminah",
    "birth_date": "12/03/1990",
    "sex": "P",
    "desa_code": "35.07.25.2001",
    "disability": "fisik",
}


def draft(**changes):
    result, errors = parse_row(2, {**ROW, **changes}, today=date(2025, 6, 1))
    assert errors == []
    return result


def test_same_content_same_fingerprint_whatever_the_spelling():
    a = draft()
    b = parse_row(40, {**ROW, "name": " Siti  Aminah", "birth_date": "1990-03-12", "sex": "Perempuan",
                       "desa_code": "Sidoluhur", "disability": "Tuna Daksa"}, today=date(2025, 6, 1))[0]
    assert row_fingerprint(a) == row_fingerprint(b)
    assert len(row_fingerprint(a)) == 64


def test_any_change_changes_the_fingerprint():
    base = row_fingerprint(draft())
    assert row_fingerprint(draft(phone="081234567890")) != base
    assert row_fingerprint(dataclasses.replace(draft(), name="Siti Aminah S")) != base


def test_dict_and_draft_agree():
    d = draft()
    assert row_fingerprint(d.as_dict()) == row_fingerprint(d)


def test_file_fingerprint_streams_and_rewinds(tmp_path):
    data = b"x" * (3 * 1024 * 1024 + 7)
    f = io.BytesIO(data)
    f.seek(0)
    assert file_fingerprint(f) == hashlib.sha256(data).hexdigest()
    assert f.tell() == 0
    path = tmp_path / "a.csv"
    path.write_bytes(data)
    assert file_fingerprint(path) == hashlib.sha256(data).hexdigest()
