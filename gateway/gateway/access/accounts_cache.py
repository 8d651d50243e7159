"""Is the account behind a signed token still there and active? Asked on every request, so cached briefly.

A token is signed for 15 minutes, but an account can be deactivated or deleted sooner. Looking the
account up on every request would cost a database round trip on the hottest path (issue 10 measured
it at 1,500 requests/s), so each answer is kept for `ttl_seconds` (1 s by default) per gateway
process: a deactivated or deleted account's tokens stop working within that second on every replica.
Accounts are changed from the command line, in another process, so there is nothing to signal here.

While the gateway's database is away the last answer is kept (up to `stale_seconds`, the access
token's own lifetime): nobody can deactivate an account then either, since that writes to the same
database, and reads and unkeyed writes go on through the outage. An account never seen answers 503.
"""
import time
from collections import OrderedDict
from threading import Lock

import sqlalchemy as sa

from gateway.models import Client, User
from inklusi_platform.errors import Unavailable

MAX_ENTRIES = 10_000


class AccountCheck:
    def __init__(self, sessions, ttl_seconds: float = 1.0, stale_seconds: float = 900.0, clock=time.monotonic):
        self.sessions = sessions
        self.ttl = ttl_seconds
        self.stale = stale_seconds
        self.clock = clock
        # (kind, subject) -> (when the answer was looked up, active)
        self.known: OrderedDict[tuple[str, str], tuple[float, bool]] = OrderedDict()
        self.lock = Lock()
        self.refreshing: set[tuple[str, str]] = set()
        self.lookups = 0  # how many times the database was asked; the bench and tests read it

    def is_active(self, kind: str, subject: str) -> bool:
        key = (kind, subject)
        now = self.clock()
        cached = self.known.get(key)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        if cached is not None and key in self.refreshing:
            # One request looks it up; the others arriving meanwhile (32 at once under load, each a
            # database round trip) keep the answer that is a moment past its second.
            return cached[1]
        self.refreshing.add(key)
        try:
            active = self._lookup(kind, subject)
        except Unavailable:
            if cached is not None and now - cached[0] < self.stale:
                return cached[1]
            raise
        finally:
            self.refreshing.discard(key)
        with self.lock:
            self.known[key] = (now, active)
            self.known.move_to_end(key)
            while len(self.known) > MAX_ENTRIES:
                self.known.popitem(last=False)
        return active

    def _lookup(self, kind: str, subject: str) -> bool:
        self.lookups += 1
        model = User if kind == "user" else Client
        with self.sessions() as session:
            return bool(session.scalar(sa.select(model.active).where(model.id == subject)))
