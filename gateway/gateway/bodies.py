"""Reading request bodies and query strings, and writing JSON responses, the same way everywhere."""
import json

from marshmallow import Schema, ValidationError
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from gateway.problems import HttpProblem

JSON_TYPE = "application/json"


def read_json(request: Request, schema: Schema | None = None, *, partial: bool = False):
    """The request's JSON body, checked by `schema` when given: 415, 400, 413 or 422 otherwise."""
    if request.mimetype != JSON_TYPE:
        raise HttpProblem(415, f"Kirim isi dengan Content-Type {JSON_TYPE}.")
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise HttpProblem(413, "Isi permintaan melebihi batas ukuran.") from None
    try:
        data = json.loads(raw or b"null")
    except json.JSONDecodeError as exc:
        raise HttpProblem(400, f"JSON tidak dapat dibaca (baris {exc.lineno}, kolom {exc.colno}).") from None
    except (ValueError, UnicodeDecodeError):  # Python's own wording is English
        raise HttpProblem(400, "Isi permintaan bukan teks UTF-8.") from None
    if schema is None:
        return data
    if not isinstance(data, dict):
        raise HttpProblem(400, "Isi permintaan harus berupa objek JSON.")
    try:
        return schema.load(data, partial=partial)
    except ValidationError as exc:
        raise HttpProblem(422, "Beberapa isian tidak valid.", errors=exc.messages) from None


def read_query(request: Request, schema: Schema) -> dict:
    """Query parameters checked by `schema`; a bad one is a 400 naming the parameter."""
    raw = {}
    for key in request.args:
        values = request.args.getlist(key)
        field = schema.fields.get(key)
        raw[key] = values if field is not None and field.__class__.__name__ == "List" else values[-1]
    try:
        return schema.load(raw)
    except ValidationError as exc:
        raise HttpProblem(400, "Parameter tidak valid.", errors=exc.messages) from None


def json_response(data, status: int = 200, headers: dict | None = None) -> Response:
    response = Response(json.dumps(data, ensure_ascii=False, default=str), status=status, content_type=JSON_TYPE)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response
