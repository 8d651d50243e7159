"""Who is told about an event: the persons its payload names, and their guardians.

A guardian's copy is recorded for every person-addressed message and sent only when the person's
preferences (asked of the registry at send time) say the guardian gets a copy.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Recipient:
    kind: str  # person | guardian
    id: str  # the registry's person id (for a guardian: the person whose guardian it is)
    person_id: str  # whom the message is about


def persons_named(payload: dict) -> list[str]:
    if payload.get("person_id"):
        return [payload["person_id"]]
    return list(dict.fromkeys(payload.get("person_ids") or ()))


def recipients(kinds: tuple[str, ...], payload: dict) -> list[Recipient]:
    found = []
    for person_id in persons_named(payload):
        if "person" in kinds:
            found.append(Recipient("person", person_id, person_id))
        if "guardian" in kinds:
            found.append(Recipient("guardian", person_id, person_id))
    return found


def area_of(payload: dict) -> str | None:
    return payload.get("area_code") or payload.get("kecamatan_code")
