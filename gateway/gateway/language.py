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
# werkzeug's own errors (unknown route, wrong method, oversized request) describe themselves in English.
HTTP_DETAILS = {
    400: ("Permintaan tidak dapat dibaca.", "The request cannot be read."),
    404: ("Alamat ini tidak ada di API ini.", "This address does not exist in this API."),
    405: ("Metode ini tidak diizinkan untuk alamat ini.", "This method is not allowed for this address."),
    413: ("Isi permintaan melebihi batas ukuran.", "The request body is too large."),
    414: ("Alamat (URL) terlalu panjang.", "The URL is too long."),
    431: ("Header permintaan terlalu besar.", "The request headers are too large."),
}


def http_detail(status: int, description: str | None) -> str | None:
    """Indonesian for an error werkzeug raised itself; its English description otherwise never reaches people."""
    return HTTP_DETAILS.get(status, (description,))[0]


for _indonesian, _english in HTTP_DETAILS.values():
    translate(_indonesian, _english)
translate("JSON tidak dapat dibaca (baris {line}, kolom {column}).",
          "The JSON cannot be read (line {line}, column {column}).")
translate("Isi permintaan bukan teks UTF-8.", "The request body is not UTF-8 text.")
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
