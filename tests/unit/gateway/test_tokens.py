"""Access tokens (JWT HS256) and refresh tokens."""
import hashlib
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from gateway.access.tokens import (
    BAD_SIGNATURE,
    EXPIRED,
    MALFORMED,
    NOT_YET_VALID,
    WRONG_ISSUER,
    Claims,
    InvalidToken,
    TokenIssuer,
    hash_refresh_token,
    new_refresh_token,
)

SECRET = "s" * 40
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


@pytest.fixture
def issuer():
    return TokenIssuer(SECRET)


def issue(issuer, **overrides):
    args = {"subject": "u1", "kind": "user", "org_id": "dinsos-kota-batu", "roles": ["dinsos_officer"],
            "areas": ["35.79"], "now": NOW} | overrides
    return issuer.issue_access(**args)


def raw(token):
    return jwt.decode(token, options={"verify_signature": False})


def test_round_trip_gives_back_who_and_where(issuer):
    token, expires_at = issue(issuer)
    claims = issuer.decode_access(token, now=NOW + timedelta(minutes=1))
    assert isinstance(claims, Claims)
    assert (claims.subject, claims.kind, claims.org_id) == ("u1", "user", "dinsos-kota-batu")
    assert (claims.roles, claims.areas) == (("dinsos_officer",), ("35.79",))
    assert claims.issued_at == NOW
    assert claims.expires_at == expires_at == NOW + timedelta(minutes=15)
    assert claims.token_id == raw(token)["jti"]


def test_token_carries_jti_iat_exp_and_issuer(issuer):
    payload = raw(issue(issuer)[0])
    assert payload["iss"] == "inklusi"
    assert payload["iat"] == int(NOW.timestamp())
    assert payload["exp"] == int((NOW + timedelta(minutes=15)).timestamp())
    assert len(payload["jti"]) >= 16
    assert jwt.get_unverified_header(issue(issuer)[0])["alg"] == "HS256"


def test_each_token_has_its_own_id(issuer):
    assert raw(issue(issuer)[0])["jti"] != raw(issue(issuer)[0])["jti"]


def test_client_tokens_and_a_custom_lifetime():
    short = TokenIssuer(SECRET, access_ttl=timedelta(minutes=5))
    token, expires_at = issue(short, kind="client", subject="mitra-1", roles=["partner"], areas=[])
    assert expires_at == NOW + timedelta(minutes=5)
    claims = short.decode_access(token, now=NOW)
    assert (claims.kind, claims.areas) == ("client", ())


def test_expiry_is_whole_seconds_so_it_matches_the_token(issuer):
    _, expires_at = issue(issuer, now=NOW + timedelta(microseconds=654321))
    assert expires_at == NOW + timedelta(minutes=15)


def test_unknown_kind_or_naive_time_is_a_programming_error(issuer):
    with pytest.raises(ValueError):
        issue(issuer, kind="robot")
    with pytest.raises(ValueError):
        issue(issuer, now=datetime(2026, 11, 28, 10, 0))


def test_expired_token_is_refused_with_reason_and_indonesian_message(issuer):
    token, _ = issue(issuer)
    with pytest.raises(InvalidToken, match="kedaluwarsa") as caught:
        issuer.decode_access(token, now=NOW + timedelta(minutes=16))
    assert caught.value.reason == EXPIRED


def test_a_verified_token_is_remembered_but_its_times_are_checked_on_every_use(issuer, monkeypatch):
    token, _ = issue(issuer)
    first = issuer.decode_access(token, now=NOW + timedelta(minutes=1))
    monkeypatch.setattr(jwt, "decode", lambda *a, **k: pytest.fail("decoded again"))
    assert issuer.decode_access(token, now=NOW + timedelta(minutes=2)) == first
    with pytest.raises(InvalidToken) as caught:
        issuer.decode_access(token, now=NOW + timedelta(minutes=16))
    assert caught.value.reason == EXPIRED


def test_a_token_that_failed_is_never_remembered(issuer):
    token, _ = issue(issuer)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for _ in range(2):
        with pytest.raises(InvalidToken):
            issuer.decode_access(forged, now=NOW)
    assert issuer.decode_access(token, now=NOW).subject == "u1"


