"""The suite's health as the gateway sees it: itself, and each service's own health RPC, probed in the
background so that GET /health sends nothing anywhere and answers in well under a millisecond.

A probe round runs every PROBE_SECONDS (the gateway's timer); a service's last report counts until it
is STALE_SECONDS old, after which the service reads as down. So /health shows an outage (or a
recovery) within about PROBE_SECONDS + PROBE_TIMEOUT_SECONDS.
"""
import time

from eventlet import GreenPile
from nameko.extensions import DependencyProvider

from inklusi_platform.service import Readiness

SERVICES = ("registry", "training", "funding", "notify")
PROBE_SECONDS = 1.0
PROBE_TIMEOUT_SECONDS = 3
STALE_SECONDS = 10.0


def probe(client, name: str) -> dict:
    try:
        report = client.health(timeout=PROBE_TIMEOUT_SECONDS)
    except Exception as exc:  # timed out, not running, or broken: all mean down to the caller
        return {"service": name, "status": "down", "reason": type(exc).__name__}
    return report


def probe_all(clients: dict) -> dict:
    pile = GreenPile(len(clients))
    for name, client in clients.items():
        pile.spawn(probe, client, name)
    return {name: report for name, report in zip(clients, pile, strict=True)}


def suite_health(own: dict, services: dict) -> tuple[int, dict]:
    everything = [own, *services.values()]
    status = "up" if all(report["status"] == "up" for report in everything) else "down"
    return (200 if status == "up" else 503), {"status": status, "gateway": own, "services": services}


class SuiteHealth(DependencyProvider):
    """The services' last probed reports, kept by the gateway's probe timer and read by GET /health."""

    def setup(self):
        self.reports: dict[str, tuple[dict, float]] = {}

    def get_dependency(self, worker_ctx) -> "SuiteHealth":
        return self

    def record(self, reports: dict, now: float | None = None) -> None:
        at = time.monotonic() if now is None else now
        for name, report in reports.items():
            self.reports[name] = (report, at)

    def services(self, now: float | None = None) -> dict:
        now = time.monotonic() if now is None else now
        known = {}
        for name in SERVICES:
            report, at = self.reports.get(name, (None, 0.0))
            if report is None:
                known[name] = {"service": name, "status": "down", "reason": "not_probed_yet"}
            elif now - at > STALE_SECONDS:
                known[name] = {"service": name, "status": "down", "reason": "stale"}
            else:
                known[name] = report
        return known


def report_of(container) -> tuple[int, dict]:
    """GET /health from the container's own background state."""
    own = next(d for d in container.dependencies if isinstance(d, Readiness)).report()
    suite = next(d for d in container.dependencies if isinstance(d, SuiteHealth))
    return suite_health(own, suite.services())


LIVE = (200, {"status": "up"})


def answer_inline(container, path: str) -> tuple[int, dict] | None:
    """The health routes answered by the web server itself, without a worker: they touch nothing a
    worker would give them, and a liveness check must not queue behind a full worker pool."""
    if path == "/health/live":
        return LIVE
    if path == "/health":
        return report_of(container)
    return None
