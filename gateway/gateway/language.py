"""Problem bodies in English for integrators who send `Accept-Language: en`; Bahasa Indonesia otherwise.

Messages are written in Indonesian everywhere (services included); the platform knows the English
of the validation messages, and this module adds the gateway's titles and common details. A message
nobody translated stays Indonesian rather than being guessed.
"""
import json

from werkzeug.wrappers import Request, Response

from gateway.problems import PROBLEM_TYPE, TITLES
from inklusi_platform.messages import to_english, translate

ENGLISH_TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict with existing data",
    412: "The data has changed",
    413: "Request body too large",
    415: "Unsupported content type",
    422: "The data breaks a rule",
    423: "Account locked",
    428: "If-Match header required",
    429: "Too many requests",
    500: "Server error",
    503: "Service unavailable",
    504: "Service did not answer in time",
}
COMMON_DETAILS = (
    ("Beberapa isian tidak valid.", "Some fields are not valid."),
    ("Parameter tidak valid.", "Some query parameters are not valid."),
    ("Data orang ini tidak ditemukan.", "This person was not found."),
    ("Kutip correlation_id ini saat melapor ke admin.", "Quote this correlation_id when reporting to an admin."),
    ("Wilayah ini di luar wilayah kerja Anda.", "This area is outside your working area."),
    ("NIK sudah terdaftar", "This NIK is already registered"),
    ("Kode wilayah tidak dikenali.", "Unknown area code."),
    ("Kode bahasa tidak dikenali (contoh: id, jv).", "Unknown language code (e.g. id, jv)."),
)
for _status, _title in TITLES.items():
    if _status in ENGLISH_TITLES:
        translate(_title, ENGLISH_TITLES[_status])
for _indonesian, _english in COMMON_DETAILS:
    translate(_indonesian, _english)


def wants_english(request: Request) -> bool:
    return request.accept_languages.best_match(("id", "en"), default="id") == "en"


def translate_problem(request: Request, response: Response) -> Response:
    """The same problem, its title, detail and field errors in English when the caller asked for it."""
    if response.mimetype != PROBLEM_TYPE or not wants_english(request):
        return response
    try:
        body = json.loads(response.get_data())
    except ValueError:
        return response
    for key in ("title", "detail", "errors"):
        if key in body:
            body[key] = to_english(body[key])
    response.set_data(json.dumps(body, ensure_ascii=False))
    response.headers["Content-Language"] = "en"
    return response
