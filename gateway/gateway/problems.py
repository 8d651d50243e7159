"""RFC 9457 problem details: the one shape of every error the gateway returns."""
import json

from werkzeug.wrappers import Response

PROBLEM_TYPE = "application/problem+json"

TITLES = {
    400: "Permintaan tidak valid",
    401: "Perlu masuk (login)",
    403: "Tidak diizinkan",
    404: "Tidak ditemukan",
    405: "Metode tidak diizinkan",
    409: "Konflik dengan data yang ada",
    412: "Data sudah berubah",
    413: "Isi permintaan terlalu besar",
    415: "Jenis isi tidak didukung",
    422: "Data tidak memenuhi aturan",
    423: "Akun terkunci",
    428: "Header If-Match diperlukan",
    429: "Terlalu banyak permintaan",
    500: "Terjadi kesalahan di server",
    503: "Layanan sedang tidak tersedia",
    504: "Layanan tidak menjawab tepat waktu",
}


class HttpProblem(Exception):
    """Raise from a handler to answer with a problem; `extra` members are added to the body."""

    def __init__(self, status: int, detail: str | None = None, headers: dict | None = None, **extra):
        super().__init__(detail or TITLES.get(status, ""))
        self.status = status
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra


def problem_response(status: int, detail: str | None = None, *, correlation_id: str | None = None,
                     instance: str | None = None, headers: dict | None = None, **extra) -> Response:
    body = {
        "type": "about:blank",
        "title": TITLES.get(status, "Kesalahan"),
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    if correlation_id:
        body["correlation_id"] = correlation_id
    body.update(extra)
    response = Response(json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_TYPE)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response
