"""Loading the command inputs of contracts/funding.py, with every problem reported under its field."""
from marshmallow import Schema, ValidationError

from inklusi_platform.errors import ValidationFailed

INVALID_MESSAGE = "Beberapa isian tidak valid."


def load(schema: Schema, data, partial: bool = False) -> dict:
    if not isinstance(data, dict):
        raise ValidationFailed(INVALID_MESSAGE, {"_schema": ["Harus berupa objek."]})
    try:
        return schema.load(data, partial=partial)
    except ValidationError as exc:
        raise ValidationFailed(INVALID_MESSAGE, exc.messages) from None


def refuse(field: str, message: str):
    return ValidationFailed(INVALID_MESSAGE, {field: [message]})
