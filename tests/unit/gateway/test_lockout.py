"""Locking an account after repeated login failures."""
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime, timedelta

import pytest

from gateway.access.lockout import LockoutPolicy, LockoutState

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
POLICY = LockoutPolicy()


def fail(times, start=NOW, every=timedelta(minutes=1), policy=POLICY, state=None):
    state = state or LockoutState()
    for i in range(times):
        state = policy.register_failure(state, start + i * every)
    return state


def test_defaults_are_five_failures_in_fifteen_minutes_for_fifteen_minutes():
    assert (POLICY.max_failures, POLICY.window, POLICY.lock_for) == (5, timedelta(minutes=15),
                                                                     timedelta(minutes=15))


def test_four_failures_do_not_lock():
    state = fail(4)
    assert state.failures == 4 and state.first_failure_at == NOW
    assert not POLICY.is_locked(state, NOW + timedelta(minutes=4))
    assert POLICY.locked_until(state) is None


def test_the_fifth_failure_locks_for_fifteen_minutes_from_then():
    state = fail(5)
    fifth = NOW + timedelta(minutes=4)
    assert POLICY.locked_until(state) == fifth + timedelta(minutes=15)
    assert POLICY.is_locked(state, fifth)
    assert POLICY.is_locked(state, fifth + timedelta(minutes=14, seconds=59))
    assert not POLICY.is_locked(state, fifth + timedelta(minutes=15))


def test_failures_spread_beyond_the_window_start_over():
    state = fail(5, every=timedelta(minutes=4))  # the fifth comes 16 minutes after the first
    fifth = NOW + timedelta(minutes=16)
    assert not POLICY.is_locked(state, fifth)
    assert (state.failures, state.first_failure_at) == (1, fifth)


def test_the_window_is_fifteen_minutes_from_the_first_failure():
    inside = fail(5, every=timedelta(minutes=3, seconds=44))
    assert POLICY.is_locked(inside, NOW + timedelta(minutes=15))
    at_the_edge = fail(5, every=timedelta(minutes=3, seconds=45))
    assert not POLICY.is_locked(at_the_edge, NOW + timedelta(minutes=15))


def test_a_failure_while_locked_does_not_extend_the_lock():
    state = fail(5)
    until = state.locked_until
    later = POLICY.register_failure(state, NOW + timedelta(minutes=10))
    assert later.locked_until == until
    assert later.failures == 6


def test_after_a_served_lock_the_count_starts_again():
    policy = LockoutPolicy(window=timedelta(hours=1), lock_for=timedelta(minutes=15))
    state = fail(5, policy=policy)
    after = policy.register_failure(state, state.locked_until + timedelta(seconds=1))
    assert after.failures == 1 and after.locked_until is None
    assert not policy.is_locked(after, state.locked_until + timedelta(seconds=1))


def test_success_clears_everything():
    assert POLICY.register_success(fail(3)) == LockoutState()


def test_custom_policy():
    policy = LockoutPolicy(max_failures=2, window=timedelta(minutes=1), lock_for=timedelta(hours=1))
    state = fail(2, every=timedelta(seconds=10), policy=policy)
    assert policy.is_locked(state, NOW + timedelta(minutes=59))


def test_state_is_immutable_and_not_changed_by_the_policy():
    state = fail(2)
    POLICY.register_failure(state, NOW + timedelta(minutes=3))
    assert state.failures == 2
    with pytest.raises(FrozenInstanceError):
        state.failures = 0
