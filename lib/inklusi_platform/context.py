"""The correlation id of the work in hand, carried from the gateway through RPC, events and logs."""
import contextvars
import uuid

CORRELATION_KEY = "correlation_id"

# greenlet >= 1.0 gives every greenthread its own context, so each worker sees only its own id.
_current = contextvars.ContextVar("correlation_id", default=None)


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def current_correlation_id() -> str | None:
    return _current.get()


def set_correlation_id(value: str | None):
    return _current.set(value)


def reset_correlation_id(token) -> None:
    _current.reset(token)
