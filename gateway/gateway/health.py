"""The suite's health as the gateway sees it: itself, and each service's own health RPC."""
from eventlet import GreenPile

SERVICES = ("registry", "training", "funding", "notify")
PROBE_TIMEOUT_SECONDS = 3


def probe(client, name: str) -> dict:
    try:
        report = client.health(timeout=PROBE_TIMEOUT_SECONDS)
    except Exception as exc:  # timed out, not running, or broken: all mean down to the caller
        return {"service": name, "status": "down", "reason": type(exc).__name__}
    return report


def suite_health(own: dict, clients: dict) -> tuple[int, dict]:
    pile = GreenPile(len(clients))
    for name, client in clients.items():
        pile.spawn(probe, client, name)
    services = {report["service"]: report for report in pile}
    everything = [own, *services.values()]
    status = "up" if all(report["status"] == "up" for report in everything) else "down"
    return (200 if status == "up" else 503), {"status": status, "gateway": own, "services": services}
