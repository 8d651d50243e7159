"""What the registry accepts from callers: input schemas and the rules that need more than one field.

Messages are in Bahasa Indonesia, for the field workers who read them (marshmallow's own come from
inklusi_platform.messages). Every problem is reported at once, each under the field it concerns
(nested fields as `guardian.phone`), so a form can be fixed in one pass. NIK and KK problems carry
their stable code as well: `{"code", "message"}`.
"""
from __future__ import annotations

from datetime import date

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from inklusi_platform.contracts import registry as vocabulary
from inklusi_platform.contracts.registry import (
    CHANNELS,
    CONSENT_FORMS,
    EDITABLE_STATUSES,
    FORMATS,
    GIVERS,
    PURPOSES,
    SEXES,
)
from inklusi_platform.errors import ValidationFailed
from inklusi_platform.regions import DESA_KELURAHAN, KECAMATAN, MALANG_RAYA, covers, regions
from registry.disability import derive_categories
from registry.nik import check_kk, check_nik, clean_number
from registry.phones import normalise_phone

ADULT_AGE = 18
INVALID_MESSAGE = "Beberapa isian tidak valid."
EARLIEST_BIRTH = date(1900, 1, 1)


class Text(fields.String):
    """A string with surrounding spaces removed; a blank one counts as not given.

    Blank optional text (`"phone": ""`) is None where the field may be empty, and refused as
    empty where it may not (a name in a change); required text may not be blank.
    """

    def __init__(self, max_length: int, single_line: bool = True, **kwargs):
        super().__init__(validate=validate.Length(max=max_length), **kwargs)
        self.single_line = single_line

    def _validate(self, value):
        if value is not None:  # a blank optional field became None: there is no length to check
            super()._validate(value)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        text = " ".join(text.split()) if self.single_line else text.strip()
        if not text:
            if self.required:
                raise self.make_error("required")
            if not self.allow_none:
                raise self.make_error("null")
            return None
        return text

    def _validate(self, value):
        if value is not None:  # blank became None: nothing left to measure
            super()._validate(value)


