"""Bursts of registrations through the gateway, and what became of each one."""
import itertools
import time
from dataclasses import dataclass

import eventlet
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.integration.suite.conftest import person_payload
from tests.support.tcp_proxy import TcpProxy

_serials = itertools.count(1)


def through(url: str, proxy: TcpProxy) -> str:
    """The same database URL, reached through the proxy."""
    return make_url(url).set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)


def new_person(desa_code: str = "35.07.25.2001") -> dict:
    """A registration with a NIK of its own (Lawang region code, a woman born 12-03-1990)."""
    serial = next(_serials)
    return person_payload(f"350725520390{serial:04d}", desa_code, name=f"Peserta Uji {serial}")


def assert_unavailable(response):
    assert response.status_code == 503, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    assert int(response.headers["Retry-After"]) > 0
    assert "Traceback" not in response.text


@dataclass
class Write:
    payload: dict
    key: str | None
    status: int = 0
    person_id: str | None = None
    sent_at: float = 0.0


def send(web, write: Write) -> Write:
    write.sent_at = time.monotonic()
    headers = {"Idempotency-Key": write.key} if write.key else {}
    try:
        response = web.post("/v1/persons", json=write.payload, headers=headers, timeout=30)
    except OSError:  # the connection itself failed: the client saw no answer
        write.status = -1
        return write
    write.status = response.status_code
    if response.status_code == 201:
        write.person_id = response.json()["id"]
    return write


def burst(web, until, senders: int = 2, pause: float = 0.2, keyed=lambda n: True, writes=None) -> list[Write]:
    """POST new persons from `senders` green threads until `until()` is true; `keyed(n)` says which
    of them carry an Idempotency-Key. `writes` (appended to as they go) lets another thread watch."""
    writes = [] if writes is None else writes

    def sender(number: int):
        for n in itertools.count():
            if until():
                return
            write = Write(new_person(), f"uji-{number}-{n}" if keyed(n) else None)
            writes.append(write)
            send(web, write)
            eventlet.sleep(pause)

    pile = eventlet.GreenPile(senders)
    for number in range(senders):
        pile.spawn(sender, number)
    list(pile)
    return writes


def retry_until_answered(web, write: Write, timeout: float = 40.0) -> Write:
    """Retry a keyed write with its key until it gets a final answer (not 409/5xx)."""
    deadline = time.monotonic() + timeout
    again = Write(write.payload, write.key)
    while True:
        send(web, again)
        if again.status not in (-1, 409, 502, 503, 504) or time.monotonic() > deadline:
            return again
        eventlet.sleep(1)


def stored_persons(database_url: str) -> int:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT count(*) FROM persons")).scalar()
    finally:
        engine.dispose()
