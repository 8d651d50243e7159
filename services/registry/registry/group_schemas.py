"""What the registry accepts for pokja, paguyuban and import jobs, and the area rules they share.

Messages are in Bahasa Indonesia, like the person schemas these build on; every problem is
reported at once under its field.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from marshmallow import Schema, fields, validate

from inklusi_platform.errors import ValidationFailed
from inklusi_platform.regions import DESA_KELURAHAN, KECAMATAN, MALANG_RAYA, Region, covers, regions
from registry.models.groups import ACTIVITY_KINDS, ROLES, STAGES
from registry.schemas import Input, Text, choice, day, load, text_list

MAX_PARTICIPANTS = 100_000


def _messages(invalid: str) -> dict:
    return {"required": "Wajib diisi.", "null": "Tidak boleh kosong.", "invalid": invalid}


def score(**kwargs) -> fields.Integer:
    return fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=5, error="Nilai 1 sampai 5."),
        error_messages=_messages("Harus bilangan bulat 1 sampai 5."),
        **kwargs,
    )


class PokjaInput(Input):
    name = Text(200, required=True)
    area_code = Text(20, required=True)
    stage = choice(STAGES, load_default="rintisan")
    business_lines = text_list(Text(120), 20, load_default=list)
    formed_on = day(required=True)


class PokjaChanges(Input):
    name = Text(200)
    stage = choice(STAGES)
    business_lines = text_list(Text(120), 20)
    formed_on = day()
    area_code = Text(20)  # accepted only to refuse it with a clear message


class AssessmentInput(Input):
    assessed_on = day(required=True)
    production = score(required=True)
    administration = score(required=True)
    finance = score(required=True)
    marketing = score(required=True)
    notes = Text(2000, single_line=False, allow_none=True)


class MembershipInput(Input):
    person_id = Text(36, required=True)
    role = choice(ROLES, required=True)
    joined_on = day(required=True)


class PaguyubanInput(Input):
    kecamatan_code = Text(20, required=True)
    name = Text(200, required=True)
    formed_on = day(required=True)


class PaguyubanMemberInput(Input):
    name = Text(200, required=True)
    relation = Text(60, required=True)
    phone = Text(30, allow_none=True)
    cares_for = text_list(Text(36), 20, load_default=list)
    joined_on = day()


class ActivityInput(Input):
    kind = choice(ACTIVITY_KINDS, required=True)
    title = Text(200, required=True)
    held_on = day(required=True)
    participants = fields.Integer(
        strict=True, required=True,
        validate=validate.Range(min=0, max=MAX_PARTICIPANTS, error=f"Antara 0 dan {MAX_PARTICIPANTS}."),
        error_messages=_messages("Harus bilangan bulat."),
    )
    notes = Text(2000, single_line=False, allow_none=True)


# --- rules shared by the group modules ------------------------------------------------------------

def in_malang_raya(code: str) -> bool:
    return any(covers(area, code) for area in MALANG_RAYA)


def kecamatan_problem(code: str) -> str | None:
    """Why `code` is not a kecamatan of Malang Raya, or None when it is."""
    region = regions().get(code)
    if region is None:
        return f"Kode wilayah {code} tidak dikenal."
    if region.level != KECAMATAN:
        return f"{code} ({region.name}) bukan kode kecamatan."
    if not in_malang_raya(code):
        return f"Kecamatan {code} ({region.name}) tidak berada di Malang Raya."
    return None


def group_area(code: str) -> tuple[Region | None, str | None]:
    """(the kecamatan, None) for a Malang Raya kecamatan or desa/kelurahan code; else (None, why not)."""
    region = regions().get(code)
    if region is None:
        return None, f"Kode wilayah {code} tidak dikenal."
    if region.level not in (KECAMATAN, DESA_KELURAHAN):
        return None, f"{code} ({region.name}) bukan kode kecamatan atau desa/kelurahan."
    if not in_malang_raya(code):
        return None, f"Wilayah {code} ({region.name}) tidak berada di Malang Raya."
    return regions().kecamatan_of(code), None


def load_date(value, field: str) -> tuple[date | None, dict]:
    """A date given on its own (a date or YYYY-MM-DD), with field errors like a schema's."""
    if isinstance(value, datetime):
        return value.date(), {}
    if isinstance(value, date):
        return value, {}
    loaded, errors = load(Schema.from_dict({field: day(required=True)})(), {field: value})
    return loaded.get(field), errors


def not_after(value: date | None, today: date, field: str, errors: dict, what: str) -> None:
    if value is not None and value > today:
        errors.setdefault(field, []).append(f"{what} belum terjadi.")


def within(column, areas: list[str] | None):
    """SQL condition: the record's own area code lies in one of the areas (regions.covers in SQL).

    None when unrestricted. Codes were checked to be digits and dots, so LIKE needs no escaping.
    """
    if areas is None:
        return None
    if not areas:
        return sa.false()
    return sa.or_(*[sa.or_(column == area, column.like(area + ".%")) for area in areas])


def check_filters(filters, allowed: dict) -> dict:
    """Known filters with valid values; `allowed` maps filter name -> tuple of values (or None: any text)."""
    filters = filters or {}
    if not isinstance(filters, dict):
        raise ValidationFailed("Filter tidak valid", {"filters": ["Harus berupa objek."]})
    errors = {}
    for name, value in filters.items():
        if name not in allowed:
            errors[name] = ["Filter tidak dikenal."]
        elif value is not None and not isinstance(value, str):
            errors[name] = ["Harus berupa teks."]
        elif value is not None and allowed[name] and value not in allowed[name]:
            errors[name] = [f"Pilih salah satu: {', '.join(allowed[name])}."]
    if errors:
        raise ValidationFailed("Filter tidak valid", errors)
    return {name: value for name, value in filters.items() if value not in (None, "")}
