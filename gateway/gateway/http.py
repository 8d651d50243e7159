"""The gateway's HTTP entrypoint and web server: correlation ids, body limits, CORS and problem+json.

Every error, from routing to a service's refusal to a crash, leaves here as one problem+json shape,
mapped in one table. No stack trace reaches a client; a 500 carries the correlation id to quote.
"""
import logging
import re
import time
from functools import partial

import eventlet
from eventlet.event import Event
from marshmallow import ValidationError
from nameko.exceptions import UnknownService
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.wrappers import Request, Response

from gateway import health
from gateway.bodies import json_response
from gateway.clients import ServiceTimeout
from gateway.language import http_detail, translate_problem
from gateway.problems import HttpProblem, problem_response
from inklusi_platform import errors
from inklusi_platform.context import CORRELATION_KEY, new_correlation_id
from inklusi_platform.database import finish_unit_of_work
from inklusi_platform.logs import log_access

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
CALLER_KEY = "inklusi.caller"  # the guard notes who called, for the access line
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")

# Exception type -> HTTP status, in one place. First match wins.
STATUS_OF = (
    (errors.ValidationFailed, 422),
    (errors.NotFound, 404),
    (errors.Conflict, 409),
    (errors.PreconditionFailed, 412),
    (errors.Forbidden, 403),
    (errors.Unavailable, 503),
    (ValidationError, 422),
    (ServiceTimeout, 504),
    (UnknownService, 503),
)
EXPECTED = (HttpProblem, errors.DomainError, ValidationError, HTTPException)


def correlation_id_of(request: Request) -> str:
    # A client's id is kept only if it is safe to write into logs and headers.
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if _SAFE_REQUEST_ID.match(given) else new_correlation_id()


def error_response(exc: Exception, correlation_id: str, path: str) -> Response:
    if isinstance(exc, HttpProblem):
        return problem_response(exc.status, exc.detail, correlation_id=correlation_id, instance=path,
                                headers=exc.headers, **exc.extra)
    if isinstance(exc, HTTPException):
        headers = {"Allow": ", ".join(exc.valid_methods)} if isinstance(exc, MethodNotAllowed) else None
        return problem_response(exc.code or 500, http_detail(exc.code, exc.description),
                                correlation_id=correlation_id, instance=path,
                                headers=headers)
    for exc_type, status in STATUS_OF:
        if isinstance(exc, exc_type):
            extra = {}
            if isinstance(exc, errors.Unavailable):
                retry_after = str((exc.details or {}).get("retry_after", 5))
                return problem_response(503, str(exc), correlation_id=correlation_id, instance=path,
                                        headers={"Retry-After": retry_after})
            # Over RPC a missing `details` arrives as the string "None": only a mapping is passed on.
            if isinstance(exc, errors.DomainError) and isinstance(exc.details, dict) and exc.details:
                extra["errors" if status == 422 else "details"] = exc.details
            if isinstance(exc, ValidationError):
                extra["errors"] = exc.messages
                return problem_response(status, "Beberapa isian tidak valid.", correlation_id=correlation_id,
                                        instance=path, **extra)
            detail = str(exc) if isinstance(exc, errors.DomainError) else None
            return problem_response(status, detail, correlation_id=correlation_id, instance=path, **extra)
    log.error("unexpected error answering %s: %s", path, type(exc).__name__, exc_info=exc)
    return problem_response(500, "Kutip correlation_id ini saat melapor ke admin.", correlation_id=correlation_id,
                            instance=path)