class OptionalEmail(fields.Email):
    def __init__(self, **kwargs):
        super().__init__(validate=validate.Length(max=vocabulary.EMAIL_MAX), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and not value.strip():
            return None
        return super()._deserialize(value.strip() if isinstance(value, str) else value, attr, data, **kwargs)

    def _validate(self, value):
        if value is not None:
            super()._validate(value)


def choice(options, **kwargs) -> fields.String:
    return fields.String(validate=validate.OneOf(options), **kwargs)


def day(**kwargs) -> fields.Date:
    return fields.Date(**kwargs)


def text_list(item: fields.Field, max_items: int, **kwargs) -> fields.List:
    return fields.List(item, validate=validate.Length(max=max_items), **kwargs)


def nested(schema, **kwargs) -> fields.Nested:
    return fields.Nested(schema, **kwargs)


class Input(Schema):
    class Meta:
        unknown = RAISE  # a misspelt field is an error, not silently dropped


class DisabilityInput(Input):
    categories = text_list(Text(vocabulary.CATEGORY_MAX), vocabulary.CATEGORIES_MAX, required=True)
    functional_limitations = text_list(Text(vocabulary.LIST_ITEM_MAX), vocabulary.LIST_MAX)
    assistive_devices = text_list(Text(vocabulary.LIST_ITEM_MAX), vocabulary.LIST_MAX)
    diagnosis = Text(vocabulary.DIAGNOSIS_MAX, single_line=False, allow_none=True)


class GuardianInput(Input):
    name = Text(vocabulary.NAME_MAX, required=True)
    relation = Text(vocabulary.RELATION_MAX, required=True)
    phone = Text(vocabulary.PHONE_MAX, allow_none=True)


class ConsentInput(Input):
    purpose = choice(PURPOSES, required=True)
    given_by = choice(GIVERS, required=True)
    form = choice(CONSENT_FORMS, required=True)
    given_on = day(required=True)


class CommunicationInput(Input):
    channels = text_list(choice(CHANNELS), len(CHANNELS))
    language = fields.String(validate=validate.Regexp(vocabulary.LANGUAGE_PATTERN,
                                                      error="Kode bahasa tidak dikenali (contoh: id, jv)."))
    format = choice(FORMATS)
    copy_guardian = fields.Boolean()


class BusinessInput(Input):
    sector = Text(vocabulary.SECTOR_MAX, allow_none=True)
    status = Text(vocabulary.BUSINESS_STATUS_MAX, allow_none=True)
    started_on = day(allow_none=True)


class PersonFields(Input):
    """The editable fields of a person, shared by registration and updates."""

    nik = Text(vocabulary.NUMBER_MAX)
    kk = Text(vocabulary.NUMBER_MAX, allow_none=True)
    name = Text(vocabulary.NAME_MAX)
    birth_date = day()
    sex = choice(SEXES)
    desa_code = Text(20)
    phone = Text(vocabulary.PHONE_MAX, allow_none=True)
    email = OptionalEmail(allow_none=True)
    disability = nested(DisabilityInput)
    guardian = nested(GuardianInput, allow_none=True)
    communication = nested(CommunicationInput)
    business = nested(BusinessInput, allow_none=True)


class RegistrationInput(PersonFields):
    nik = Text(vocabulary.NUMBER_MAX, required=True)
    name = Text(vocabulary.NAME_MAX, required=True)
    birth_date = day(required=True)
    sex = choice(SEXES, required=True)
    desa_code = Text(20, required=True)
    disability = nested(DisabilityInput, required=True)
    # Nobody is recorded without consent to record them (pendataan).
    consent = nested(ConsentInput, required=True)


class PersonChanges(PersonFields):
    status = choice(EDITABLE_STATUSES)


def load(schema: Schema, data, partial: bool = False) -> tuple[dict, dict]:
    """(valid data, field errors): what loaded, and dotted field -> messages for what did not."""
    if not isinstance(data, dict):
        return {}, {"_schema": ["Data harus berupa objek."]}
    try:
        return schema.load(data, partial=partial), {}
    except ValidationError as error:
        valid = error.valid_data if isinstance(error.valid_data, dict) else {}
        return valid, flatten(error.messages)


# --- registrations without marshmallow, when nothing in them can be refused ---------------------
# A registration is loaded once per imported row; RegistrationInput's load is most of that row's
# check. What the shortcut accepts it loads exactly as the schema would (Text: whitespace
# collapsed, length within bounds; choices; ISO dates or date objects; nested sections); anything
# else (a field it does not know, a wrong type, a blank required value, a value too long) goes
# through the schema, so every message still comes from there.

_SKIP = object()  # "not for the shortcut": the schema decides


def _text(value, max_length: int, allow_none: bool):
    if value is None:
        return None if allow_none else _SKIP
    if value.__class__ is not str:
        return _SKIP
    text = " ".join(value.split())
    if not text:
        return None if allow_none else _SKIP
    return text if len(text) <= max_length else _SKIP


def _day(value):
    if isinstance(value, date):
        return value
    if value.__class__ is not str:
        return _SKIP
    try:
        return date.fromisoformat(value)
    except ValueError:
        return _SKIP


def _choice(value, options):
    return value if value.__class__ is str and value in options else _SKIP


_TOP_TEXTS = {"nik": (vocabulary.NUMBER_MAX, False), "kk": (vocabulary.NUMBER_MAX, True),
              "name": (vocabulary.NAME_MAX, False), "desa_code": (20, False), "phone": (vocabulary.PHONE_MAX, True)}
_SHORTCUT_FIELDS = {*_TOP_TEXTS, "birth_date", "sex", "disability", "guardian", "business", "consent"}
_REQUIRED = ("nik", "name", "birth_date", "sex", "desa_code", "disability", "consent")
_CONSENT_FIELDS = {"purpose", "given_by", "form", "given_on"}
_GUARDIAN_NEEDS, _GUARDIAN_FIELDS = {"name", "relation"}, {"name", "relation", "phone"}


def _registration_shortcut(data: dict) -> dict | None:
    """The loaded registration, or None when the schema must judge it."""
    if not _SHORTCUT_FIELDS.issuperset(data) or any(name not in data for name in _REQUIRED):
        return None
    doc: dict = {}
    for name, (max_length, allow_none) in _TOP_TEXTS.items():
        if name in data:
            doc[name] = _text(data[name], max_length, allow_none)
    doc["birth_date"] = _day(data["birth_date"])
    doc["sex"] = _choice(data["sex"], SEXES)
    disability = data["disability"]
    if disability.__class__ is not dict or set(disability) != {"categories"}:
        return None
    categories = disability["categories"]
    if categories.__class__ is not list or len(categories) > vocabulary.CATEGORIES_MAX:
        return None
    loaded = [_text(c, vocabulary.CATEGORY_MAX, False) for c in categories]
    if _SKIP in loaded:
        return None
    doc["disability"] = {"categories": loaded}
    consent = data["consent"]
    if consent.__class__ is not dict or set(consent) != _CONSENT_FIELDS:
        return None
    doc["consent"] = {"purpose": _choice(consent["purpose"], PURPOSES),
                      "given_by": _choice(consent["given_by"], GIVERS),
                      "form": _choice(consent["form"], CONSENT_FORMS), "given_on": _day(consent["given_on"])}
    if _SKIP in doc.values() or _SKIP in doc["consent"].values():
        return None
    if "guardian" in data:
        guardian = data["guardian"]
        if guardian is None:
            doc["guardian"] = None
        elif guardian.__class__ is not dict or not _GUARDIAN_NEEDS <= set(guardian) <= _GUARDIAN_FIELDS:
            return None
        else:
            doc["guardian"] = {"name": _text(guardian["name"], vocabulary.NAME_MAX, False),
                               "relation": _text(guardian["relation"], vocabulary.RELATION_MAX, False)}
            if "phone" in guardian:
                doc["guardian"]["phone"] = _text(guardian["phone"], vocabulary.PHONE_MAX, True)
            if _SKIP in doc["guardian"].values():
                return None
    if "business" in data:
        business = data["business"]
        if business is None:
            doc["business"] = None
        elif business.__class__ is not dict or set(business) != {"sector"}:
            return None
        else:
            doc["business"] = {"sector": _text(business["sector"], vocabulary.SECTOR_MAX, True)}
            if doc["business"]["sector"] is _SKIP:
                return None
    return doc


def load_registration(data, schema: Schema | None = None) -> tuple[dict, dict]:
    """load(RegistrationInput(), data), without the schema's cost when nothing in `data` can be refused."""
    if isinstance(data, dict):
        doc = _registration_shortcut(data)
        if doc is not None:
            return doc, {}
    return load(schema or RegistrationInput(), data)


def flatten(messages, prefix: str = "") -> dict:
    flat: dict[str, list] = {}
    items = messages.items() if isinstance(messages, dict) else [("_schema", messages)]
    for key, value in items:
        name = prefix if key == "_schema" and prefix else (f"{prefix}.{key}" if prefix else str(key))
        if isinstance(value, dict):
            for inner, msgs in flatten(value, name).items():
                flat.setdefault(inner, []).extend(msgs)
        else:
            flat.setdefault(name, []).extend(value if isinstance(value, list) else [value])
    return flat


def combine(schema_errors: dict, rule_errors: dict) -> dict:
    """Both kinds of error; a section the schema already refused is not judged again by the rules."""
    refused = {name.split(".", 1)[0] for name in schema_errors}
    combined = {name: list(msgs) for name, msgs in schema_errors.items()}
    for name, msgs in rule_errors.items():
        if name.split(".", 1)[0] not in refused:
            combined.setdefault(name, []).extend(msgs)
    return combined


def refuse(errors: dict) -> None:
    if errors:
        raise ValidationFailed(INVALID_MESSAGE, errors)


def age_on(birth_date: date, today: date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


class Errors(dict):
    def add(self, field: str, message) -> None:
        self.setdefault(field, []).append(message)


def check_person(doc: dict, today: date, refused=()) -> tuple[dict, dict]:
    """A whole person document (loaded input, or a record with changes laid over it) as column values.

    Returns (values, errors). Fields missing from `doc` were already reported by the schema (their
    names are in `refused`) and are skipped here, so one bad field does not hide the problems of
    the others, nor cause echoes of itself.
    """
    errors = Errors()
    values: dict = {}
    birth_date, sex = doc.get("birth_date"), doc.get("sex")
    if birth_date is not None:
        if birth_date > today:
            errors.add("birth_date", "Tanggal lahir belum terjadi.")
        elif birth_date < EARLIEST_BIRTH:
            errors.add("birth_date", "Tanggal lahir sebelum tahun 1900; periksa lagi.")
        values["birth_date"] = birth_date
    if sex is not None:
        values["sex"] = sex
    if doc.get("name") is not None:
        values["name"] = doc["name"]
    if doc.get("status") is not None:
        values["status"] = doc["status"]

    _check_numbers(doc, birth_date, sex, today, values, errors)
    _check_residence(doc, values, errors)
    _check_contacts(doc, values, errors)
    _check_disability(doc, values, errors)
    adult = birth_date is None or age_on(birth_date, today) >= ADULT_AGE
    _check_guardian(doc, adult, values, errors)
    # A number or address that was given but is wrong is reported once, under its own field.
    given_but_wrong = {name for name in (*refused, *errors) if name in ("phone", "email", "guardian.phone")}
    _check_communication(doc, not adult, given_but_wrong, values, errors)
    _check_business(doc, birth_date, today, values, errors)
    return values, dict(errors)


# NIKs found valid lately, with what they were checked against: an import checks a row's NIK when
# reading its cell, then again as a registration. Bounded: emptied when full.
_RECENT_VALID_NIKS: set[tuple] = set()
_RECENT_MAX = 10_000


def nik_problems(nik, birth_date: date | None, sex: str | None, today: date) -> list:
    """check_nik, not run again for a NIK it found valid with the same birth date, sex and day."""
    key = (nik, birth_date, sex, today) if nik.__class__ is str else None
    if key is not None and key in _RECENT_VALID_NIKS:
        return []
    problems = check_nik(nik, birth_date=birth_date, sex=sex, today=today)
    if not problems and key is not None:
        if len(_RECENT_VALID_NIKS) >= _RECENT_MAX:
            _RECENT_VALID_NIKS.clear()
        _RECENT_VALID_NIKS.add(key)
    return problems


def _check_numbers(doc, birth_date, sex, today, values, errors) -> None:
    if "nik" in doc and doc["nik"] is not None:
        # With a birth date or sex that failed to load, the NIK is still checked on its own.
        problems = nik_problems(doc["nik"], birth_date, sex, today)
        for problem in problems:
            errors.add("nik", {"code": problem.code, "message": problem.message})
        if not problems:
            digits = clean_number(doc["nik"])
            values["nik"] = digits
            values["nik_region_code"] = f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}"
    if "kk" in doc:
        if doc["kk"] is None:
            values["kk"] = None
        else:
            problems = check_kk(doc["kk"])
            for problem in problems:
                errors.add("kk", {"code": problem.code, "message": problem.message})
            if not problems:
                values["kk"] = clean_number(doc["kk"])


def _check_residence(doc, values, errors) -> None:
    code = doc.get("desa_code")
    if code is None:
        return
    region = regions().get(code)
    if region is None:
        errors.add("desa_code", f"Kode wilayah {code} tidak dikenal.")
    elif region.level == KECAMATAN:
        errors.add("desa_code", f"{code} adalah kode kecamatan ({region.name}); isi kode desa/kelurahan.")
    elif region.level != DESA_KELURAHAN:
        errors.add("desa_code", f"{code} bukan kode desa/kelurahan.")
    elif not any(covers(area, code) for area in MALANG_RAYA):
        errors.add("desa_code", f"Desa/kelurahan {code} tidak berada di Malang Raya "
                                "(Kabupaten Malang, Kota Malang, Kota Batu).")
    else:
        values["desa_code"] = code
        values["kecamatan_code"] = regions().kecamatan_of(code).code


def _phone(raw, field, errors):
    try:
        return normalise_phone(raw)
    except ValueError as problem:
        errors.add(field, str(problem))
        return None


def _check_contacts(doc, values, errors) -> None:
    if "phone" in doc:
        values["phone"] = None if doc["phone"] is None else _phone(doc["phone"], "phone", errors)
    if "email" in doc:
        values["email"] = doc["email"]


def _check_disability(doc, values, errors) -> None:
    disability = doc.get("disability")
    if disability is None:
        return
    if "categories" in disability:
        try:
            values["categories"] = derive_categories(disability["categories"])
        except ValueError as problem:
            errors.add("disability.categories", str(problem))
    for name in ("functional_limitations", "assistive_devices"):
        # Same entry twice is a typing slip, not information.
        values[name] = list(dict.fromkeys(disability.get(name) or []))
    values["diagnosis"] = disability.get("diagnosis")


def _check_guardian(doc, adult, values, errors) -> None:
    guardian = doc.get("guardian")
    if not guardian:
        if not adult:
            errors.add("guardian", f"Wali wajib diisi untuk orang yang berusia di bawah {ADULT_AGE} tahun.")
        values.update(guardian_name=None, guardian_relation=None, guardian_phone=None)
        return
    for part in ("name", "relation"):
        if not guardian.get(part):
            errors.add(f"guardian.{part}", "Wajib diisi.")
    phone = guardian.get("phone")
    values.update(
        guardian_name=guardian.get("name"),
        guardian_relation=guardian.get("relation"),
        guardian_phone=None if phone is None else _phone(phone, "guardian.phone", errors),
    )


def _check_communication(doc, minor, given_but_wrong, values, errors) -> None:
    given = doc.get("communication") or {}
    has_guardian = bool(values.get("guardian_name"))
    phone = values.get("phone") or "phone" in given_but_wrong
    email = values.get("email") or "email" in given_but_wrong
    if "copy_guardian" in given:
        copy_guardian = given["copy_guardian"]
    else:
        # A child's messages go to the guardian too unless someone decides otherwise.
        copy_guardian = has_guardian and minor
    channels = given.get("channels")
    if channels is None:
        channels = (["whatsapp", "sms"] if phone else []) + (["email"] if email else []) or ["none"]
    if len(set(channels)) != len(channels):
        errors.add("communication.channels", "Setiap saluran cukup disebut sekali.")
    if "none" in channels and len(channels) > 1:
        errors.add("communication.channels", "'none' (tidak ingin dihubungi) tidak bisa digabung dengan saluran lain.")
    guardian_phone = (values.get("guardian_phone") or "guardian.phone" in given_but_wrong) if copy_guardian else None
    if any(c in channels for c in ("whatsapp", "sms")) and not (phone or guardian_phone):
        errors.add("communication.channels", "WhatsApp atau SMS memerlukan nomor telepon.")
    if "email" in channels and not email:
        errors.add("communication.channels", "Saluran email memerlukan alamat email.")
    if copy_guardian and not has_guardian:
        errors.add("communication.copy_guardian", "Salinan ke wali memerlukan data wali.")
    values.update(
        channels=list(channels),
        language=given.get("language", "id"),
        format=given.get("format", "plain_text"),
        copy_guardian=bool(copy_guardian),
    )


def _check_business(doc, birth_date, today, values, errors) -> None:
    business = doc.get("business") or {}
    started_on = business.get("started_on")
    if started_on is not None:
        if started_on > today:
            errors.add("business.started_on", "Tanggal mulai usaha belum terjadi.")
        elif birth_date is not None and started_on < birth_date:
            errors.add("business.started_on", "Tanggal mulai usaha sebelum tanggal lahir.")
    values.update(
        business_sector=business.get("sector"),
        business_status=business.get("status"),
        business_started_on=started_on,
    )


def check_consent(consent: dict, birth_date: date | None, has_guardian: bool, today: date,
                  prefix: str = "") -> dict:
    """Errors of a consent for this person: when it was given, and who may give it."""
    errors = Errors()
    given_on, given_by = consent.get("given_on"), consent.get("given_by")
    if given_on is not None:
        if given_on > today:
            errors.add(f"{prefix}given_on", "Tanggal persetujuan belum terjadi.")
        elif birth_date is not None and given_on < birth_date:
            errors.add(f"{prefix}given_on", "Tanggal persetujuan sebelum tanggal lahir.")
    if given_by == "guardian" and not has_guardian:
        errors.add(f"{prefix}given_by", "Persetujuan oleh wali memerlukan data wali.")
    if given_by == "self" and birth_date is not None and age_on(birth_date, today) < ADULT_AGE:
        errors.add(f"{prefix}given_by",
                   f"Untuk orang yang berusia di bawah {ADULT_AGE} tahun, persetujuan diberikan oleh wali.")
    return dict(errors)
