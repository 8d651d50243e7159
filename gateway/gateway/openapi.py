"""The OpenAPI 3.1 document, generated from the same marshmallow schemas the routes validate with."""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, fields

from gateway.routes import RouteDoc

_PARAM = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")
DESCRIPTION = (
    "The one HTTP entry to Inklusi. Every error is application/problem+json (RFC 9457). "
    "Lists take `limit` (at most 200) and an opaque `cursor`. Reads return an `ETag`; updates need "
    "`If-Match`. POST accepts an `Idempotency-Key`. Send `X-Request-ID` to follow a request through "
    "the services."
)


class ProblemSchema(Schema):
    type = fields.String()
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String()
    correlation_id = fields.String()
    errors = fields.Dict(metadata={"description": "422 and 400: field name -> messages."})
    details = fields.Dict(metadata={"description": "409 and others: what the refusal is about (ids, a status)."})
    existing = fields.String(metadata={"description": "409 on a second NIK: a link to the existing record, "
                                                      "only when the caller may read it."})


# What any operation may answer whatever it declares: a malformed request (400), an over-long URL (414),
# a crash (500), a service or database that is away (503) or slow (504).
ALWAYS = {400, 414, 500, 503, 504}


def openapi_path(url: str) -> str:
    return _PARAM.sub(r"{\1}", url)


def build_document(routes: list[RouteDoc], server_url: str = "/") -> dict:
    spec = APISpec(title="Inklusi API", version="1.0.0", openapi_version="3.1.0",
                   plugins=[MarshmallowPlugin()], info={"description": DESCRIPTION},
                   servers=[{"url": server_url}])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    spec.components.schema("Problem", schema=ProblemSchema)
    problem = {"application/problem+json": {"schema": "Problem"}}

    by_path: dict[str, dict] = {}
    for doc in sorted(routes, key=lambda r: (r.url, r.method)):
        operation = {"summary": doc.summary, "tags": [doc.tag], "responses": {}}
        operation["operationId"] = f"{doc.method.lower()}_{re.sub(r'[^a-z0-9]+', '_', doc.url.lower()).strip('_')}"
        parameters = [{"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
                      for name in _PARAM.findall(doc.url)]
        if doc.query is not None:
            parameters.append({"in": "query", "schema": doc.query})
        if parameters:
            operation["parameters"] = parameters
        if doc.body is not None:
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": doc.body}}}
        if doc.response is not None:
            schema = doc.response if not doc.paged else _paged(spec, doc.response)
            content = {doc.content_type: {"schema": schema}}
            content.update({other: {"schema": {"type": "string"}} for other in doc.alternative_types})
            operation["responses"][str(doc.status)] = {"description": "OK", "content": content}
        else:
            operation["responses"][str(doc.status)] = {"description": "OK"}
        statuses = set(doc.errors) | ALWAYS
        if not doc.public:
            operation["security"] = [{"bearer": []}]
            statuses |= {401, 403}
        if _PARAM.search(doc.url):
            statuses.add(404)  # an id nobody has, or one outside the caller's area: the same answer
        if doc.body is not None:
            statuses |= {413, 415, 422}
        if doc.method == "POST" and not doc.public:
            statuses |= {409, 422}  # an Idempotency-Key still in use (409) or reused for another body (422)
        if doc.paged or doc.query is not None:
            statuses.add(422)  # a cursor or an area the service cannot use
        for status in sorted(statuses):
            content = dict(problem)
            if status in doc.own_body_on:
                content[doc.content_type] = {"schema": {"type": "object"}}
            operation["responses"][str(status)] = {"description": "Problem", "content": content}
        by_path.setdefault(openapi_path(doc.url), {})[doc.method.lower()] = operation
    for path, operations in by_path.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def _paged(spec: APISpec, item_schema: type[Schema]) -> dict:
    name = item_schema.__name__.removesuffix("Schema")
    if name not in spec.components.schemas:
        spec.components.schema(name, schema=item_schema)
    return {"type": "object", "required": ["items", "next_cursor"], "properties": {
        "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}},
        "next_cursor": {"type": ["string", "null"]},
    }}
