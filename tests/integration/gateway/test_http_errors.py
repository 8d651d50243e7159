"""Every error the gateway gives is problem+json, with no stack trace, whatever its cause."""
import pytest
from marshmallow import Schema, fields

from gateway.bodies import json_response, read_json
from gateway.http import http
from inklusi_platform.errors import Conflict, NotFound
from inklusi_platform.service import ServiceBase

pytestmark = pytest.mark.integration


class Greeting(Schema):
    name = fields.String(required=True)
    age = fields.Integer(required=True)


class EchoService(ServiceBase):
    name = "echo"

    @http("POST", "/v1/greetings")
    def greet(self, request):
        data = read_json(request, Greeting())
        return json_response({"hello": data["name"], "correlation_id": self.tracing}, status=201)

    @http("GET", "/v1/things/<thing_id>")
    def get_thing(self, request, thing_id):
        if thing_id == "taken":
            raise Conflict("sudah ada", {"existing": "/v1/things/1"})
        raise NotFound("tidak ada")

    @http("GET", "/v1/crash")
    def crash(self, request):
        raise RuntimeError("secret internals /etc/passwd")


@pytest.fixture
def echo(container_factory, make_config, web_address, sqlite_url):
    config = make_config("echo", sqlite_url, WEB_SERVER_ADDRESS=web_address, MAX_BODY_BYTES=1000,
                         CORS_ORIGINS="https://app.inklusi.example")
    from inklusi_platform import tables
    from inklusi_platform.engines import make_engine

    engine = make_engine(sqlite_url)
    tables.metadata.create_all(engine)
    engine.dispose()
    container = container_factory(EchoService, config)
    container.start()
    return container


def assert_problem(response, status):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"]
    assert "Traceback" not in response.text
    return body


def test_valid_request_passes_and_echoes_request_id(echo, web_session):
    response = web_session.post("/v1/greetings", json={"name": "Siti", "age": 30},
                                headers={"X-Request-ID": "req-abc"})
    assert response.status_code == 201
    assert response.json() == {"hello": "Siti", "correlation_id": "req-abc"}
    assert response.headers["X-Request-ID"] == "req-abc"


def test_unsafe_request_id_is_replaced(echo, web_session):
    response = web_session.post("/v1/greetings", json={"name": "A", "age": 1},
                                headers={"X-Request-ID": "bad id; rm -rf"})
    assert response.headers["X-Request-ID"] != "bad id; rm -rf"
    assert response.json()["correlation_id"] == response.headers["X-Request-ID"]


def test_field_errors_are_422_with_each_field(echo, web_session):
    body = assert_problem(web_session.post("/v1/greetings", json={"age": "old"}), 422)
    assert set(body["errors"]) == {"name", "age"}


def test_malformed_json_is_400(echo, web_session):
    body = assert_problem(web_session.post("/v1/greetings", data="{not json",
                                           headers={"Content-Type": "application/json"}), 400)
    assert "JSON" in body["detail"]


def test_wrong_content_type_is_415(echo, web_session):
    assert_problem(web_session.post("/v1/greetings", data="name=Siti",
                                    headers={"Content-Type": "application/x-www-form-urlencoded"}), 415)


def test_body_over_the_limit_is_413(echo, web_session):
    assert_problem(web_session.post("/v1/greetings", json={"name": "x" * 2000, "age": 1}), 413)


def test_unknown_route_is_404_and_wrong_method_is_405(echo, web_session):
    assert_problem(web_session.get("/v1/nothing-here"), 404)
    response = web_session.delete("/v1/greetings")
    assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]


def test_domain_errors_map_to_their_status(echo, web_session):
    assert assert_problem(web_session.get("/v1/things/1"), 404)["detail"] == "tidak ada"
    assert assert_problem(web_session.get("/v1/things/taken"), 409)["details"] == {"existing": "/v1/things/1"}


def test_unexpected_error_is_500_with_correlation_id_and_no_internals(echo, web_session):
    response = web_session.get("/v1/crash", headers={"X-Request-ID": "trace-me"})
    body = assert_problem(response, 500)
    assert body["correlation_id"] == "trace-me"
    assert "secret" not in response.text and "RuntimeError" not in response.text


def test_cors_allows_only_configured_origins(echo, web_session):
    allowed = web_session.options("/v1/greetings", headers={
        "Origin": "https://app.inklusi.example", "Access-Control-Request-Method": "POST"})
    assert allowed.status_code == 204
    assert "POST" in allowed.headers["Access-Control-Allow-Methods"]
    other = web_session.get("/v1/things/1", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    same = web_session.get("/v1/things/1", headers={"Origin": "https://app.inklusi.example"})
    assert same.headers["Access-Control-Allow-Origin"] == "https://app.inklusi.example"
