"""What a single spreadsheet cell means: ID numbers, names, dates, sex, phones and consent.

Each parser takes a non-blank value and returns it normalised, or raises ValueError with a
message in Indonesian for the person fixing the spreadsheet.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from registry.nik import check_kk, clean_number
from registry.phones import normalise_phone

OLDEST_PLAUSIBLE_AGE = 120
MAX_TEXT = 200


def id_number(value: object) -> str:
    """NIK/KK as text; spreadsheets hand them over as numbers or with a leading ' to force text."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_number(value).lstrip("'")


def parse_kk(value: object) -> str:
    kk = id_number(value)
    problems = check_kk(kk)
    if problems:
        raise ValueError(" ".join(p.message for p in problems))
    return kk


def parse_text(value: object) -> str:
    text = " ".join(str(value).split())
    if len(text) > MAX_TEXT:
        raise ValueError(f"Isian terlalu panjang (lebih dari {MAX_TEXT} karakter).")
    return text


def parse_name(value: object) -> str:
    name = parse_text(value)
    if not any(ch.isalpha() for ch in name):
        raise ValueError(f"Nama '{name}' tidak berisi huruf.")
    return name


_MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "pebruari": 2, "feb": 2, "maret": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agus": 8, "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "november": 11, "nov": 11, "nop": 11, "desember": 12, "des": 12,
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_SPELLED = re.compile(r"^(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})$")


def parse_date(value: object, today: date) -> date:
    born = _date_value(value, "Tanggal lahir")
    if born > today:
        raise ValueError(f"Tanggal lahir {born:%d-%m-%Y} belum terjadi.")
    if today.year - born.year > OLDEST_PLAUSIBLE_AGE:
        raise ValueError(f"Tanggal lahir {born:%d-%m-%Y} tidak masuk akal (lebih dari {OLDEST_PLAUSIBLE_AGE} tahun).")
    return born


def parse_consent_date(value: object, today: date) -> date:
    given = _date_value(value, "Tanggal persetujuan")
    if given > today:
        raise ValueError(f"Tanggal persetujuan {given:%d-%m-%Y} belum terjadi.")
    return given


def _date_value(value: object, label: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _date_from_text(str(value), label)


def _date_from_text(text: str, label: str) -> date:
    original = text.strip()
    # TTL columns hold "Malang, 12-03-1990": the date is what follows the last comma.
    candidate = original.rsplit(",", 1)[-1].strip().casefold()
    parts = None
    if m := _ISO.match(candidate):
        parts = int(m[1]), int(m[2]), int(m[3])
    elif m := _DAY_FIRST.match(candidate):
        parts = int(m[3]), int(m[2]), int(m[1])
    elif (m := _SPELLED.match(candidate)) and m[2] in _MONTHS:
        parts = int(m[3]), _MONTHS[m[2]], int(m[1])
    if parts:
        try:
            return date(*parts)
        except ValueError:
            pass
    raise ValueError(
        f"{label} '{original}' tidak valid; gunakan format DD/MM/YYYY, DD-MM-YYYY atau YYYY-MM-DD."
    )


# Compiled once: these run for every row.
_NOT_LETTERS = re.compile(r"[^a-z]")
_SEPARATORS = re.compile(r"[\s\-_.]")

_SEXES = {
    "l": "L", "lk": "L", "laki": "L", "lakilaki": "L", "pria": "L",
    "p": "P", "pr": "P", "perempuan": "P", "wanita": "P",
}


def parse_sex(value: object) -> str:
    sex = _SEXES.get(_NOT_LETTERS.sub("", str(value).casefold()))
    if sex is None:
        raise ValueError(f"Jenis kelamin '{value}' tidak dikenal; isi L (laki-laki) atau P (perempuan).")
    return sex


def parse_phone(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalise_phone(value)


_YES = {"ya", "y", "iya", "setuju", "bersedia", "sudah", "1", "true", "v", "x", "✓", "✔"}
_NO = {"tidak", "tdk", "t", "n", "no", "belum", "tidaksetuju", "tidakbersedia", "0", "false"}


def parse_consent(value: object) -> bool:
    if isinstance(value, bool):
        return value
    key = _SEPARATORS.sub("", str(value).casefold())
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueError(f"Persetujuan '{value}' tidak dikenal; isi Ya atau Tidak.")


# How field forms name the way consent was asked, as the registry's consent forms.
_CONSENT_FORMS = {
    "tertulis": "written", "ditandatangani": "written", "tandatangan": "written", "ttd": "written",
    "formulir": "written", "written": "written",
    "dibacakan": "read_aloud", "lisan": "read_aloud", "readaloud": "read_aloud",
    "bahasaisyarat": "sign_language", "isyarat": "sign_language", "signlanguage": "sign_language",
    "mudahdibaca": "easy_read", "easyread": "easy_read",
}


def parse_consent_form(value: object) -> str:
    form = _CONSENT_FORMS.get(_NOT_LETTERS.sub("", str(value).casefold()))
    if form is None:
        raise ValueError(f"Bentuk persetujuan '{value}' tidak dikenal; isi Tertulis, Dibacakan, Bahasa Isyarat "
                         "atau Mudah Dibaca.")
    return form
