"""Reference areas, the OpenAPI document and the docs page."""
import pytest

from gateway.openapi import openapi_path
from gateway.routes import routes_of
from gateway.service import GatewayService

pytestmark = pytest.mark.integration


def test_areas_lists_the_33_kecamatan_of_kabupaten_malang(gateway, as_user):
    response = as_user("fomi").get("/v1/areas", params={"parent": "35.07"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == 33
    assert {"code": "35.07.25", "name": "Lawang", "level": "kecamatan", "parent_code": "35.07"} in items


def test_areas_of_unknown_parent_is_404(gateway, as_user):
    assert as_user("fomi").get("/v1/areas", params={"parent": "99.99"}).status_code == 404


def test_openapi_document_covers_every_route(gateway, web_session):
    document = web_session.get("/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    documented = {(path, method) for path, operations in document["paths"].items() for method in operations}
    for route_doc in routes_of(GatewayService):
        assert (openapi_path(route_doc.url), route_doc.method.lower()) in documented, route_doc.url
    # and nothing the service lacks
    assert len(documented) == len(routes_of(GatewayService))


def test_docs_page_is_served_without_a_cdn(gateway, web_session):
    page = web_session.get("/docs")
    assert page.status_code == 200
    assert "http" not in page.text.split("<body>")[1].replace("/openapi.json", "")
    script = web_session.get("/docs/static/swagger-ui-bundle.js")
    assert script.status_code == 200 and len(script.content) > 100_000
    assert web_session.get("/docs/static/../../etc/passwd").status_code == 404
