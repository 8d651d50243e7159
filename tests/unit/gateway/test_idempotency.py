"""The Idempotency-Key header."""
import pytest

from gateway.access.idempotency import InvalidIdempotencyKey, request_fingerprint, validate_key

BODY = b'{"name": "Siti", "desa_code": "35.07.25.2001"}'


@pytest.mark.parametrize("key", ["a", "abc-123_XYZ", "hp-rina-1", "x" * 200, "!~", "550e8400-e29b-41d4"])
def test_valid_keys_come_back_unchanged(key):
    assert validate_key(key) == key


@pytest.mark.parametrize("key", ["", None, "has space", "x" * 201, "ü", "tab\there", "new\nline", " lead", "\x7f"])
def test_invalid_keys_are_refused_in_indonesian(key):
    with pytest.raises(InvalidIdempotencyKey, match="Idempotency-Key harus 1–200 karakter"):
        validate_key(key)


def test_invalid_key_is_a_value_error_for_callers_that_catch_those():
    assert issubclass(InvalidIdempotencyKey, ValueError)


def fp(method="POST", path="/v1/persons", body=BODY, principal="user:1"):
    return request_fingerprint(method, path, body, principal)


def test_same_request_same_fingerprint():
    assert fp() == fp(method="post")
    assert len(fp()) == 64


@pytest.mark.parametrize("change", [
    {"body": b'{"name": "Rina", "desa_code": "35.07.25.2001"}'},
    {"principal": "user:2"},
    {"path": "/v1/pokja"},
    {"method": "PUT"},
    {"body": b""},
])
def test_any_difference_changes_the_fingerprint(change):
    assert fp(**change) != fp()


def test_a_reserialised_json_body_is_the_same_request():
    assert fp(body=b'{"desa_code":"35.07.25.2001","name":"Siti"}') == fp()
    assert fp(body=BODY.decode()) == fp()


def test_numbers_that_differ_stay_different():
    assert fp(body=b'{"a": 1}') != fp(body=b'{"a": 1.5}')


def test_non_json_bodies_compare_by_bytes():
    assert fp(body=b"\xff\x00raw") == fp(body=b"\xff\x00raw")
    assert fp(body=b"\xff\x00raw") != fp(body=b"\xff\x00rax")
    assert fp(body=None) == fp(body=b"")


def test_parts_cannot_slide_into_each_other():
    assert request_fingerprint("POST", "/v1/a", b"x", "user:1") != request_fingerprint("POST", "/v1/", b"x",
                                                                                         "auser:1")
