"""Idempotency-Key on POST: a retried request gets the first answer and creates nothing new.

Field connections drop mid-request; the frontend retries with the same key. A placeholder row is
written before the work starts, so two copies arriving together cannot both do it.
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from gateway.access.idempotency import request_fingerprint, validate_key
from gateway.models import IdempotentResponse
from gateway.problems import HttpProblem

HEADER = "Idempotency-Key"
IN_PROGRESS = 0
REPLAYED_HEADER = "Idempotent-Replayed"
KEPT_HEADERS = ("Location", "ETag", "Content-Type")


def run_once(sessions, request, principal: str, produce) -> Response:
    key = request.headers.get(HEADER)
    if key is None:
        return produce()
    try:
        validate_key(key)
    except ValueError as exc:
        raise HttpProblem(400, str(exc)) from None
    fingerprint = request_fingerprint(request.method, request.path, request.get_data(cache=True), principal)

    with sessions() as session:
        try:
            with session.begin():
                session.add(IdempotentResponse(principal=principal, key=key, fingerprint=fingerprint,
                                               status=IN_PROGRESS, body="", headers={},
                                               created_at=datetime.now(UTC)))
        except IntegrityError:
            return _replay(session, principal, key, fingerprint)

    try:
        response = produce()
    except Exception:
        _forget(sessions, principal, key)  # the work failed: a retry must be allowed to do it
        raise
    if response.status_code >= 500:
        _forget(sessions, principal, key)
        return response
    with sessions() as session, session.begin():
        session.execute(
            sa.update(IdempotentResponse)
            .where(IdempotentResponse.principal == principal, IdempotentResponse.key == key)
            .values(status=response.status_code, body=response.get_data(as_text=True),
                    headers={h: response.headers[h] for h in KEPT_HEADERS if h in response.headers})
        )
    return response


def _replay(session, principal: str, key: str, fingerprint: str) -> Response:
    stored = session.get(IdempotentResponse, (principal, key))
    if stored is None:  # removed in between by a failed first attempt
        raise HttpProblem(409, "Permintaan dengan Idempotency-Key ini baru saja gagal; kirim ulang.")
    if stored.fingerprint != fingerprint:
        raise HttpProblem(422, "Idempotency-Key ini sudah dipakai untuk permintaan yang berbeda.")
    if stored.status == IN_PROGRESS:
        raise HttpProblem(409, "Permintaan yang sama masih diproses; coba lagi sebentar lagi.",
                          headers={"Retry-After": "2"})
    response = Response(stored.body, status=stored.status)
    for name, value in (stored.headers or {}).items():
        response.headers[name] = value
    response.headers[REPLAYED_HEADER] = "true"
    return response


def _forget(sessions, principal: str, key: str) -> None:
    with sessions() as session, session.begin():
        session.execute(sa.delete(IdempotentResponse).where(
            IdempotentResponse.principal == principal, IdempotentResponse.key == key))
