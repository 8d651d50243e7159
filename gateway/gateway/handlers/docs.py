"""The API's own documentation: /openapi.json and interactive docs at /docs, served without a CDN."""
import json
import mimetypes
from pathlib import Path

import swagger_ui
from werkzeug.wrappers import Response

from gateway.openapi import build_document
from gateway.problems import HttpProblem
from gateway.routes import route, routes_of

STATIC = Path(swagger_ui.__file__).parent / "static"
SERVED = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "index.css",
          "favicon-32x32.png"}
PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Inklusi API</title>
<link rel="stylesheet" href="/docs/static/swagger-ui.css"></head>
<body><main id="swagger-ui" aria-label="Dokumentasi API Inklusi"></main>
<script src="/docs/static/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui"});</script>
</body></html>"""


class DocsRoutes:
    @route("GET", "/openapi.json", summary="This document", tag="docs", public=True)
    def openapi_document(self, request):
        document = build_document(routes_of(type(self)))
        return Response(json.dumps(document), content_type="application/json")

    @route("GET", "/docs", summary="Interactive API documentation", tag="docs", public=True,
           content_type="text/html")
    def docs_page(self, request):
        return Response(PAGE, content_type="text/html; charset=utf-8")

    @route("GET", "/docs/static/<filename>", summary="Files of the documentation page", tag="docs", public=True,
           errors=(404,))
    def docs_static(self, request, filename):
        if filename not in SERVED:
            raise HttpProblem(404, "Berkas tidak ada.")
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        response = Response((STATIC / filename).read_bytes(), content_type=content_type)
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response
