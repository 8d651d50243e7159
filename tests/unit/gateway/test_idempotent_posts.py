"""The gateway's side of Idempotency-Key: replays, a key held by a live attempt, and one whose attempt died."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from gateway.idempotency import REPLAYED_HEADER, run_once
from gateway.models import Base, IdempotentResponse
from gateway.problems import HttpProblem
from inklusi_platform.idempotency import IDEMPOTENCY_KEY

PRINCIPAL = "user:u-1"
LEASE = 15


@pytest.fixture
def sessions(engine_for, sqlite_url):
    engine = engine_for(sqlite_url)
    Base.metadata.create_all(engine)
    return sessionmaker(engine)


def post(key="hp-rina-1", body=b'{"nik": "3507"}'):
    return Request(EnvironBuilder(method="POST", path="/v1/persons", data=body,
                                  headers={"Idempotency-Key": key, "Content-Type": "application/json"}).get_environ())


class Service:
    """Answers like a service would, and notes the key each call carried."""

    def __init__(self, context):
        self.context, self.keys = context, []

    def produce(self, status=201, fail=None):
        def call():
            self.keys.append(self.context.get(IDEMPOTENCY_KEY))
            if fail is not None:
                raise fail
            return Response('{"id": "p1"}', status=status, headers={"Location": "/v1/persons/p1"})
        return call


def run(sessions, service, request, **produce):
    return run_once(sessions, request, PRINCIPAL, service.produce(**produce), context=service.context,
                    lease_seconds=LEASE)


def test_the_key_rides_with_the_service_call_and_the_answer_is_replayed(sessions):
    service = Service({})
    first = run(sessions, service, post())
    again = run(sessions, service, post())
    assert service.keys == [f"{PRINCIPAL} hp-rina-1"]  # the retry did not reach the service
    assert service.context == {}
    assert again.status_code == 201 and again.get_data() == first.get_data()
    assert again.headers["Location"] == "/v1/persons/p1" and again.headers[REPLAYED_HEADER] == "true"


def test_a_key_held_by_a_live_attempt_is_409_with_retry_after(sessions):
    with sessions() as session, session.begin():
        session.add(_placeholder(datetime.now(UTC)))
    with pytest.raises(HttpProblem) as raised:
        run(sessions, Service({}), post())
    assert raised.value.status == 409 and 1 <= int(raised.value.headers["Retry-After"]) <= LEASE + 1


def test_a_key_whose_attempt_died_is_taken_over_by_the_retry(sessions):
    with sessions() as session, session.begin():
        session.add(_placeholder(datetime.now(UTC) - timedelta(seconds=LEASE + 1)))
    service = Service({})
    assert run(sessions, service, post()).status_code == 201
    assert service.keys == [f"{PRINCIPAL} hp-rina-1"]
    assert run(sessions, service, post()).headers[REPLAYED_HEADER] == "true"


def test_a_failed_attempt_frees_the_key_at_once(sessions):
    service = Service({})
    with pytest.raises(TimeoutError):
        run(sessions, service, post(), fail=TimeoutError("504"))
    assert run(sessions, service, post()).status_code == 201
    assert run(sessions, service, post(), status=503).status_code == 201  # replayed, not run


def test_the_same_key_for_another_request_is_422(sessions):
    run(sessions, Service({}), post())
    with pytest.raises(HttpProblem) as raised:
        run(sessions, Service({}), post(body=b'{"nik": "3579"}'))
    assert raised.value.status == 422


def test_an_answer_that_cannot_be_stored_still_reaches_the_client(sessions):
    service = Service({})

    def answer_then_lose_the_table():
        response = service.produce()()
        with sessions() as session, session.begin():
            session.execute(sa.text("ALTER TABLE idempotent_responses RENAME TO gone"))
        return response

    response = run_once(sessions, post(), PRINCIPAL, answer_then_lose_the_table, context=service.context,
                        lease_seconds=LEASE)
    assert response.status_code == 201


def _placeholder(started: datetime) -> IdempotentResponse:
    from gateway.access.idempotency import request_fingerprint

    request = post()
    return IdempotentResponse(principal=PRINCIPAL, key="hp-rina-1", status=0, body="", headers={},
                              fingerprint=request_fingerprint("POST", "/v1/persons", request.get_data(), PRINCIPAL),
                              created_at=started)
