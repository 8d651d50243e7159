"""A write's first outcome, kept in the service's own database so a retry with the same key gets it back.

The gateway puts the caller's Idempotency-Key into the RPC's context data. The Database dependency
then runs the method through `once()`: the key is claimed in the method's own transaction, and the
result is stored beside the write, so both commit or neither does. A retry (after a 504, a crash,
a lost reply) finds the stored result and returns it without running the method again; a copy that
arrives while the first is still running waits on the claimed row and then returns its result.
"""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from kombu.utils import json
from sqlalchemy.dialects import postgresql, sqlite

from inklusi_platform.tables import idempotent_results

# Context data key; the value names the caller and their key ("user:<id> <Idempotency-Key>").
IDEMPOTENCY_KEY = "idempotency_key"
_NOTHING = object()
# Outcomes hold the record as the caller got it (personal data included), so they are kept only as long
# as a client plausibly retries; the gateway keeps its own copy of the answer for replays after that.
KEEP_OUTCOMES = timedelta(hours=24)


SEALED_COLUMN = "idempotent_results.result"


def once(uow, key: str, method_name: str, method, *args, keyring=None, **kwargs):
    """Run `method` unless this key already has an outcome for it; return the first outcome either way.

    With a `keyring` (sealing.Keyring) the stored outcome is sealed like any personal field.
    """
    stored = claim(uow.session, key, method_name, keyring)
    if stored is not _NOTHING:
        return stored
    result = method(*args, **kwargs)
    text = json.dumps(result)
    uow.session.execute(
        sa.update(idempotent_results)
        .where(idempotent_results.c.key == key, idempotent_results.c.method == method_name)
        .values(result=keyring.seal(text, SEALED_COLUMN) if keyring else text)
    )
    return result


def claim(session, key: str, method_name: str, keyring=None):
    """Claim the key for this transaction, or give back the result a committed attempt stored.

    ON CONFLICT DO NOTHING waits for a concurrent claimer to finish (PostgreSQL row lock), so two
    copies of one request never both run.
    """
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    claimed = session.execute(
        insert(idempotent_results)
        .values(key=key, method=method_name, created_at=datetime.now(UTC))
        .on_conflict_do_nothing()
    ).rowcount
    if claimed:
        return _NOTHING
    stored = session.execute(
        sa.select(idempotent_results.c.result)
        .where(idempotent_results.c.key == key, idempotent_results.c.method == method_name)
    ).scalar_one()
    return json.loads(keyring.open(stored, SEALED_COLUMN) if keyring else stored)


def forget_old_outcomes(session, now: datetime | None = None) -> int:
    cutoff = (now or datetime.now(UTC)) - KEEP_OUTCOMES
    return session.execute(sa.delete(idempotent_results).where(idempotent_results.c.created_at < cutoff)).rowcount
