"""Facts from other services, over RPC: the registry's about persons, the training service's completions.

The one place that calls them, so the wiring (and its deadline) is here alone.
"""
from nameko.exceptions import UnknownService

from inklusi_platform.errors import Unavailable
from inklusi_platform.rpc_client import ServiceTimeout

DEADLINE_SECONDS = 10


def _call(proxy, service: str, method: str, *args):
    try:
        return getattr(proxy, method)(*args, timeout=DEADLINE_SECONDS)
    except (ServiceTimeout, UnknownService):
        raise Unavailable(f"Layanan {service} tidak menjawab; coba lagi sebentar lagi.", {"retry_after": 5}) from None


def persons(registry, person_ids: list[str]) -> dict[str, dict]:
    """person id -> {age, kecamatan_code, desa_code, status, consent_active, ...}; unknown ids are absent."""
    if not person_ids:
        return {}
    return {p["person_id"]: p for p in _call(registry, "registry", "persons_by_ids", list(person_ids))}


def completions(training, person_ids: list[str]) -> list[dict]:
    """Training completions: [{person_id, training_id, programme_id, topic, completed_at}].

    The agreed contract answers that list; the training service as built answers
    {person_id: [{training_id, programme_id, topic, ...}]}. Both are read here, so the wiring is one place.
    """
    if not person_ids:
        return []
    answer = _call(training, "training", "completions_of", list(person_ids))
    if isinstance(answer, dict):
        return [{**item, "person_id": person_id} for person_id, items in answer.items() for item in items or ()]
    return list(answer)
