"""Password hashing and the password policy."""
import pytest
from argon2 import PasswordHasher

from gateway.access import passwords
from gateway.access.passwords import (
    MAX_LENGTH,
    check_password_policy,
    hash_password,
    make_hasher,
    needs_rehash,
    use_hasher,
    verify_password,
)

GOOD = "kopi-tubruk-lawang"


@pytest.fixture
def cheap():
    return make_hasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture
def cheap_default(cheap, monkeypatch):
    """The module's process-wide hasher set cheap for one test, restored afterwards."""
    monkeypatch.setattr(passwords, "_hasher", passwords._hasher)
    use_hasher(cheap)
    return cheap


def test_hash_is_argon2id_with_the_injected_costs_and_never_the_password(cheap):
    digest = hash_password(GOOD, hasher=cheap)
    assert digest.startswith("$argon2id$")
    assert "m=8,t=1,p=1" in digest
    assert GOOD not in digest


def test_the_same_password_hashes_differently_each_time(cheap):
    assert hash_password(GOOD, hasher=cheap) != hash_password(GOOD, hasher=cheap)


def test_verify_accepts_the_right_password_only(cheap):
    digest = hash_password(GOOD, hasher=cheap)
    assert verify_password(digest, GOOD, hasher=cheap) is True
    assert verify_password(digest, GOOD.upper(), hasher=cheap) is False
    assert verify_password(digest, "", hasher=cheap) is False


@pytest.mark.parametrize("stored", ["", None, "not-a-hash", "$2b$12$abcdefghijklmnopqrstuv"])
def test_verify_returns_false_for_an_unusable_stored_hash(cheap, stored):
    assert verify_password(stored, GOOD, hasher=cheap) is False


def test_verify_uses_the_parameters_inside_the_hash(cheap):
    digest = hash_password(GOOD, hasher=make_hasher(time_cost=2, memory_cost=16, parallelism=1))
    assert verify_password(digest, GOOD, hasher=cheap)


def test_needs_rehash_when_parameters_changed(cheap):
    digest = hash_password(GOOD, hasher=cheap)
    assert needs_rehash(digest, hasher=cheap) is False
    assert needs_rehash(digest, hasher=make_hasher(time_cost=2, memory_cost=8, parallelism=1)) is True
    assert needs_rehash("not-a-hash", hasher=cheap) is True


def test_use_hasher_sets_the_process_wide_default(cheap_default):
    digest = hash_password(GOOD)
    assert "m=8,t=1,p=1" in digest
    assert verify_password(digest, GOOD)
    assert not needs_rehash(digest)


def test_default_hasher_keeps_argon2_cffi_defaults():
    default = PasswordHasher()
    made = make_hasher()
    assert (made.time_cost, made.memory_cost, made.parallelism) == (
        default.time_cost, default.memory_cost, default.parallelism)


def test_policy_accepts_a_ten_character_varied_password():
    assert check_password_policy("pisang-123") == []
    assert check_password_policy(GOOD) == []


def test_policy_refuses_nine_characters_in_indonesian():
    assert check_password_policy("pisang-12") == ["Kata sandi minimal 10 karakter."]


def test_policy_refuses_an_overlong_password():
    problems = check_password_policy("ab1-" * (MAX_LENGTH // 4) + "x")
    assert problems == [f"Kata sandi maksimal {MAX_LENGTH} karakter."]
    assert check_password_policy(("ab1-" * MAX_LENGTH)[:MAX_LENGTH]) == []


@pytest.mark.parametrize("weak", ["aaaaaaaaaaaa", "abababababab", "abcabcabcabc"])
def test_policy_refuses_too_few_kinds_of_character(weak):
    assert check_password_policy(weak) == [
        "Kata sandi terlalu mudah ditebak: gunakan lebih banyak macam karakter."]


@pytest.mark.parametrize("common", ["1234567890", "Password123", "KATASANDI123", "Inklusi123"])
def test_policy_refuses_common_passwords_whatever_their_case(common):
    assert check_password_policy(common) == ["Kata sandi ini terlalu umum dan mudah ditebak; pilih yang lain."]


def test_policy_reports_every_problem():
    assert len(check_password_policy("aaa")) == 2