def test_small_clock_skew_is_tolerated_but_no_more():
    issuer = TokenIssuer(SECRET, leeway=timedelta(seconds=30))
    token, expires_at = issue(issuer)
    assert issuer.decode_access(token, now=expires_at + timedelta(seconds=29)).subject == "u1"
    with pytest.raises(InvalidToken):
        issuer.decode_access(token, now=expires_at + timedelta(seconds=30))
    strict = TokenIssuer(SECRET, leeway=timedelta(0))
    with pytest.raises(InvalidToken):
        strict.decode_access(token, now=expires_at)


def test_token_from_the_future_is_refused(issuer):
    token, _ = issue(issuer)
    with pytest.raises(InvalidToken) as caught:
        issuer.decode_access(token, now=NOW - timedelta(minutes=5))
    assert caught.value.reason == NOT_YET_VALID


def test_real_clock_is_used_without_now(issuer):
    token, _ = issuer.issue_access("u1", "user", "o", [], [])
    assert issuer.decode_access(token).subject == "u1"
    old, _ = issue(issuer, now=datetime.now(UTC) - timedelta(hours=1))
    with pytest.raises(InvalidToken):
        issuer.decode_access(old)


def test_token_signed_with_another_key_is_refused(issuer):
    token, _ = issue(TokenIssuer("x" * 40))
    with pytest.raises(InvalidToken, match="tidak sah") as caught:
        issuer.decode_access(token, now=NOW)
    assert caught.value.reason == BAD_SIGNATURE


def test_token_of_another_issuer_is_refused(issuer):
    token, _ = issue(TokenIssuer(SECRET, issuer="lain"))
    with pytest.raises(InvalidToken) as caught:
        issuer.decode_access(token, now=NOW)
    assert caught.value.reason == WRONG_ISSUER


def test_changed_payload_breaks_the_signature(issuer):
    token, _ = issue(issuer)
    header, _, signature = token.split(".")
    forged_payload = jwt.encode(raw(token) | {"areas": ["35"]}, "k" * 40, algorithm="HS256").split(".")[1]
    with pytest.raises(InvalidToken) as caught:
        issuer.decode_access(f"{header}.{forged_payload}.{signature}", now=NOW)
    assert caught.value.reason == BAD_SIGNATURE


def test_unsigned_and_other_algorithm_tokens_are_refused(issuer):
    payload = raw(issue(issuer)[0])
    unsigned = jwt.encode(payload, None, algorithm="none")
    hs512 = jwt.encode(payload, SECRET * 2, algorithm="HS512")
    for token in (unsigned, hs512):
        with pytest.raises(InvalidToken) as caught:
            issuer.decode_access(token, now=NOW)
        assert caught.value.reason == MALFORMED


@pytest.mark.parametrize("missing", ["jti", "exp", "iat", "sub", "kind", "roles"])
def test_a_token_lacking_a_claim_is_refused(issuer, missing):
    payload = raw(issue(issuer)[0])
    del payload[missing]
    with pytest.raises(InvalidToken) as caught:
        issuer.decode_access(jwt.encode(payload, SECRET, algorithm="HS256"), now=NOW)
    assert caught.value.reason == MALFORMED


@pytest.mark.parametrize("change", [{"kind": "admin"}, {"roles": "admin"}, {"areas": [35]}, {"sub": ""}])
def test_a_signed_token_with_claims_of_the_wrong_shape_is_refused(issuer, change):
    payload = raw(issue(issuer)[0]) | change
    with pytest.raises(InvalidToken) as caught:
        issuer.decode_access(jwt.encode(payload, SECRET, algorithm="HS256"), now=NOW)
    assert caught.value.reason == MALFORMED


@pytest.mark.parametrize("garbage", ["", "a.b.c", "not a token"])
def test_garbage_is_refused_with_a_generic_message(issuer, garbage):
    with pytest.raises(InvalidToken) as caught:
        issuer.decode_access(garbage, now=NOW)
    assert caught.value.reason == MALFORMED
    assert str(caught.value) == "Token akses tidak sah; masuk kembali."


def test_short_secret_is_refused():
    with pytest.raises(ValueError):
        TokenIssuer("short")
    with pytest.raises(ValueError):
        TokenIssuer("x" * 31)


def test_refresh_tokens_are_random_and_only_their_hash_is_kept():
    plain, digest = new_refresh_token()
    assert len(plain) >= 43  # 32 random bytes, URL-safe base64
    assert digest == hashlib.sha256(plain.encode()).hexdigest() == hash_refresh_token(plain)
    assert len(digest) == 64 and plain not in digest
    assert new_refresh_token()[0] != plain
    assert hash_refresh_token(plain + "x") != digest