class GatewayWsgiApp:
    """Routing, CORS and the last line of defence: nothing leaves without a problem shape."""

    def __init__(self, server):
        self.server = server
        self.url_map = server.make_url_map()
        origins = server.container.config.get("CORS_ORIGINS", "")
        self.cors_origins = {o.strip() for o in origins.split(",") if o.strip()}

    def __call__(self, environ, start_response):
        started = time.monotonic()
        # eventlet ends every body itself (Content-Length or chunked), so werkzeug may read a chunked one.
        environ.setdefault("wsgi.input_terminated", True)
        request = Request(environ, shallow=True)
        request.correlation_id = correlation_id_of(request)
        route = "-"
        try:
            if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
                response = self.preflight(request)
            elif request.method == "GET" and (inline := health.answer_inline(self.server.container,
                                                                               request.path)):
                route = request.path
                response = json_response(inline[1], status=inline[0])
                # Nothing above waited on I/O: let other connections' requests go first, or one busy
                # keep-alive connection would be answered again and again while the rest wait.
                eventlet.sleep(0)
            else:
                adapter = self.url_map.bind_to_environ(environ)
                rule, values = adapter.match(return_rule=True)
                route, request.path_values = rule.rule, values
                response = rule.endpoint.handle_request(request)
        except (NotFound, MethodNotAllowed) as exc:
            response = error_response(exc, request.correlation_id, request.path)
        except Exception as exc:  # a bug in the gateway itself
            response = error_response(exc, request.correlation_id, request.path)
        response.headers[REQUEST_ID_HEADER] = request.correlation_id
        self.add_cors(request, response)
        response = translate_problem(request, response)
        log_access(request.method, route, response.status_code, (time.monotonic() - started) * 1000,
                   request.correlation_id, environ.get(CALLER_KEY))
        return response(environ, start_response)

    def preflight(self, request: Request) -> Response:
        response = Response(status=204)
        origin = request.headers.get("Origin")
        if origin in self.cors_origins:
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = (
                "Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Request-ID")
            response.headers["Access-Control-Max-Age"] = "600"
        return response

    def add_cors(self, request: Request, response: Response) -> None:
        origin = request.headers.get("Origin")
        if origin and origin in self.cors_origins:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Expose-Headers"] = "ETag, X-Request-ID, Location"
            response.headers["Vary"] = "Origin"


class GatewayWebServer(WebServer):
    def get_wsgi_app(self):
        return GatewayWsgiApp(self)

    def stop_taking_work(self):
        # Graceful shutdown (inklusi_platform.shutdown): close the listening socket, let requests in hand finish.
        self._is_accepting = False
        self._gt.kill()
        self._sock.close()

    def get_wsgi_server(self, sock, wsgi_app, protocol=None, debug=False):
        from gateway.wire import ProblemProtocol  # problem+json even for what eventlet refuses itself

        server = super().get_wsgi_server(sock, wsgi_app, protocol=ProblemProtocol, debug=debug)
        # eventlet's own line per request holds the query string (a calendar feed key, issue 11);
        # the access log above logs the route template instead.
        server.log_output = False
        return server


class HttpEntrypoint(HttpRequestHandler):
    server = GatewayWebServer()

    def __init__(self, method: str, url: str, **kwargs):
        kwargs.setdefault("expected_exceptions", EXPECTED)
        super().__init__(method, url, **kwargs)

    def handle_request(self, request: Request) -> Response:
        request.shallow = False
        correlation_id = request.correlation_id
        limit = self.container.config.get("MAX_BODY_BYTES")
        request.max_content_length = limit
        try:
            if limit and (request.content_length or 0) > limit:
                raise HttpProblem(413, f"Isi permintaan melebihi batas {limit} byte.")
            args, kwargs = self.get_entrypoint_parameters(request)
            self.check_signature(args, kwargs)
            event = Event()
            self.container.spawn_worker(
                self, args, kwargs, context_data={CORRELATION_KEY: correlation_id},
                handle_result=partial(self.handle_result, event),
            )
            return self.response_from_result(event.wait())
        except Exception as exc:
            return error_response(exc, correlation_id, request.path)

    def handle_result(self, event, worker_ctx, result, exc_info):
        # Commit before answering, as the RPC entrypoint does.
        exc_info = finish_unit_of_work(worker_ctx, exc_info)
        if exc_info is not None:
            result = None
        event.send(result, exc_info)
        return result, exc_info


http = HttpEntrypoint.decorator
