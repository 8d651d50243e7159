"""The `route` decorator: an HTTP entrypoint plus what the OpenAPI document says about it.

Declaring both in one place is what keeps the document complete: a route cannot exist undocumented.
"""
from dataclasses import dataclass, field

from marshmallow import Schema

from gateway.http import http


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


def route(method: str, url: str, **doc):
    route_doc = RouteDoc(method=method, url=url, **doc)

    def decorate(fn):
        fn.route_doc = route_doc
        return http(method, url)(fn)

    return decorate


def routes_of(service_cls) -> list[RouteDoc]:
    import inspect

    return [fn.route_doc for _, fn in inspect.getmembers(service_cls, inspect.isfunction)
            if hasattr(fn, "route_doc")]
