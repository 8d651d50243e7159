"""marshmallow speaks Bahasa Indonesia in every schema, without each schema asking; English on request."""
from marshmallow import Schema, ValidationError, fields, validate

from inklusi_platform.messages import FIELD_MESSAGES, VALIDATOR_MESSAGES, to_english

ENGLISH_DEFAULTS = {english for *_, english in FIELD_MESSAGES} | {english for *_, english in VALIDATOR_MESSAGES}


class Anything(Schema):  # a schema written with no thought for language, as a new service would
    day = fields.Date(required=True)
    count = fields.Integer(validate=validate.Range(min=1, max=5))
    kind = fields.String(validate=validate.OneOf(["a", "b"]))
    code = fields.String(validate=validate.Length(max=3))
    email = fields.Email()
    flag = fields.Boolean()
    items = fields.List(fields.String())
    inner = fields.Nested(lambda: Anything)
    at = fields.DateTime()
    web = fields.Url()


def errors_of(data) -> dict:
    try:
        Anything().load(data)
    except ValidationError as error:
        return error.messages
    raise AssertionError("expected errors")


def messages(tree):
    if isinstance(tree, dict):
        return [m for value in tree.values() for m in messages(value)]
    if isinstance(tree, list):
        return [m for value in tree for m in messages(value)]
    return [tree]


def test_every_kind_of_field_error_is_in_indonesian():
    errors = errors_of({"day": "2001-02-29", "count": 9, "kind": "x", "code": "abcd", "email": "nope",
                        "flag": "maybe", "items": "a", "inner": 3, "at": "soon", "web": "nope", "extra": 1})
    assert errors == {
        "day": ["Tanggal 2001-02-29 tidak ada di kalender."],
        "count": ["Harus paling kecil 1 dan paling besar 5."],
        "kind": ["Pilih salah satu: a, b."],
        "code": ["Terlalu panjang: paling banyak 3."],
        "email": ["Alamat email tidak valid."],
        "flag": ["Harus true atau false."],
        "items": ["Harus berupa daftar."],
        "inner": {"_schema": ["Data harus berupa objek."]},
        "at": ["Bukan waktu yang sah (contoh: 2024-05-01T08:00:00+07:00)."],
        "web": ["Alamat web (URL) tidak valid."],
        "extra": ["Kolom ini tidak dikenal."],
    }
    assert errors_of({})["day"] == ["Wajib diisi."]
    assert errors_of({"day": "01-02-2001"})["day"] == ["Bukan tanggal yang sah (format YYYY-MM-DD)."]
    assert errors_of({"day": None})["day"] == ["Tidak boleh kosong."]
    assert not set(messages(errors_of({"day": "x", "count": "y", "inner": {"day": 1}}))) & ENGLISH_DEFAULTS


def test_the_same_errors_in_english_for_integrators():
    errors = errors_of({"day": "2001-02-29", "count": 0, "kind": "x", "extra": 1})
    assert to_english(errors) == {
        "day": ["The date 2001-02-29 does not exist."],
        "count": ["Must be greater than or equal to 1 and less than or equal to 5."],
        "kind": ["Must be one of: a, b."],
        "extra": ["Unknown field."],
    }
    assert to_english("Kalimat yang tidak dikenal.") == "Kalimat yang tidak dikenal."
