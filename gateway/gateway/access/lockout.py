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
        # Failures count within a window; an old streak starts over rather than locking a careful user.
        if state.first_failure_at is None or now - state.first_failure_at > self.window:
            state = LockoutState(failures=0, first_failure_at=now)
        state = replace(state, failures=state.failures + 1)
        if state.failures >= self.max_failures:
            state = replace(state, locked_until=now + self.lock_for)
        return state

    def register_success(self, state: LockoutState) -> LockoutState:
        return LockoutState()
