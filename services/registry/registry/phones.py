"""Phone numbers as typed in the field, turned into one stored form (E.164) or rejected."""
from __future__ import annotations

import re

import phonenumbers

# Separators people type; anything else (letters, "ext") is refused rather than guessed at,
# because phonenumbers would read letters as keypad digits.
_ALLOWED = re.compile(r"^\+?[\d\s\-.()/]+$")
_NOT_DIGITS = re.compile(r"\D")
_EXAMPLE = {"ID": "0812-3456-7890"}
# Numbers this process turned into E.164 lately: given again (an import's row is normalised when its
# cell is read, then checked as a registration), they are returned as they are, not parsed again.
# Parsing is the costly part; a number valid once stays valid. Bounded: emptied when full.
_RECENT_E164: set[str] = set()
_RECENT_MAX = 10_000


def normalise_phone(raw: object, region: str = "ID") -> str:
    """The number in E.164 (`+6281234567890`); ValueError with an Indonesian message if invalid.

    Accepts 0812..., +62812..., 62812... and 812... (a spreadsheet that dropped the leading 0).
    """
    text = str(raw).strip() if raw is not None else ""
    if text in _RECENT_E164:
        return text
    if not text:
        raise ValueError("Nomor telepon kosong.")
    if not _ALLOWED.match(text):
        raise ValueError(f"Nomor telepon '{text}' hanya boleh berisi angka, spasi, tanda +, - atau titik.")
    number = _parse(text, region)
    if number is None:
        example = _EXAMPLE.get(region)
        hint = f" (contoh: {example})" if example else ""
        raise ValueError(f"Nomor telepon '{text}' tidak valid{hint}.")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if len(_RECENT_E164) >= _RECENT_MAX:
        _RECENT_E164.clear()
    _RECENT_E164.add(e164)
    return e164


def _parse(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    digits = _NOT_DIGITS.sub("", text)
    attempts = [text]
    country_code = str(phonenumbers.country_code_for_region(region))
    if not text.startswith("+") and digits.startswith(country_code):
        # "62812..." is the international form without its "+"; try that reading first, since
        # phonenumbers would otherwise take 62 as the start of a national number.
        attempts.insert(0, "+" + digits)
    for attempt in attempts:
        try:
            number = phonenumbers.parse(attempt, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return number
    return None
