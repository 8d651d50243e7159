"""How staff (a case's officer, a training's organisers) are reached: by email, at an address from
configuration. Staff are gateway accounts, which hold no contact details, and the registry knows only
the persons served; so NOTIFY_STAFF_EMAILS maps account ids to addresses and NOTIFY_STAFF_EMAIL is the
team inbox for the rest."""
from notify.preferences import Refused
from notify.settings import Settings


def addresses(settings: Settings) -> dict[str, str]:
    found = {}
    for item in settings.staff_emails.split(","):
        user_id, _, address = item.partition("=")
        if user_id.strip() and address.strip():
            found[user_id.strip()] = address.strip()
    return found


def contact(user_id: str, settings: Settings) -> dict:
    """A staff member's contact, shaped like the registry's contact_details; Refused without an address."""
    address = addresses(settings).get(user_id) or settings.staff_email
    if not address:
        raise Refused("tidak ada alamat email staf (NOTIFY_STAFF_EMAILS atau NOTIFY_STAFF_EMAIL)")
    return {"person_id": None, "status": "active", "channels": ["email"], "format": "plain_text", "phone": None,
            "email": address, "guardian": None, "may_contact": True, "no_voice": False}
