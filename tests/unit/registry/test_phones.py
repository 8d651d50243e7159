"""Phone numbers from field forms become E.164 or are refused in Indonesian."""
import pytest

from registry import phones
from registry.phones import normalise_phone


@pytest.mark.parametrize(
    "raw",
    [
        "081234567890",
        "0812-3456-7890",
        "0812 3456 7890",
        "+6281234567890",
        "+62 812-3456-7890",
        "6281234567890",
        "62 812 3456 7890",
        "(0812) 3456.7890",
        "81234567890",  # leading 0 dropped by a spreadsheet
        81234567890,
    ],
)
def test_accepted_forms(raw):
    assert normalise_phone(raw) == "+6281234567890"


def test_landline_malang():
    assert normalise_phone("0341-123456") == "+62341123456"


def test_foreign_number_with_plus():
    assert normalise_phone("+1 650 253 0000") == "+16502530000"


@pytest.mark.parametrize("raw", ["0812", "08123", "12345", "+62 0812", "0000000000"])
def test_invalid_numbers(raw):
    with pytest.raises(ValueError) as caught:
        normalise_phone(raw)
    assert "tidak valid" in str(caught.value)
    assert str(raw) in str(caught.value)


@pytest.mark.parametrize("raw", ["0812-abc-7890", "0812 3456 7890 ext 12", "telp 081234567890"])
def test_letters_refused(raw):
    with pytest.raises(ValueError, match="hanya boleh berisi angka"):
        normalise_phone(raw)


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_empty(raw):
    with pytest.raises(ValueError, match="kosong"):
        normalise_phone(raw)


def test_a_number_normalised_once_is_not_parsed_again(monkeypatch):
    # An import normalises a phone cell, then checks the row as a registration with the result.
    first = normalise_phone("0812 9876 5432")
    parsed = []
    monkeypatch.setattr(phones, "_parse", lambda *args: parsed.append(args))
    assert normalise_phone(first) == first == "+6281298765432"
    assert parsed == []
