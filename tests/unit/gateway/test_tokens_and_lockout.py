from datetime import datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher

from gateway.access import passwords
from gateway.access.lockout import LockoutPolicy, LockoutState
from gateway.access.tokens import InvalidToken, TokenIssuer, hash_refresh_token, new_refresh_token

SECRET = "s" * 40
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=timezone.utc)


def test_access_token_round_trips_and_expires():
    issuer = TokenIssuer(SECRET)
    token, expires_at = issuer.issue_access("u1", "user", "dinsos-kota-batu", ["dinsos_officer"], ["35.79"], now=NOW)
    claims = issuer.decode_access(token, now=NOW + timedelta(minutes=1))
    assert (claims.subject, claims.kind, claims.roles, claims.areas) == ("u1", "user", ("dinsos_officer",),
                                                                         ("35.79",))
    assert expires_at == NOW + timedelta(minutes=15)
    with pytest.raises(InvalidToken, match="kedaluwarsa"):
        issuer.decode_access(token, now=NOW + timedelta(minutes=16))


def test_token_signed_with_another_key_is_refused():
    token, _ = TokenIssuer("x" * 40).issue_access("u1", "user", "o", [], [])
    with pytest.raises(InvalidToken):
        TokenIssuer(SECRET).decode_access(token)


def test_short_secret_is_refused():
    with pytest.raises(ValueError):
        TokenIssuer("short")


def test_refresh_tokens_are_random_and_kept_as_hashes():
    plain, digest = new_refresh_token()
    assert digest == hash_refresh_token(plain) and plain not in digest
    assert new_refresh_token()[0] != plain


def test_five_failures_within_the_window_lock_then_release():
    policy = LockoutPolicy()
    state = LockoutState()
    for minute in range(5):
        state = policy.register_failure(state, NOW + timedelta(minutes=minute))
    assert policy.is_locked(state, NOW + timedelta(minutes=5))
    assert not policy.is_locked(state, NOW + timedelta(minutes=20))


def test_failures_spread_beyond_the_window_do_not_lock():
    policy = LockoutPolicy()
    state = LockoutState()
    for hour in range(10):
        state = policy.register_failure(state, NOW + timedelta(hours=hour))
    assert not policy.is_locked(state, NOW + timedelta(hours=10))
    assert policy.register_success(state) == LockoutState()


def test_passwords_verify_and_policy_explains():
    passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    digest = passwords.hash_password("benar-sekali-1")
    assert passwords.verify_password(digest, "benar-sekali-1")
    assert not passwords.verify_password(digest, "salah")
    assert not passwords.verify_password("not-a-hash", "x")
    assert passwords.check_password_policy("pendek") == ["Minimal 10 karakter."]
    assert passwords.check_password_policy("aaaaaaaaaaaa")
