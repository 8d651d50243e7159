"""Pieces of issue 8 that need no broker: the JWT key file, odd JSON, the account check, the wire."""
import os
import stat

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.access.accounts_cache import AccountCheck
from gateway.bodies import check_json_text, read_json, read_query
from gateway.guard import jwt_secret
from gateway.problems import HttpProblem
from gateway.schemas.common import PageQuery
from gateway.wire import _ProblemWriter
from inklusi_platform.errors import Unavailable


def test_the_jwt_key_file_is_created_private(tmp_path):
    old = os.umask(0o022)
    try:
        secret = jwt_secret({"DATA_DIR": str(tmp_path)})
    finally:
        os.umask(old)
    path = tmp_path / "gateway-jwt-secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(secret) >= 32
    assert jwt_secret({"DATA_DIR": str(tmp_path)}) == secret  # kept, not remade
    assert [p.name for p in tmp_path.iterdir()] == ["gateway-jwt-secret"]  # no temporary left behind


def _json_request(raw: bytes) -> Request:
    return Request(EnvironBuilder(method="POST", data=raw, content_type="application/json").get_environ())


@pytest.mark.parametrize("raw", [
    b'{"name": "Budi\\u0000"}', b'{"name": "\\ud800"}', b'{"\\u0000": 1}',
    b"[" * 100_000 + b"]" * 100_000, b"[" * 40 + b"]" * 40,
])
def test_odd_json_is_a_400_with_a_reason(raw):
    with pytest.raises(HttpProblem) as refused:
        read_json(_json_request(raw))
    assert refused.value.status == 400 and refused.value.detail


def test_ordinary_nested_json_passes():
    check_json_text({"a": [{"b": ["Siti Aminah", 1, None, {"c": "Ngaglik"}]}]})


def test_a_nul_in_a_query_is_a_400():
    request = Request(EnvironBuilder(method="GET", query_string="cursor=ab%00c").get_environ())
    with pytest.raises(HttpProblem) as refused:
        read_query(request, PageQuery())
    assert refused.value.status == 400


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_the_account_check_caches_briefly_then_looks_again(monkeypatch):
    clock, active = Clock(), {"value": True}
    check = AccountCheck(sessions=None, ttl_seconds=1.0, clock=clock)
    monkeypatch.setattr(check, "_lookup", lambda kind, subject: active["value"])
    assert check.is_active("user", "u1")
    active["value"] = False
    clock.now = 0.5
    assert check.is_active("user", "u1")  # still the cached answer
    clock.now = 1.1
    assert not check.is_active("user", "u1")


def test_while_one_request_looks_an_account_up_the_others_keep_the_last_answer(monkeypatch):
    import eventlet

    clock, lookups = Clock(), []

    def slow_lookup(kind, subject):
        lookups.append(subject)
        eventlet.sleep(0.05)  # the database round trip, during which other requests arrive
        return False

    check = AccountCheck(sessions=None, ttl_seconds=1.0, clock=clock)
    monkeypatch.setattr(check, "_lookup", lambda kind, subject: True)
    assert check.is_active("user", "u1")
    monkeypatch.setattr(check, "_lookup", slow_lookup)
    clock.now = 1.5
    pile = eventlet.GreenPile()
    for _ in range(20):
        pile.spawn(check.is_active, "user", "u1")
    answers = list(pile)
    assert lookups == ["u1"]  # one round trip, not twenty
    assert answers.count(False) == 1 and answers.count(True) == 19
    assert not check.is_active("user", "u1")  # the new answer from now on


def test_while_the_database_is_away_the_last_answer_holds_for_a_tokens_lifetime(monkeypatch):
    clock, answers = Clock(), {"u1": True}

    def lookup(kind, subject):
        if answers is None:
            raise Unavailable("database away")
        return answers[subject]

    check = AccountCheck(sessions=None, ttl_seconds=1.0, stale_seconds=900.0, clock=clock)
    monkeypatch.setattr(check, "_lookup", lookup)
    assert check.is_active("user", "u1")
    answers = None  # the gateway's database goes away
    clock.now = 600.0
    assert check.is_active("user", "u1")  # the last answer, 10 minutes old
    with pytest.raises(Unavailable):
        check.is_active("user", "never-seen")
    clock.now = 901.0
    with pytest.raises(Unavailable):
        check.is_active("user", "u1")  # older than a token lives: no answer to give


class Sink:
    def __init__(self):
        self.written = b""

    def write(self, data):
        self.written += data
        return len(data)


def test_eventlets_empty_refusals_become_problems():
    sink = Sink()
    _ProblemWriter(sink).write(b"HTTP/1.0 414 Request URI Too Long\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
    head, _, body = sink.written.partition(b"\r\n\r\n")
    assert b"application/problem+json" in head and b'"status": 414' in body
    ordinary = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    sink.written = b""
    _ProblemWriter(sink).write(ordinary)
    assert sink.written == ordinary
