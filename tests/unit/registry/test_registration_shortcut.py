"""The registration shortcut loads what it accepts exactly as RegistrationInput would, and leaves the rest to it."""
from datetime import date, datetime

import pytest
from marshmallow import ValidationError

from registry.schemas import RegistrationInput, _registration_shortcut, load, load_registration

BASE = {
    "nik": "3507 0112 0390 0001", "kk": "3507011203900002", "name": "  Siti   Aminah ", "birth_date": "1990-03-12",
    "sex": "P", "desa_code": "35.07.01.2001", "phone": "+6281234567890",
    "disability": {"categories": ["fisik", " netra "]},
    "guardian": {"name": "Budi", "relation": "ayah", "phone": "+6281234567891"},
    "business": {"sector": " kuliner "},
    "consent": {"purpose": "pendataan", "given_by": "self", "form": "written", "given_on": "2024-01-05"},
}


def _with(path: str, value):
    data = {**BASE, "disability": dict(BASE["disability"]), "guardian": dict(BASE["guardian"]),
            "business": dict(BASE["business"]), "consent": dict(BASE["consent"])}
    *parents, last = path.split(".")
    target = data
    for name in parents:
        target = target[name]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return data


VARIANTS = [
    BASE,
    _with("kk", None), _with("kk", KeyError), _with("kk", "  "), _with("phone", None), _with("phone", ""),
    _with("guardian", None), _with("guardian", KeyError), _with("guardian.phone", KeyError),
    _with("guardian.phone", None), _with("business", None), _with("business", KeyError),
    _with("business.sector", "  "), _with("birth_date", date(1990, 3, 12)),
    _with("birth_date", datetime(1990, 3, 12, 10, 0)), _with("consent.given_on", date(2024, 1, 5)),
    _with("disability.categories", []),
    # Each of these must be refused, by the schema.
    _with("nik", ""), _with("nik", None), _with("nik", 3507011203900001), _with("nik", "1" * 31),
    _with("name", " "), _with("name", "x" * 201), _with("birth_date", "12-03-1990"), _with("birth_date", None),
    _with("birth_date", "1990-02-30"), _with("sex", "X"), _with("sex", None), _with("desa_code", KeyError),
    _with("disability", None), _with("disability.categories", ["a", "b", "c", "d", "e"]),
    _with("disability.categories", [" "]), _with("disability.categories", "fisik"),
    _with("disability.diagnosis", "x"), _with("guardian.name", ""), _with("guardian.relation", KeyError),
    _with("guardian.age", 40), _with("guardian", "Budi"), _with("business.status", "aktif"),
    _with("consent.purpose", "layanan_x"), _with("consent.form", "fax"), _with("consent.given_on", ""),
    _with("consent.extra", 1), _with("consent", None), _with("email", "a@b.id"), _with("unknown", 1),
    _with("phone", "x" * 31), _with("guardian.phone", 812),
]


@pytest.mark.parametrize("data", VARIANTS)
def test_the_shortcut_loads_as_the_schema_or_not_at_all(data):
    shortcut = _registration_shortcut(data)
    try:
        loaded, refused = RegistrationInput().load(data), None
    except ValidationError as error:
        loaded, refused = None, error.messages
    if refused is not None:
        assert shortcut is None
    elif shortcut is not None:
        assert shortcut == loaded
    assert load_registration(data) == load(RegistrationInput(), data)


def test_an_import_row_takes_the_shortcut():
    # An import's row is built from parsed cells: it must not pay for the schema.
    assert _registration_shortcut(BASE) == RegistrationInput().load(BASE)
    assert _registration_shortcut(_with("guardian", KeyError)) is not None


def test_a_nik_found_valid_is_not_checked_again_against_the_same_facts(monkeypatch):
    from registry import schemas
    from registry.nik import check_nik

    nik, born, today = "3507015203900001", date(1990, 3, 12), date(2025, 6, 1)
    assert check_nik(nik, birth_date=born, sex="P", today=today) == []
    assert schemas.nik_problems(nik, born, "P", today) == []
    checked = []
    monkeypatch.setattr(schemas, "check_nik", lambda *a, **k: checked.append(a) or ["wrong"])
    assert schemas.nik_problems(nik, born, "P", today) == []
    assert checked == []
    # Other facts: checked anew.
    assert schemas.nik_problems(nik, born, "L", today) == ["wrong"]
