"""Structured JSON logs on stdout, each line stamped with the service and the correlation id.

A refusal the caller caused (nameko's "expected" errors: 4xx at the gateway, a refused RPC) is
not a fault: it is kept to one line, without a traceback, at DEBUG; the gateway's access line
already says how the request ended. Only unexpected errors carry a traceback.
"""
import json
import logging
import sys
from datetime import UTC, datetime

from inklusi_platform.context import current_correlation_id

ACCESS_LOGGER = "inklusi.access"
# Extra fields a log call may carry (`extra={...}`); never a name, NIK, phone or diagnosis.
CARRIED = ("event_id", "event_type", "queue", "attempt",
           "method", "route", "status", "duration_ms", "user_id")


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
            "correlation_id": getattr(record, "correlation_id", None) or current_correlation_id(),
        }
        for key in CARRIED:
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class ExpectedErrorsInOneLine(logging.Filter):
    """nameko logs an expected error as WARNING with its whole traceback; make it one DEBUG line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "nameko.containers" and str(record.msg).startswith("(expected)"):
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger().isEnabledFor(logging.DEBUG)
        return True


def log_access(method: str, route: str, status: int, duration_ms: float, request_id: str,
               user_id: str | None) -> None:
    """One line per HTTP request: the route's template, never its path (a path can hold an id or NIK)."""
    logging.getLogger(ACCESS_LOGGER).info(
        "%s %s %s %.1fms", method, route, status, duration_ms,
        extra={"method": method, "route": route, "status": status, "duration_ms": round(duration_ms, 1),
               "correlation_id": request_id, "user_id": user_id})


def configure_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    handler.addFilter(ExpectedErrorsInOneLine())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # kombu and nameko are chatty at INFO about every connection; their warnings still show.
    for noisy in ("kombu", "amqp", "nameko"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
