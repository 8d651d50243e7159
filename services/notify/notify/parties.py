"""Recipients an event does not name, asked at send time of the service that knows them: a funding
case's members and officer (funding's case_parties), a pokja's ketua (the registry's list_pokja_members)."""
from inklusi_platform.errors import Unavailable
from inklusi_platform.rpc_client import ServiceTimeout

DEADLINE_SECONDS = 10


def _call(proxy, method: str, *args):
    try:
        return getattr(proxy, method)(*args, timeout=DEADLINE_SECONDS)
    except ServiceTimeout:
        raise Unavailable("Layanan tidak menjawab; coba lagi sebentar lagi.") from None


def look_up(kind: str, ref: str, registry, funding) -> list[tuple[str, str]]:
    """[(recipient kind, id)] for a looked-up kind (see recipients.LOOKED_UP); NotFound passes through."""
    if kind == "case_parties":
        return [("person", person_id) for person_id in _call(funding, "case_parties", ref)["person_ids"]]
    if kind == "case_officer":
        officer = _call(funding, "case_parties", ref)["officer_id"]
        return [("staff", officer)] if officer else []
    if kind == "pokja_ketua":
        return [("person", m["person_id"]) for m in _call(registry, "list_pokja_members", ref)
                if m["role"] == "ketua" and not m.get("left_on")]
    raise ValueError(f"no look-up for recipients of kind {kind}")
