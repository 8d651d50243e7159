"""Plain Bahasa Indonesia for every message marshmallow writes, set once for every schema of every service.

Importing `inklusi_platform` applies it: marshmallow copies a field's messages when the field is
created, so this runs before any schema module is loaded (they all import the platform, if only
for their vocabulary). The English of each message is kept beside it, for integrators who send
`Accept-Language: en`; `to_english` turns a message (or a whole error tree) back.
"""
from __future__ import annotations

import re
from datetime import date

from marshmallow import Schema, fields, validate

# (class, message key, Indonesian, English). Placeholders are marshmallow's own.
FIELD_MESSAGES = (
    (fields.Field, "required", "Wajib diisi.", "Missing data for required field."),
    (fields.Field, "null", "Tidak boleh kosong.", "Field may not be null."),
    (fields.Field, "validator_failed", "Nilai tidak valid.", "Invalid value."),
    (fields.Nested, "type", "Harus berupa objek.", "Invalid type."),
    (fields.List, "invalid", "Harus berupa daftar.", "Not a valid list."),
    (fields.Tuple, "invalid", "Harus berupa daftar.", "Not a valid tuple."),
    (fields.String, "invalid", "Harus berupa teks.", "Not a valid string."),
    (fields.String, "invalid_utf8", "Teks ini bukan UTF-8 yang sah.", "Not a valid utf-8 string."),
    (fields.UUID, "invalid_uuid", "Bukan UUID yang sah.", "Not a valid UUID."),
    (fields.Number, "invalid", "Harus berupa angka.", "Not a valid number."),
    (fields.Number, "too_large", "Angka terlalu besar.", "Number too large."),
    (fields.Integer, "invalid", "Harus bilangan bulat.", "Not a valid integer."),
    (fields.Float, "special", "NaN dan tak hingga tidak diterima.",
     "Special numeric values (nan or infinity) are not permitted."),
    (fields.Decimal, "special", "NaN dan tak hingga tidak diterima.",
     "Special numeric values (nan or infinity) are not permitted."),
    (fields.Boolean, "invalid", "Harus true atau false.", "Not a valid boolean."),
    (fields.DateTime, "invalid", "Bukan waktu yang sah (contoh: 2024-05-01T08:00:00+07:00).",
     "Not a valid datetime."),
    (fields.DateTime, "invalid_awareness", "Waktu ini harus ditulis dengan zona waktu yang sesuai.",
     "Not a valid datetime: wrong time zone awareness."),
    (fields.DateTime, "format", "Waktu ini tidak bisa ditulis dalam format yang diminta.",
     "The datetime cannot be formatted."),
    (fields.Time, "invalid", "Bukan jam yang sah (contoh: 08:30).", "Not a valid time."),
    (fields.Date, "invalid", "Bukan tanggal yang sah (format YYYY-MM-DD).", "Not a valid date (use YYYY-MM-DD)."),
    (fields.Date, "nonexistent", "Tanggal {input} tidak ada di kalender.", "The date {input} does not exist."),
    (fields.Date, "format", "Tanggal ini tidak bisa ditulis dalam format yang diminta.",
     "The date cannot be formatted."),
    (fields.TimeDelta, "invalid", "Bukan lama waktu yang sah.", "Not a valid period of time."),
    (fields.TimeDelta, "format", "Lama waktu ini tidak bisa ditulis.", "The period of time cannot be formatted."),
    (fields.Mapping, "invalid", "Harus berupa objek.", "Not a valid mapping type."),
    (fields.Url, "invalid", "Alamat web (URL) tidak valid.", "Not a valid URL."),
    (fields.Email, "invalid", "Alamat email tidak valid.", "Not a valid email address."),
    (fields.IP, "invalid_ip", "Alamat IP tidak valid.", "Not a valid IP address."),
    (fields.Enum, "unknown", "Pilih salah satu: {choices}.", "Must be one of: {choices}."),
)
SCHEMA_MESSAGES = (
    ("type", "Data harus berupa objek.", "Invalid input type."),
    ("unknown", "Kolom ini tidak dikenal.", "Unknown field."),
)
# (validator class, attribute, Indonesian, English)
VALIDATOR_MESSAGES = (
    (validate.Length, "message_min", "Terlalu pendek: paling sedikit {min}.", "Shorter than minimum length {min}."),
    (validate.Length, "message_max", "Terlalu panjang: paling banyak {max}.", "Longer than maximum length {max}."),
    (validate.Length, "message_all", "Panjangnya harus antara {min} dan {max}.",
     "Length must be between {min} and {max}."),
    (validate.Length, "message_equal", "Panjangnya harus tepat {equal}.", "Length must be {equal}."),
    (validate.Range, "message_min", "Harus {min_op} {{min}}.", "Must be {min_op} {{min}}."),
    (validate.Range, "message_max", "Harus {max_op} {{max}}.", "Must be {max_op} {{max}}."),
    (validate.Range, "message_all", "Harus {min_op} {{min}} dan {max_op} {{max}}.",
     "Must be {min_op} {{min}} and {max_op} {{max}}."),
    (validate.Range, "message_gte", "paling kecil", "greater than or equal to"),
    (validate.Range, "message_gt", "lebih dari", "greater than"),
    (validate.Range, "message_lte", "paling besar", "less than or equal to"),
    (validate.Range, "message_lt", "kurang dari", "less than"),
    (validate.OneOf, "default_message", "Pilih salah satu: {choices}.", "Must be one of: {choices}."),
    (validate.ContainsOnly, "default_message", "Ada pilihan di luar: {choices}.",
     "One or more of the choices you made was not in: {choices}."),
    (validate.ContainsNoneOf, "default_message", "Ada pilihan yang tidak boleh: {values}.",
     "One or more of the choices you made was in: {values}."),
    (validate.NoneOf, "default_message", "Nilai ini tidak diterima.", "Invalid input."),
    (validate.Predicate, "default_message", "Nilai tidak valid.", "Invalid input."),
    (validate.Equal, "default_message", "Harus sama dengan {other}.", "Must be equal to {other}."),
    (validate.Regexp, "default_message", "Bentuknya tidak sesuai aturan.", "String does not match expected pattern."),
    (validate.Email, "default_message", "Alamat email tidak valid.", "Not a valid email address."),
    (validate.URL, "default_message", "Alamat web (URL) tidak valid.", "Not a valid URL."),
)
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_english: list[tuple[int, re.Pattern, str]] = []


