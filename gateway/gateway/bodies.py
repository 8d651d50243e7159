"""Reading request bodies and query strings, and writing JSON responses, the same way everywhere."""
import json

from marshmallow import Schema, ValidationError
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from gateway.problems import HttpProblem

JSON_TYPE = "application/json"
MAX_DEPTH = 32  # no request shape nests deeper than a few levels; a deeper one is an attack, not data
TEXT_REFUSED = "Teks memuat karakter yang tidak diizinkan (NUL atau surrogate UTF-16 tunggal)."


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
    except RecursionError:
        raise HttpProblem(400, f"JSON bersarang terlalu dalam (paling dalam {MAX_DEPTH} tingkat).") from None
    except json.JSONDecodeError as exc:
        raise HttpProblem(400, f"JSON tidak dapat dibaca (baris {exc.lineno}, kolom {exc.colno}).") from None
    except (ValueError, UnicodeDecodeError):  # Python's own wording is English
        raise HttpProblem(400, "Isi permintaan bukan teks UTF-8.") from None
    check_json_text(data)
    if schema is None:
        return data
    if not isinstance(data, dict):
        raise HttpProblem(400, "Isi permintaan harus berupa objek JSON.")
    try:
        return schema.load(data, partial=partial)
    except ValidationError as exc:
        raise HttpProblem(422, "Beberapa isian tidak valid.", errors=exc.messages) from None


def peek_json(request: Request):
    """The JSON body if there is a readable one, else None; for checks that run before the handler's own."""
    if request.mimetype != JSON_TYPE:
        return None
    try:
        return json.loads(request.get_data(cache=True) or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError, RequestEntityTooLarge):
        return None


def check_json_text(data) -> None:
    """400 for JSON nested deeper than MAX_DEPTH, or holding text no database can store.

    PostgreSQL refuses NUL in text and UTF-8 cannot encode a lone surrogate (JSON's "\\ud800"): both
    would otherwise fail deep inside a service as a 500.
    """
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise HttpProblem(400, f"JSON bersarang terlalu dalam (paling dalam {MAX_DEPTH} tingkat).")
            items = value.items() if isinstance(value, dict) else ((None, item) for item in value)
            for key, item in items:
                if key is not None and not is_storable_text(key):
                    raise HttpProblem(400, TEXT_REFUSED)
                stack.append((item, depth + 1))
        elif isinstance(value, str) and not is_storable_text(value):
            raise HttpProblem(400, TEXT_REFUSED)


def is_storable_text(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read_query(request: Request, schema: Schema) -> dict:
    """Query parameters checked by `schema`; a bad one is a 400 naming the parameter."""
    raw = {}
    for key in request.args:
        values = request.args.getlist(key)
        if not all(is_storable_text(text) for text in (key, *values)):
            raise HttpProblem(400, "Parameter memuat karakter yang tidak diizinkan.", errors={
                key if is_storable_text(key) else "?": [TEXT_REFUSED]})
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
