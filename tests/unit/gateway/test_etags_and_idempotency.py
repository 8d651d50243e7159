import pytest

from gateway.access.etags import etag_for, if_match_ok
from gateway.access.idempotency import request_fingerprint, validate_key


def test_etag_changes_with_the_version_only():
    one = etag_for({"id": "a", "version": 1})
    assert one == etag_for({"version": 1, "id": "a"})
    assert one != etag_for({"id": "a", "version": 2})
    assert one.startswith('"') and one.endswith('"')


def test_if_match_accepts_current_star_and_lists_but_not_weak_or_stale():
    current = etag_for({"id": "a", "version": 3})
    assert if_match_ok(current, current)
    assert if_match_ok("*", current)
    assert if_match_ok(f'"x", {current}', current)
    assert not if_match_ok(f"W/{current}", current)
    assert not if_match_ok(etag_for({"id": "a", "version": 2}), current)
    assert not if_match_ok(None, current)


def test_idempotency_key_form():
    assert validate_key("abc-123_XYZ") == "abc-123_XYZ"
    for bad in ("", "has space", "x" * 201, "ü"):
        with pytest.raises(ValueError):
            validate_key(bad)


def test_fingerprint_tells_a_retry_from_a_different_request():
    same = request_fingerprint("POST", "/v1/persons", b'{"a":1}', "user:1")
    assert same == request_fingerprint("post", "/v1/persons", b'{"a":1}', "user:1")
    assert same != request_fingerprint("POST", "/v1/persons", b'{"a":2}', "user:1")
    assert same != request_fingerprint("POST", "/v1/persons", b'{"a":1}', "user:2")
