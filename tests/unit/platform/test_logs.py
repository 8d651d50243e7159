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
