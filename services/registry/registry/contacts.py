"""How a person wants to be reached, and whether we may reach them at all (asked by notify at send time)."""
from __future__ import annotations

from registry import consents, persons

# Consent to either of these covers being written to; see notify.intake.CONTACT_PURPOSES.
CONTACT_PURPOSES = ("komunikasi", "pendataan")


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
    }