def translate(indonesian: str, english: str) -> None:
    """Teach `to_english` one more message; `{name}` placeholders carry over."""
    parts = re.split(r"(\{\w+\})", indonesian.replace("{{", "{").replace("}}", "}"))
    pattern = "".join(f"(?P<{p[1:-1]}>.+?)" if re.fullmatch(r"\{\w+\}", p) else re.escape(p) for p in parts)
    english = english.replace("{{", "{").replace("}}", "}")
    literal = sum(len(p) for p in parts if not re.fullmatch(r"\{\w+\}", p))
    _english.append((literal, re.compile(f"^{pattern}$", re.S), english))
    _english.sort(key=lambda known: -known[0])  # the most specific message wins


def to_english(value):
    """A message, or a tree of them (lists, dicts of field errors), in English where it is known."""
    if isinstance(value, str):
        for _, pattern, english in _english:
            found = pattern.match(value)
            if found:
                return english.format(**{k: to_english(v) for k, v in found.groupdict().items()})
        return value
    if isinstance(value, list):
        return [to_english(item) for item in value]
    if isinstance(value, dict):
        return {key: to_english(item) for key, item in value.items()}
    return value


def _date_that_exists(original):
    """2001-02-29 is written correctly but is not a day: say so, not 'not a valid date'."""
    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and _ISO_DAY.match(value) and (self.format or "iso") in ("iso", "iso8601"):
            try:
                date.fromisoformat(value)
            except ValueError:
                raise self.make_error("nonexistent", input=value) from None
        return original(self, value, attr, data, **kwargs)
    _deserialize.patched = True
    return _deserialize


def apply() -> None:
    for cls, key, indonesian, english in FIELD_MESSAGES:
        # Each class's own dict, so a subclass's message is not written onto its parent.
        cls.default_error_messages = {**cls.__dict__.get("default_error_messages", {}), key: indonesian}
        translate(indonesian, english)
    Schema._default_error_messages = {key: indonesian for key, indonesian, _ in SCHEMA_MESSAGES}
    for _, indonesian, english in SCHEMA_MESSAGES:
        translate(indonesian, english)
    for cls, attribute, indonesian, english in VALIDATOR_MESSAGES:
        setattr(cls, attribute, indonesian)
        if cls is not validate.Range:
            translate(indonesian, english)
    # Range writes its operator into the message when it is built: teach each combination.
    operators = [(i, e) for _, a, i, e in VALIDATOR_MESSAGES if a in ("message_gte", "message_gt", "message_lte",
                                                                    "message_lt")]
    for _, attribute, indonesian, english in VALIDATOR_MESSAGES:
        if attribute in ("message_min", "message_max", "message_all") and "_op}" in indonesian:
            for low_id, low_en in operators:
                for high_id, high_en in operators:
                    translate(indonesian.format(min_op=low_id, max_op=high_id),
                              english.format(min_op=low_en, max_op=high_en))
    if not getattr(fields.Date._deserialize, "patched", False):
        fields.Date._deserialize = _date_that_exists(fields.Date._deserialize)


apply()
