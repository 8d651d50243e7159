"""Idempotency-Key on POST: a retried request gets the first answer and creates nothing new.

Field connections drop mid-request; the frontend retries with the same key. Two records keep that
promise:
- here, in the gateway's database, a placeholder claimed before the work starts (a copy arriving
  at the same time is told 409 "masih diproses") and then the answer, replayed as it was;
- in the service, the write's own outcome, committed with the write (inklusi_platform.idempotency):
  the key travels with the RPC, so a service that already did the work returns that outcome.
The placeholder is a lease: an attempt that died (crash, 504, its answer never stored) holds the key
only until the lease runs out; the retry after that runs the request again, and the service hands
back the first outcome instead of doing the work twice.
"""
import logging
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from gateway.access.idempotency import request_fingerprint, validate_key
from gateway.models import IdempotentResponse
from gateway.problems import HttpProblem
from inklusi_platform.idempotency import IDEMPOTENCY_KEY

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
IN_PROGRESS = 0
REPLAYED_HEADER = "Idempotent-Replayed"
KEPT_HEADERS = ("Location", "ETag", "Content-Type")
CLAIM_ATTEMPTS = 3


def run_once(sessions, request, principal: str, produce, *, context: dict, lease_seconds: float) -> Response:
    """`context` is the worker's context data: the key rides in it on the service call `produce` makes."""
    key = request.headers.get(HEADER)
    if key is None:
        return produce()
    try:
        validate_key(key)
    except ValueError as exc:
        raise HttpProblem(400, str(exc)) from None
    fingerprint = request_fingerprint(request.method, request.path, request.get_data(cache=True), principal)

    replay = _claim(sessions, principal, key, fingerprint, timedelta(seconds=lease_seconds))
    if replay is not None:
        return replay

    context[IDEMPOTENCY_KEY] = f"{principal} {key}"
    try:
        response = produce()
    except Exception:
        # Nothing came back. Free the key now; if the service did commit, it returns that outcome to the retry.
        _release(sessions, principal, key)
        raise
    finally:
        context.pop(IDEMPOTENCY_KEY, None)
    if response.status_code >= 500:
        _release(sessions, principal, key)
        return response
    _remember(sessions, principal, key, response)
    return response


def _claim(sessions, principal: str, key: str, fingerprint: str, lease: timedelta) -> Response | None:
    """Hold the key for this attempt (None), or answer for it: the stored response, 409 or 422."""
    for _ in range(CLAIM_ATTEMPTS):
        now = datetime.now(UTC)
        with sessions() as session:
            try:
                with session.begin():
                    # created_at is when the current attempt started: its lease runs from there.
                    session.add(IdempotentResponse(principal=principal, key=key, fingerprint=fingerprint,
                                                   status=IN_PROGRESS, body="", headers={}, created_at=now))
                return None
            except IntegrityError:
                pass
            with session.begin():
                stored = session.get(IdempotentResponse, (principal, key))
                if stored is None:  # released in between by a failed attempt: claim it afresh
                    continue
                if stored.fingerprint != fingerprint:
                    raise HttpProblem(422, "Idempotency-Key ini sudah dipakai untuk permintaan yang berbeda.")
                if stored.status != IN_PROGRESS:
                    return _replay(stored)
                started = _aware(stored.created_at)
                if started + lease > now:
                    wait = max(1, int((started + lease - now).total_seconds()) + 1)
                    raise HttpProblem(409, "Permintaan yang sama masih diproses; coba lagi sebentar lagi.",
                                      headers={"Retry-After": str(wait)})
                # The attempt's lease ran out: it died or gave up. Only one retry may take over.
                taken = session.execute(
                    sa.update(IdempotentResponse)
                    .where(IdempotentResponse.principal == principal, IdempotentResponse.key == key,
                           IdempotentResponse.status == IN_PROGRESS,
                           IdempotentResponse.created_at == stored.created_at)
                    .values(created_at=now)
                    .execution_options(synchronize_session=False)
                ).rowcount
            if taken:
                return None
    raise HttpProblem(409, "Permintaan yang sama masih diproses; coba lagi sebentar lagi.",
                      headers={"Retry-After": "2"})


def _replay(stored: IdempotentResponse) -> Response:
    response = Response(stored.body, status=stored.status)
    for name, value in (stored.headers or {}).items():
        response.headers[name] = value
    response.headers[REPLAYED_HEADER] = "true"
    return response


def _remember(sessions, principal: str, key: str, response: Response) -> None:
    """Store the answer for replays. If the gateway's database fails now, the client still gets the
    answer: the placeholder's lease runs out, and a retry gets the outcome from the service."""
    try:
        with sessions() as session, session.begin():
            session.execute(
                sa.update(IdempotentResponse)
                .where(IdempotentResponse.principal == principal, IdempotentResponse.key == key)
                .values(status=response.status_code, body=response.get_data(as_text=True),
                        headers={h: response.headers[h] for h in KEPT_HEADERS if h in response.headers})
            )
    except Exception as exc:
        log.warning("idempotent answer not stored (%s); its lease will free the key", type(exc).__name__)


def _release(sessions, principal: str, key: str) -> None:
    try:
        with sessions() as session, session.begin():
            session.execute(sa.delete(IdempotentResponse).where(
                IdempotentResponse.principal == principal, IdempotentResponse.key == key))
    except Exception as exc:
        log.warning("idempotency key not released (%s); its lease will free it", type(exc).__name__)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were written as UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
