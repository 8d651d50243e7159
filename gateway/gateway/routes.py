"""The `route` decorator: an HTTP entrypoint plus what the OpenAPI document says about it.

Declaring both in one place is what keeps the document complete: a route cannot exist undocumented.
It is also where rules every route shares are applied, so a new route gets them by declaring itself:
ids named in `body_ids` are checked against the caller's area before the handler runs, and an
authenticated answer is never stored by a cache.
"""
import functools
import inspect
from dataclasses import dataclass, field

from marshmallow import Schema

from gateway.bodies import is_storable_text, peek_json
from gateway.http import http
from gateway.problems import HttpProblem


@dataclass(frozen=True)
class RouteDoc:
    method: str
    url: str
    summary: str
    tag: str
    permission: str | None = None  # None with public=False: any authenticated caller
    public: bool = False
    body: type[Schema] | None = None
    query: type[Schema] | None = None
    response: type[Schema] | None = None
    status: int = 200
    paged: bool = False
    errors: tuple[int, ...] = field(default=())
    content_type: str = "application/json"
    # other types the success status may answer with (a stats file asked for by ?format=), documented beside it
    alternative_types: tuple[str, ...] = field(default=())
    # statuses answered with this operation's own body rather than a problem (health's 503 report)
    own_body_on: tuple[int, ...] = field(default=())
    # body field -> kind of record its id (or list of ids) names, e.g. {"person_id": "person"}; see guard.REACHABLE.
    # None marks an id of a record without an area of its own (a venue, a programme): its service checks it.
    # Every body field named *_id or *_ids must be declared (tests/integration/suite/test_authorisation_walk.py).
    body_ids: dict = field(default_factory=dict, hash=False, compare=False)
    # Path parameters naming records without an area of their own (a funding programme): everyone holding
    # the permission reaches them, so the authorisation walk checks that area makes no difference.
    unscoped: tuple[str, ...] = field(default=())


def route(method: str, url: str, **doc):
    route_doc = RouteDoc(method=method, url=url, **doc)

    def decorate(fn):
        @functools.wraps(fn)
        def handler(self, request, *args, **kwargs):
            if not all(is_storable_text(value) for value in kwargs.values() if isinstance(value, str)):
                raise HttpProblem(400, "Alamat memuat karakter yang tidak diizinkan.")
            if route_doc.body_ids:
                caller = self.guard.caller(request, route_doc.permission)
                self.guard.check_body_ids(self, caller, peek_json(request), route_doc.body_ids)
            response = fn(self, request, *args, **kwargs)
            if not route_doc.public:
                # Personal data must not linger in a browser's or a proxy's cache.
                response.headers.setdefault("Cache-Control", "no-store")
            return response

        handler.route_doc = route_doc
        return http(method, url)(handler)

    return decorate


def routes_of(service_cls) -> list[RouteDoc]:
    return [fn.route_doc for _, fn in inspect.getmembers(service_cls, inspect.isfunction)
            if hasattr(fn, "route_doc")]
