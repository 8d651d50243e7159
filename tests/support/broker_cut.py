"""The broker-cut burst: registrations through the gateway while RabbitMQ is cut off, and what became of each.

Used by the fault test (which asserts on the tally) and by bench/broker_cut.py (which prints it).
"""
import time
from dataclasses import dataclass, field
from datetime import datetime

import eventlet
import sqlalchemy as sa
from eventlet.event import Event

from tests.support.fieldsheet import valid_row
from tests.support.web import WebSession

BATU_DESA = "35.79.01.1001"


@dataclass
class Outcome:
    nik: str
    status: int  # 0: no HTTP answer at all
    person_id: str | None
    sent_at: float
    seconds: float


@dataclass
class Burst:
    outcomes: list[Outcome] = field(default_factory=list)
    cut_at: float = 0.0
    restored_at: float = 0.0
    healthy_after_seconds: float | None = None
    health_during_cut: int | None = None


def registration(index: int) -> dict:
    nik, name, born, sex, desa, _, phone = valid_row(index, BATU_DESA)
    day, month, year = born.split("/")
    return {
        "nik": nik, "name": name, "birth_date": f"{year}-{month}-{day}", "sex": sex, "desa_code": desa,
        "phone": phone,
        "disability": {"categories": ["fisik"], "functional_limitations": ["berjalan jauh"]},
        "consent": {"purpose": "pendataan", "given_by": "self", "form": "read_aloud", "given_on": "2026-11-01"},
        "communication": {"channels": ["sms"], "language": "id", "format": "plain_text", "copy_guardian": False},
    }


def run_burst(base_url: str, token: str, proxy, *, before: float = 3.0, cut: float = 10.0, after: float = 4.0,
              senders: int = 6, health_within: float = 10.0) -> Burst:
    """Senders register persons without pause (one second's pause after a failure) for
    before + cut + after seconds; the proxy to RabbitMQ is cut `before` seconds in, for `cut` seconds."""
    burst = Burst()
    counter = iter(range(10**6))
    stop = Event()

    def sender():
        with WebSession(base_url) as web:
            web.headers["Authorization"] = f"Bearer {token}"
            while not stop.ready():
                payload = registration(next(counter))
                sent_at = time.time()
                try:
                    response = web.post("/v1/persons", json=payload, timeout=30)
                    status = response.status_code
                    person_id = response.json().get("id") if status < 300 else None
                except OSError:
                    status, person_id = 0, None
                burst.outcomes.append(Outcome(payload["nik"], status, person_id, sent_at, time.time() - sent_at))
                if status >= 300 or status == 0:
                    eventlet.sleep(1.0)

    pool = eventlet.GreenPool(senders)
    for _ in range(senders):
        pool.spawn(sender)
    eventlet.sleep(before)
    proxy.stop()
    burst.cut_at = time.time()
    eventlet.sleep(cut / 2)
    with WebSession(base_url) as web:
        burst.health_during_cut = web.get("/health", timeout=10).status_code
    eventlet.sleep(max(0.0, burst.cut_at + cut - time.time()))
    proxy.start()
    burst.restored_at = time.time()
    with WebSession(base_url) as web:
        while time.time() - burst.restored_at < health_within + 5:
            try:
                if web.get("/health", timeout=5).status_code == 200:
                    burst.healthy_after_seconds = time.time() - burst.restored_at
                    break
            except OSError:
                pass
            eventlet.sleep(0.25)
    eventlet.sleep(max(0.0, burst.restored_at + after - time.time()))
    stop.send()
    pool.waitall()
    return burst


def stored_persons(registry_url: str) -> list[tuple[str, str, datetime]]:
    engine = sa.create_engine(registry_url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT id, nik, created_at FROM persons")).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def welcome_counts(notify_url: str) -> dict[str, int]:
    engine = sa.create_engine(notify_url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT person_id, count(*) FROM notifications WHERE kind = 'welcome' AND recipient_kind = 'person' "
            "GROUP BY person_id")).all()
    engine.dispose()
    return dict(rows)


def tally(burst: Burst, persons: list, welcomes: dict) -> dict:
    ok = [o for o in burst.outcomes if 200 <= o.status < 300]
    failed = [o for o in burst.outcomes if not 200 <= o.status < 300]
    by_nik: dict[str, list] = {}
    for person_id, nik, created_at in persons:
        by_nik.setdefault(nik, []).append((person_id, created_at))
    stored_ids = {person_id for person_id, _, _ in persons}
    applied_failures = [(o, by_nik[o.nik][0][1]) for o in failed if o.nik in by_nik]
    statuses: dict[int, int] = {}
    for o in burst.outcomes:
        statuses[o.status] = statuses.get(o.status, 0) + 1
    return {
        "sent": len(burst.outcomes),
        "2xx": len(ok),
        "failed": len(failed),
        "statuses": dict(sorted(statuses.items())),
        "applied_after_failure": len(applied_failures),
        "applied_failures": applied_failures,
        "duplicated": sum(len(v) - 1 for v in by_nik.values()) + (len(ok) - len({o.person_id for o in ok})),
        "lost": sum(1 for o in ok if o.person_id not in stored_ids),
        "events_missing": sum(1 for person_id in stored_ids if welcomes.get(person_id, 0) == 0),
        "events_doubled": sum(1 for count in welcomes.values() if count > 1),
        "slowest_503_seconds": round(max((o.seconds for o in burst.outcomes if o.status == 503), default=0), 2),
        "healthy_after_seconds": burst.healthy_after_seconds,
        "health_during_cut": burst.health_during_cut,
    }
