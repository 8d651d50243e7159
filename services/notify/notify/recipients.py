"""Who is told about an event.

- `person`: the persons its payload names (`person_id`, or every one of `person_ids`);
- `guardian`: a person's guardian, decided at send time: a guardian's copy is added only when the
  person's preferences (asked of the registry then) say so, and not when the guardian's phone is the
  person's own phone and a phone channel already reaches it;
- looked up at send time, because the event names no person: a funding case's members
  (`case_parties`) and officer (`case_officer`), a pokja's ketua (`pokja_ketua`). One row stands for
  them until then (`recipient_id` is the case or pokja), and is replaced by one row per recipient;
- `staff`: a staff user (gateway account id), written to by email (see staff.py).
"""
from dataclasses import dataclass

# Kinds looked up at send time -> the payload field naming what to ask about.
LOOKED_UP = {"case_parties": "case_id", "case_officer": "case_id", "pokja_ketua": "pokja_id"}


@dataclass(frozen=True)
class Recipient:
    kind: str  # person | guardian | staff, or a kind of LOOKED_UP before it is looked up
    id: str  # the registry's person id (for a guardian: the person whose guardian it is); a user id for staff
    person_id: str  # whom the message is about ("" when it is about no one person)


def persons_named(payload: dict) -> list[str]:
    if payload.get("person_id"):
        return [payload["person_id"]]
    return list(dict.fromkeys(payload.get("person_ids") or ()))


def recipients(kinds: tuple[str, ...], payload: dict) -> list[Recipient]:
    """What is recorded when the event arrives; guardians and looked-up kinds are settled at send time."""
    found = []
    if "person" in kinds:
        found += [Recipient("person", person_id, person_id) for person_id in persons_named(payload)]
    for kind, field in LOOKED_UP.items():
        if kind in kinds and payload.get(field):
            found.append(Recipient(kind, payload[field], ""))
    return found


def looked_up(kind: str, answer: list[tuple[str, str]]) -> list[Recipient]:
    """The rows that replace a looked-up one: [(recipient kind, id)] from the service asked."""
    return [Recipient(k, i, i if k == "person" else "") for k, i in dict.fromkeys(answer)]


def wants_guardian_copy(contact: dict, order: list[tuple[str, str]]) -> bool:
    """Whether the guardian gets their own copy of a message to this person."""
    phone = (contact.get("guardian") or {}).get("phone")
    if not phone:
        return False
    # One family phone: the person's message already reaches it; a second copy would be the same message twice.
    return not any(channel in ("whatsapp", "sms") and address == phone for channel, address in order)


def area_of(payload: dict) -> str | None:
    return payload.get("area_code") or payload.get("kecamatan_code")
