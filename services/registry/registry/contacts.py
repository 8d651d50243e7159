"""How a person wants to be reached, and whether we may reach them at all (asked by notify at send time)."""
from __future__ import annotations

import re

from registry import consents, persons

# Consent to either of these covers being written to; see notify.intake.CONTACT_PURPOSES.
CONTACT_PURPOSES = ("komunikasi", "pendataan")


# A deaf or hard-of-hearing person, as field staff write it in the free-text limitations and devices (the
# category `sensorik` alone also covers blind persons, who may well want a voice call).
HEARING = re.compile(r"rungu|tuli|pendengaran|mendengar|alat bantu dengar|bahasa isyarat|isyarat|\bbisindo\b|"
                     r"\bdeaf|hearing", re.IGNORECASE)


def no_voice(person) -> bool:
    """Whether a voice call would not reach this person. Only this yes/no leaves the registry, never the
    categories or limitations it is read from."""
    said = [*(person.categories or ()), *(person.functional_limitations or ()), *(person.assistive_devices or ())]
    return any(HEARING.search(str(item)) for item in said)


def contact_details(uow, person_id: str) -> dict:
    person = persons.load_person(uow, person_id)
    active = consents.active_purposes(uow, [person.id])[person.id]
    channels = list(person.channels)
    may_contact = (
        person.status == "active"
        and any(purpose in active for purpose in CONTACT_PURPOSES)
        # 'none' is the person saying they do not want messages, whatever they consented to.
        and bool(channels) and channels != ["none"]
    )
    guardian = None
    if person.copy_guardian and person.guardian_name:
        guardian = {"name": person.guardian_name, "phone": person.guardian_phone}
    return {
        "person_id": person.id,
        "status": person.status,
        "channels": channels,
        "language": person.language,
        "format": person.format,
        "phone": person.phone,
        "email": person.email,
        "guardian": guardian,
        "may_contact": may_contact,
        "no_voice": no_voice(person),
    }
