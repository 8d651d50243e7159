"""Whether a NIK (and a KK number) is well formed and agrees with the person it is given for.

A NIK is 16 digits: 1-6 the kecamatan where it was first issued (anywhere in Indonesia),
7-12 the birth date as DDMMYY with 40 added to DD for women, 13-16 a serial from 0001.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from inklusi_platform.regions import regions

LENGTH = 16
FEMALE_DAY_OFFSET = 40
SEX_LABELS = {"L": "laki-laki", "P": "perempuan"}


@dataclass(frozen=True)
class Problem:
    code: str
    message: str


@dataclass(frozen=True)
class NikInfo:
    region_code: str
    birth_date: date
    sex: str
    serial: str


class InvalidNik(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(" ".join(p.message for p in problems))


def clean_number(value: object) -> str:
    """The number as typed, without the spaces people use to group digits."""
    if value is None:
        return ""
    return "".join(str(value).split())


def check_nik(
    nik: object,
    birth_date: date | None = None,
    sex: str | None = None,
    today: date | None = None,
) -> list[Problem]:
    """Every way the NIK is wrong, each once; an empty list means it is valid.

    When a birth date or sex is given the NIK must agree with it.
    """
    if sex is not None and sex not in SEX_LABELS:
        raise ValueError(f"sex must be 'L' or 'P', not {sex!r}")
    if isinstance(birth_date, datetime):
        birth_date = birth_date.date()
    today = today or date.today()
    digits = clean_number(nik)
    if not digits:
        return [Problem("nik.missing", "NIK wajib diisi.")]
    problems = _shape_problems(digits, "nik", "NIK")
    if problems:
        return problems
    if regions().from_nik_prefix(digits[:6]) is None:
        problems.append(Problem(
            "nik.region_unknown",
            f"Enam digit pertama NIK ({digits[:6]}) bukan kode kecamatan yang terdaftar di Kemendagri.",
        ))
    problems.extend(_birth_problems(digits[6:12], birth_date, sex, today))
    if digits[12:] == "0000":
        problems.append(Problem("nik.serial_zero", "Nomor urut NIK (4 digit terakhir) tidak boleh 0000."))
    return problems


def parse_nik(nik: object, today: date | None = None) -> NikInfo:
    """What a valid NIK says; raises InvalidNik (a ValueError) listing the problems otherwise."""
    problems = check_nik(nik, today=today)
    if problems:
        raise InvalidNik(problems)
    digits = clean_number(nik)
    raw_day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    sex, day = _sex_and_day(raw_day)
    born = _birth_date(day, month, yy, None, today or date.today())
    return NikInfo(
        region_code=f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}",
        birth_date=born,
        sex=sex,
        serial=digits[12:],
    )


def check_kk(kk: object) -> list[Problem]:
    """Problems with a Kartu Keluarga number: 16 digits starting with a known kecamatan code."""
    digits = clean_number(kk)
    if not digits:
        return [Problem("kk.missing", "Nomor KK kosong.")]
    problems = _shape_problems(digits, "kk", "Nomor KK")
    if not problems and regions().from_nik_prefix(digits[:6]) is None:
        problems.append(Problem(
            "kk.region_unknown",
            f"Enam digit pertama nomor KK ({digits[:6]}) bukan kode kecamatan yang terdaftar di Kemendagri.",
        ))
    return problems


def mask_nik(nik: object) -> str:
    """The NIK as it may be shown to staff who need the area but not the person: 3507************."""
    digits = clean_number(nik)
    if len(digits) <= 4:
        return "*" * len(digits)
    return digits[:4] + "*" * (len(digits) - 4)


def _shape_problems(digits: str, prefix: str, label: str) -> list[Problem]:
    problems = []
    if not digits.isascii() or not digits.isdigit():
        problems.append(Problem(f"{prefix}.digits", f"{label} hanya boleh berisi angka 0-9."))
    if len(digits) != LENGTH:
        problems.append(Problem(
            f"{prefix}.length", f"{label} harus {LENGTH} digit; yang diisi {len(digits)} karakter."
        ))
    return problems


def _sex_and_day(raw_day: int) -> tuple[str | None, int]:
    if raw_day > FEMALE_DAY_OFFSET:
        return "P", raw_day - FEMALE_DAY_OFFSET
    if 1 <= raw_day <= 31:
        return "L", raw_day
    # 00 and 32-40 are neither a man's nor a woman's day.
    return None, raw_day


def _birth_problems(ddmmyy: str, stated: date | None, stated_sex: str | None, today: date) -> list[Problem]:
    raw_day, month, yy = int(ddmmyy[0:2]), int(ddmmyy[2:4]), int(ddmmyy[4:6])
    sex, day = _sex_and_day(raw_day)
    problems = []
    born = _birth_date(day, month, yy, stated, today) if sex else None
    if born is None:
        problems.append(Problem(
            "nik.date_invalid",
            f"Digit 7-12 NIK ({ddmmyy}) bukan tanggal lahir yang sah "
            "(format DDMMYY; untuk perempuan tanggalnya ditambah 40).",
        ))
    elif born > today:
        problems.append(Problem("nik.date_future", f"Tanggal lahir pada NIK ({born:%d-%m-%Y}) belum terjadi."))
    if born is not None and stated is not None and (born.day, born.month, yy) != (
        stated.day, stated.month, stated.year % 100
    ):
        problems.append(Problem(
            "nik.birth_date_mismatch",
            f"Tanggal lahir pada NIK ({day:02d}-{month:02d}-{yy:02d}) tidak sama dengan "
            f"tanggal lahir yang diisi ({stated:%d-%m-%Y}).",
        ))
    if sex and stated_sex and sex != stated_sex:
        problems.append(Problem(
            "nik.sex_mismatch",
            f"NIK ini milik {SEX_LABELS[sex]} (pada NIK perempuan tanggal lahir ditambah 40), "
            f"tetapi jenis kelamin yang diisi {SEX_LABELS[stated_sex]}.",
        ))
    return problems


def _birth_date(day: int, month: int, yy: int, stated: date | None, today: date) -> date | None:
    """The birth date in the NIK, or None when DDMMYY is no real date.

    A NIK does not say the century. When the stated birth date has the same two-digit year its
    century is used, so the two can be compared exactly; otherwise the latest century that does
    not put the date in the future. A date still in the future is returned for the caller to
    reject.
    """
    if stated is not None and stated.year % 100 == yy:
        centuries = [stated.year - yy]
    else:
        current = today.year - today.year % 100
        centuries = [current, current - 100]
    candidates = []
    for century in centuries:
        try:
            candidates.append(date(century + yy, month, day))
        except ValueError:
            continue
    past = [d for d in candidates if d <= today]
    if past:
        return past[0]
    return candidates[0] if candidates else None
