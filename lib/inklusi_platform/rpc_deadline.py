"""RPC deadlines: a request the caller gave up on is refused, never applied later.

The caller puts an absolute deadline (epoch seconds) in the context data, which nameko carries as a
message header and passes on to the calls a worker makes in turn, and an AMQP per-message expiration
so the broker drops a request nobody waits for. The service checks the deadline before a worker starts
and again just before its unit of work commits.

The deadline a service gets is COMMIT_MARGIN_SECONDS earlier than the moment its caller stops
waiting, so a write that passed the last check has that long to commit and answer before the caller
reports a timeout. Deadlines compare clocks of two hosts: keep them in sync (NTP), as for any TTL.
"""
import time

from nameko.exceptions import deserialize_to_instance

from inklusi_platform.errors import Unavailable

DEADLINE_KEY = "deadline"
COMMIT_MARGIN_SECONDS = 0.5


@deserialize_to_instance
class DeadlinePassed(Unavailable):
    """The caller's deadline passed before the work was done; nothing was changed."""


def deadline_passed_error() -> DeadlinePassed:
    return DeadlinePassed("Permintaan melewati batas waktu dan tidak dijalankan; tidak ada yang berubah. "
                          "Silakan coba lagi.", {"retry_after": 1})


def deadline_of(context_data) -> float | None:
    value = (context_data or {}).get(DEADLINE_KEY)
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def has_passed(context_data, now: float | None = None) -> bool:
    deadline = deadline_of(context_data)
    return deadline is not None and (time.time() if now is None else now) >= deadline


def call_deadline(timeout: float, inherited: float | None, now: float | None = None) -> float:
    """When a caller stops waiting: its own timeout, or sooner if its own caller stops sooner."""
    now = time.time() if now is None else now
    own = now + timeout
    return own if inherited is None else min(own, inherited)


def service_deadline(caller_deadline: float) -> float:
    """The deadline handed to the service: a commit margin before the caller stops waiting."""
    return caller_deadline - COMMIT_MARGIN_SECONDS
