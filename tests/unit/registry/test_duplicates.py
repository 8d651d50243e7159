"""Likely duplicates: similar name, same birth date, same kecamatan."""
from dataclasses import dataclass
from datetime import date

import pytest

from registry.duplicates import is_likely_duplicate, likely_duplicates, name_similarity, normalise_name


@dataclass
class Person:
    name: str
    birth_date: date | None
    kecamatan_code: str | None


BORN = date(1990, 3, 12)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("  SITI   Aminah ", "siti aminah"),
        ("Hj. Siti Aminah, S.Pd.", "siti aminah"),
        ("Bpk. Drs. H. Ahmad Fauzi", "ahmad fauzi"),
        ("Ahmad Fauzi S.Pd", "ahmad fauzi"),
        ("Ahmad Fauzi SE", "ahmad fauzi"),
        ("Nur'aini", "nuraini"),
        ("Moch. Ali", "muhammad ali"),
        ("Ibu", "ibu"),
        ("Dwi Rahayu-Ningsih", "dwi rahayu ningsih"),
    ],
)
def test_normalise_name(raw, expected):
    assert normalise_name(raw) == expected


def test_similarity_ignores_order_titles_and_case():
    assert name_similarity("Siti Aminah", "Aminah Siti") == 100
    assert name_similarity("Ibu Siti Aminah", "siti aminah, S.Pd.") == 100
    assert name_similarity("Mohammad Ali", "Muhammad Ali") == 100


def test_similarity_of_different_names_is_low():
    assert name_similarity("Siti Aminah", "Budi Santoso") < 50
    assert name_similarity("", "Budi") == 0.0


def test_duplicate_needs_name_date_and_kecamatan():
    a = {"name": "Siti Aminah", "birth_date": BORN, "kecamatan_code": "35.07.25"}
    assert is_likely_duplicate(a, {"name": "Sitti Aminah", "birth_date": BORN, "kecamatan_code": "35.07.25"})
    other_day = date(1990, 3, 13)
    assert not is_likely_duplicate(a, {"name": "Sitti Aminah", "birth_date": other_day, "kecamatan_code": "35.07.25"})
    assert not is_likely_duplicate(a, {"name": "Sitti Aminah", "birth_date": BORN, "kecamatan_code": "35.07.24"})
    assert not is_likely_duplicate(a, {"name": "Siti Rohmah", "birth_date": BORN, "kecamatan_code": "35.07.25"})


def test_dataclasses_and_iso_strings_are_accepted():
    a = Person("H. Ahmad Fauzi", BORN, "35.73.01")
    assert is_likely_duplicate(a, {"name": "Ahmad Fauzi", "birth_date": "1990-03-12", "kecamatan_code": "35.73.01"})


def test_missing_data_never_matches():
    assert not is_likely_duplicate(Person("Siti", None, "35.07.25"), Person("Siti", None, "35.07.25"))
    assert not is_likely_duplicate(Person("Siti", BORN, None), Person("Siti", BORN, None))


def test_threshold_is_applied():
    a, b = Person("Siti Aminah", BORN, "35.07.25"), Person("Siti Amina", BORN, "35.07.25")
    score = name_similarity(a.name, b.name)
    assert 88 <= score < 100
    assert is_likely_duplicate(a, b)
    assert not is_likely_duplicate(a, b, threshold=score + 0.1)


def test_likely_duplicates_sorted_by_score():
    candidate = Person("Siti Aminah", BORN, "35.07.25")
    exact = Person("Siti Aminah", BORN, "35.07.25")
    close = Person("Siti Amina", BORN, "35.07.25")
    other = Person("Budi", BORN, "35.07.25")
    found = likely_duplicates(candidate, [close, other, exact])
    assert [p for p, _ in found] == [exact, close]
    assert found[0][1] == 100
