import json
import logging

from inklusi_platform.context import reset_correlation_id, set_correlation_id
from inklusi_platform.logs import JsonFormatter


def format_record(message, *args, **extra):
    record = logging.LogRecord("registry.persons", logging.WARNING, __file__, 1, message, args, None)
    for key, value in extra.items():
        setattr(record, key, value)
    return json.loads(JsonFormatter("registry").format(record))


def test_log_line_is_json_with_service_and_current_correlation_id():
    token = set_correlation_id("req-77")
    try:
        line = format_record("hello %s", "world")
    finally:
        reset_correlation_id(token)
    assert line["message"] == "hello world"
    assert line["service"] == "registry"
    assert line["level"] == "WARNING"
    assert line["correlation_id"] == "req-77"
    assert line["time"].endswith("+00:00")


def test_event_fields_are_carried_when_given():
    line = format_record("x", event_id="e1", event_type="registry.person_registered", correlation_id="c9")
    assert (line["event_id"], line["event_type"], line["correlation_id"]) == ("e1", "registry.person_registered",
                                                                               "c9")


def test_an_expected_error_is_one_line_without_traceback_and_only_at_debug():
    from inklusi_platform.logs import ExpectedErrorsInOneLine

    try:
        raise ValueError("Data orang ini tidak ditemukan.")
    except ValueError:
        import sys

        record = logging.LogRecord("nameko.containers", logging.WARNING, __file__, 1,
                                   "(expected) error handling worker %s: %s", ("<worker>", "x"), sys.exc_info())
    root = logging.getLogger()
    level = root.level
    try:
        root.setLevel(logging.INFO)
        assert ExpectedErrorsInOneLine().filter(record) is False  # not shown at INFO: the access line says it
        root.setLevel(logging.DEBUG)
        assert ExpectedErrorsInOneLine().filter(record) is True
    finally:
        root.setLevel(level)
    line = json.loads(JsonFormatter("gateway").format(record))
    assert line["level"] == "DEBUG" and "exception" not in line
    crash = logging.LogRecord("nameko.containers", logging.ERROR, __file__, 1, "error handling worker", (), None)
    assert ExpectedErrorsInOneLine().filter(crash) is True and crash.levelname == "ERROR"


def test_access_line_carries_route_status_duration_request_and_caller():
    from inklusi_platform.logs import ACCESS_LOGGER, log_access

    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger(ACCESS_LOGGER)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        log_access("GET", "/v1/persons/<person_id>", 404, 12.345, "req-1", "user:u1")
    finally:
        logger.removeHandler(handler)
    line = json.loads(JsonFormatter("gateway").format(records[0]))
    assert {k: line[k] for k in ("method", "route", "status", "duration_ms", "correlation_id", "user_id")} == {
        "method": "GET", "route": "/v1/persons/<person_id>", "status": 404, "duration_ms": 12.3,
        "correlation_id": "req-1", "user_id": "user:u1"}
