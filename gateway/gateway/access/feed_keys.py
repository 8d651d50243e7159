"""Calendar feed keys: a secret in a subscription URL stands in for the bearer token calendar apps cannot send.

A key is bound to one account and one feed scope and kept only as its SHA-256, like a refresh
token (256 random bits need no slow hash). It grants nothing by itself: each fetch is answered as
the account is *now* (roles, areas, active), so deactivating the account or revoking the key ends it.
"""
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

from gateway.access.tokens import hash_refresh_token, new_refresh_token
from gateway.models import FeedKey
from inklusi_platform.errors import Conflict, NotFound

MAX_LIVE_KEYS = 20  # per account: enough for every device and feed, bounded so the list stays short
NOT_FOUND = "Kunci kalender ini tidak ditemukan."
FEED_NOT_FOUND = "Kalender ini tidak ditemukan."  # an unknown, revoked or no longer usable feed URL


def create(session, kind: str, subject: str, scope: str) -> tuple[str, FeedKey]:
    """(the plain key, for the URL this once; the stored row)."""
    live = session.scalar(sa.select(sa.func.count()).select_from(FeedKey).where(
        FeedKey.subject_id == subject, FeedKey.subject_kind == kind, FeedKey.revoked_at.is_(None)))
    if live >= MAX_LIVE_KEYS:
        raise Conflict(f"Paling banyak {MAX_LIVE_KEYS} kunci kalender aktif; cabut yang tidak dipakai dulu.")
    plain, digest = new_refresh_token()
    key = FeedKey(id=str(uuid.uuid4()), key_hash=digest, subject_kind=kind, subject_id=subject, scope=scope,
                  created_at=datetime.now(UTC))
    session.add(key)
    session.flush()
    return plain, key


def live_keys_of(session, kind: str, subject: str) -> list[FeedKey]:
    return list(session.scalars(sa.select(FeedKey).where(
        FeedKey.subject_id == subject, FeedKey.subject_kind == kind, FeedKey.revoked_at.is_(None))
        .order_by(FeedKey.created_at, FeedKey.id)))


def revoke(session, key_id: str, owner: tuple[str, str] | None) -> None:
    """Revoke a live key. With `owner` (kind, subject) only that account's own; None is an admin's.

    Another's key reads as unknown (404): its id says nothing to someone who may not touch it.
    """
    key = session.get(FeedKey, key_id)
    if key is None or key.revoked_at is not None or (
            owner is not None and (key.subject_kind, key.subject_id) != owner):
        raise NotFound(NOT_FOUND)
    key.revoked_at = datetime.now(UTC)


def holder(session, plain: str, scope: str) -> FeedKey | None:
    """The live key `plain` names, if it was made for exactly this scope."""
    key = session.scalar(sa.select(FeedKey).where(FeedKey.key_hash == hash_refresh_token(plain)))
    if key is None or key.revoked_at is not None or key.scope != scope:
        return None
    return key
