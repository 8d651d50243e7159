"""The HTTP wire below WSGI: eventlet answers some malformed requests itself, before any app runs.

A request line longer than 8 KiB (414), a header line over 8 KiB or headers over 64 KiB in total (400)
get an empty body from eventlet. Here those few canned answers are rewritten into the same
problem+json every other error has, so a client can always read why it was refused.
"""
import json
import re

from nameko.web.server import HttpOnlyProtocol

from gateway.problems import PROBLEM_TYPE, TITLES

# eventlet writes these in one piece, as HTTP/1.0 with an empty body; the app's answers are HTTP/1.1.
_CANNED = re.compile(rb"^HTTP/1\.0 (4\d\d) ([^\r\n]*)\r\n(?:[^\r\n]+\r\n)*?content-length: 0\r\n",
                     re.IGNORECASE)
DETAILS = {
    414: "Alamat (URL) terlalu panjang; paling panjang 8 KiB.",
    400: "Header permintaan terlalu panjang atau tidak valid.",
}


def problem_bytes(status: int, reason: str) -> bytes:
    body = json.dumps({"type": "about:blank", "title": TITLES.get(status, "Kesalahan"), "status": status,
                       "detail": DETAILS.get(status, reason)}, ensure_ascii=False).encode()
    head = (f"HTTP/1.0 {status} {reason}\r\nConnection: close\r\nContent-Type: {PROBLEM_TYPE}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode("latin-1")
    return head + body


class _ProblemWriter:
    """Passes writes through, except eventlet's canned empty error answers."""

    def __init__(self, wfile):
        self._wfile = wfile

    def write(self, data):
        if data[:10] == b"HTTP/1.0 4":
            canned = _CANNED.match(data)
            if canned:
                data = problem_bytes(int(canned.group(1)), canned.group(2).decode("latin-1"))
        return self._wfile.write(data)

    def __getattr__(self, name):
        return getattr(self._wfile, name)


class ProblemProtocol(HttpOnlyProtocol):
    def handle_one_request(self):
        wfile = self.wfile
        self.wfile = _ProblemWriter(wfile)
        try:
            return super().handle_one_request()
        finally:
            self.wfile = wfile
