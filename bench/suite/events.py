"""Event figures: the relay's publish rate, a consumer's rate, and end-to-end latency at a fixed offered rate.

The relay and consumer rates drain a backlog: the import leaves its events in the registry's outbox
while the registry is stopped, the registry is started alone and the outbox is watched empty, then
notify is started and its processed-events record is watched reach the count published.
"""
from __future__ import annotations

import json
import queue
import threading
import time
from dataclasses import dataclass

import requests
from kombu import Connection, Consumer, Queue

from inklusi_platform.publishing import events_exchange


@dataclass
class Drain:
    events: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0


def watch_drain(count, target_reached, timeout: float, interval: float = 0.1, progress=None,
                every: float = 30, window: float | None = None) -> Drain:
    """Time a backlog being worked off: from the first change of `count()` until `target_reached(value)`,
    or until `window` seconds have been timed (a sustained rate; the rest of the backlog is the caller's).

    Starting the clock at the first change leaves the process's start-up out of the rate. `count()` is
    a query, so a large backlog is polled less often: the polling must not be what slows the drain.
    """
    first = count()
    deadline = time.monotonic() + timeout
    next_beat = time.monotonic() + every
    started = None
    start_value = first
    value = first
    while not target_reached(value):
        if time.monotonic() > deadline:
            raise RuntimeError(f"backlog not worked off in {timeout:.0f} s (at {value}, from {first})")
        time.sleep(interval)
        value = count()
        if progress and time.monotonic() >= next_beat:
            next_beat += every
            progress(value)
        if started is None and value != first:
            started, start_value = time.monotonic() - interval / 2, first
        if window is not None and started is not None and time.monotonic() - started >= window:
            break
    if started is None:  # done within one interval
        return Drain(abs(value - first), interval)
    return Drain(abs(value - start_value), time.monotonic() - started)


@dataclass
class Latency:
    offered_rate: float
    sent: int
    accepted: int
    write_rate: float
    received: int
    p50_ms: float
    p99_ms: float


class Tap:
    """A temporary queue bound to a service's events exchange; arrival time of each event, by person id."""

    def __init__(self, amqp_uri: str, source: str, routing_key: str):
        self.connection = Connection(amqp_uri)
        self.queue = Queue(f"bench-tap-{source}-{routing_key}", exchange=events_exchange(source),
                           routing_key=routing_key, durable=False, auto_delete=True)
        self.arrivals: dict[str, float] = {}
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._consume, daemon=True)

    def __enter__(self) -> Tap:
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("event tap did not start")
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(10)
        self.connection.release()

    def _on_message(self, body, message) -> None:
        arrived = time.time()
        envelope = body if isinstance(body, dict) else json.loads(body)
        person_id = (envelope.get("payload") or {}).get("person_id")
        if person_id:
            self.arrivals.setdefault(person_id, arrived)
        message.ack()

    def _consume(self) -> None:
        channel = self.connection.channel()
        with Consumer(channel, queues=[self.queue], callbacks=[self._on_message], accept=["json"]):
            self._ready.set()
            while not self._stop.is_set():
                try:
                    self.connection.drain_events(timeout=0.2)
                except TimeoutError:
                    pass
                except OSError:  # socket.timeout on older Pythons
                    pass


def offer_writes(url: str, headers: dict, bodies: list[str], rate: float, seconds: float,
                 senders: int = 64) -> tuple[dict[str, float], int, int, float]:
    """POST bodies on a fixed schedule (open loop): {person id: scheduled send time}, sent, accepted, rate.

    Times count from the schedule, not from when a sender got round to it, so a write path that
    falls behind shows as latency instead of quietly lowering the offered rate.
    """
    total = min(len(bodies), int(rate * seconds))
    schedule: queue.Queue = queue.Queue()
    start = time.time() + 0.2
    for i in range(total):
        schedule.put((start + i / rate, bodies[i]))
    scheduled: dict[str, float] = {}
    accepted = 0
    lock = threading.Lock()

    def sender() -> None:
        nonlocal accepted
        session = requests.Session()
        session.headers.update(headers)
        while True:
            try:
                at, body = schedule.get_nowait()
            except queue.Empty:
                return
            delay = at - time.time()
            if delay > 0:
                time.sleep(delay)
            try:
                response = session.post(url, data=body, timeout=30)
            except requests.RequestException:
                continue
            if response.status_code == 201:
                with lock:
                    scheduled[response.json()["id"]] = at
                    accepted += 1

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = max(time.time() - start, 1e-9)
    return scheduled, total, accepted, accepted / elapsed


def end_to_end(amqp_uri: str, url: str, headers: dict, bodies: list[str], rate: float, seconds: float,
               wait_seconds: float = 30) -> Latency:
    """Writes offered at `rate`; the latency from each write's scheduled send to its event on a tap queue."""
    from bench.suite.load import percentile

    with Tap(amqp_uri, "registry", "person_registered") as tap:
        scheduled, sent, accepted, write_rate = offer_writes(url, headers, bodies, rate, seconds)
        deadline = time.monotonic() + wait_seconds
        while time.monotonic() < deadline and not set(scheduled) <= set(tap.arrivals):
            time.sleep(0.1)
        latencies = [tap.arrivals[pid] - at for pid, at in scheduled.items() if pid in tap.arrivals]
    return Latency(offered_rate=rate, sent=sent, accepted=accepted, write_rate=write_rate, received=len(latencies),
                   p50_ms=percentile(latencies, 0.5) * 1000, p99_ms=percentile(latencies, 0.99) * 1000)
