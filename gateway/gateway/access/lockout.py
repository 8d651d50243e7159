"""When repeated login failures lock an account, and for how long. Pure: the caller stores the state."""
from dataclasses import dataclass, replace
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LockoutState:
    failures: int = 0
    first_failure_at: datetime | None = None
    locked_until: datetime | None = None


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lock_for: timedelta = timedelta(minutes=15)

    def is_locked(self, state: LockoutState, now: datetime) -> bool:
        return state.locked_until is not None and now < state.locked_until

    def locked_until(self, state: LockoutState) -> datetime | None:
        return state.locked_until

    def register_failure(self, state: LockoutState, now: datetime) -> LockoutState:
        if self.is_locked(state, now):
            # Counted, but the lock is not extended: else anyone could keep the owner out indefinitely.
            return replace(state, failures=state.failures + 1)
        expired_lock = state.locked_until is not None
        stale = state.first_failure_at is None or now - state.first_failure_at >= self.window
        if expired_lock or stale:
            # A served lock or an old streak starts over, so a careful user is not locked by one slip.
            state = LockoutState(failures=0, first_failure_at=now)
        failures = state.failures + 1
        locked_until = now + self.lock_for if failures >= self.max_failures else None
        return replace(state, failures=failures, locked_until=locked_until)

    def register_success(self, state: LockoutState) -> LockoutState:
        return LockoutState()
