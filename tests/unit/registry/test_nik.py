"""NIK and KK validation: every failure has its own stable code."""
from datetime import date, datetime

import pytest

from registry.nik import InvalidNik, NikInfo, check_kk, check_nik, mask_nik, parse_nik

TODAY = date(2025, 6, 1)
# Lawang (35.07.25), woman born 12-03-1990 (52 = 12 + 40), serial 0001.
WOMAN = "3507255203900001"
# Blimbing, Kota Malang (35.73.01), man born 15-06-1985, serial 0002.
MAN = "3573011506850002"


def codes(problems):
    return [p.code for p in problems]


def test_valid_female_nik():
    assert check_nik(WOMAN, birth_date=date(1990, 3, 12), sex="P", today=TODAY) == []
    assert parse_nik(WOMAN, today=TODAY) == NikInfo("35.07.25", date(1990, 3, 12), "P", "0001")


def test_valid_male_nik():
    assert check_nik(MAN, birth_date=date(1985, 6, 15), sex="L", today=TODAY) == []
    assert parse_nik(MAN, today=TODAY) == NikInfo("35.73.01", date(1985, 6, 15), "L", "0002")


def test_region_may_lie_outside_malang_raya():
    # Gambir, Jakarta Pusat: people move to Malang with the NIK they were first given.
    assert check_nik("3171011506850002", today=TODAY) == []


def test_spaces_are_ignored_and_numbers_accepted():
    assert check_nik("3507 2552 0390 0001", today=TODAY) == []
    assert check_nik(3507255203900001, today=TODAY) == []


@pytest.mark.parametrize("nik", [None, "", "   "])
def test_missing(nik):
    assert codes(check_nik(nik)) == ["nik.missing"]


@pytest.mark.parametrize("nik", ["350725520390001", "35072552039000011"])
def test_length(nik):
    problems = check_nik(nik, today=TODAY)
    assert codes(problems) == ["nik.length"]
    assert "16 digit" in problems[0].message


def test_digits():
    assert codes(check_nik("35072552039O0001", today=TODAY)) == ["nik.digits"]


def test_digits_rejects_non_ascii_digits():
    assert codes(check_nik("３５０７２５５２０３９００００１", today=TODAY)) == ["nik.digits"]


def test_digits_and_length_both_reported():
    assert codes(check_nik("3507-2552-0390", today=TODAY)) == ["nik.digits", "nik.length"]


@pytest.mark.parametrize("nik", ["3507995203900001", "3507005203900001", "9999995203900001"])
def test_region_unknown(nik):
    problems = check_nik(nik, today=TODAY)
    assert codes(problems) == ["nik.region_unknown"]
    assert nik[:6] in problems[0].message


@pytest.mark.parametrize(
    "nik",
    [
        "3507253102900001",  # 31 February
        "3507257102900001",  # woman, 71 - 40 = 31 February
        "3507253503900001",  # day 35: neither a man's (1-31) nor a woman's (41-71)
        "3507250003900001",  # day 00
        "3507251213900001",  # month 13
        "3507251200900001",  # month 00
        "3507252902010001",  # 29 February 2001 / 1901: no leap year either way
    ],
)
def test_date_invalid(nik):
    assert codes(check_nik(nik, today=TODAY)) == ["nik.date_invalid"]


def test_leap_day_valid_in_2000():
    assert parse_nik("3507256902000001", today=TODAY).birth_date == date(2000, 2, 29)


def test_date_future_when_stated_birth_date_puts_it_there():
    problems = check_nik("3507250101300001", birth_date=date(2030, 1, 1), today=TODAY)
    assert codes(problems) == ["nik.date_future"]
    assert "01-01-2030" in problems[0].message


def test_century_is_chosen_so_the_date_is_not_in_the_future():
    assert parse_nik("3507251506240001", today=TODAY).birth_date == date(2024, 6, 15)
    assert parse_nik("3507251506250001", today=TODAY).birth_date == date(1925, 6, 15)
    assert parse_nik("3507250106250001", today=TODAY).birth_date == date(2025, 6, 1)


def test_stated_birth_date_decides_the_century():
    # 01-01-05: 2005 unless the person says 1905; both readings agree with the NIK.
    assert check_nik("3507250101050001", birth_date=date(1905, 1, 1), today=TODAY) == []
    assert check_nik("3507250101050001", birth_date=date(2005, 1, 1), today=TODAY) == []


def test_birth_date_mismatch():
    problems = check_nik(WOMAN, birth_date=date(1990, 3, 13), sex="P", today=TODAY)
    assert codes(problems) == ["nik.birth_date_mismatch"]
    assert "13-03-1990" in problems[0].message


def test_birth_date_mismatch_on_year():
    assert codes(check_nik(WOMAN, birth_date=date(1991, 3, 12), today=TODAY)) == ["nik.birth_date_mismatch"]


def test_birth_date_given_as_datetime():
    assert check_nik(WOMAN, birth_date=datetime(1990, 3, 12), today=TODAY) == []


def test_sex_mismatch_woman_registered_as_man():
    problems = check_nik(WOMAN, birth_date=date(1990, 3, 12), sex="L", today=TODAY)
    assert codes(problems) == ["nik.sex_mismatch"]
    assert "perempuan" in problems[0].message


def test_sex_mismatch_man_registered_as_woman():
    assert codes(check_nik(MAN, birth_date=date(1985, 6, 15), sex="P", today=TODAY)) == ["nik.sex_mismatch"]


def test_women_day_offset_is_not_a_date_mismatch():
    # Forgetting the +40 is the usual mistake: report the sex, not a wrong date.
    assert codes(check_nik("3507251203900001", birth_date=date(1990, 3, 12), sex="P", today=TODAY)) == [
        "nik.sex_mismatch"
    ]


def test_serial_zero():
    assert codes(check_nik("3507255203900000", today=TODAY)) == ["nik.serial_zero"]


def test_several_problems_each_reported_once():
    problems = check_nik("3507995203900000", birth_date=date(1990, 3, 13), sex="L", today=TODAY)
    assert codes(problems) == ["nik.region_unknown", "nik.birth_date_mismatch", "nik.sex_mismatch", "nik.serial_zero"]
    assert len({p.message for p in problems}) == 4


def test_invalid_sex_argument_is_a_programming_error():
    with pytest.raises(ValueError):
        check_nik(WOMAN, sex="Perempuan")


def test_parse_nik_raises_with_problems():
    with pytest.raises(InvalidNik) as caught:
        parse_nik("3507253102900000", today=TODAY)
    assert codes(caught.value.problems) == ["nik.date_invalid", "nik.serial_zero"]
    assert isinstance(caught.value, ValueError)


def test_check_kk():
    assert check_kk("3507250101200003") == []
    assert check_kk(" 3507 2501 0120 0003 ") == []
    assert codes(check_kk("3507990101200003")) == ["kk.region_unknown"]
    assert codes(check_kk("350725010120000")) == ["kk.length"]
    assert codes(check_kk("35072501012000x3")) == ["kk.digits"]
    assert codes(check_kk("")) == ["kk.missing"]


def test_mask_nik():
    assert mask_nik(WOMAN) == "3507************"
    assert mask_nik(3507255203900001) == "3507************"
    assert mask_nik("123") == "***"
    assert mask_nik(None) == ""
