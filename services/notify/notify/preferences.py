"""Whether, how and when a recipient may be written to, from the registry's contact details.

- no message to a person whose consent is withdrawn or who opted out (`may_contact` false);
- the person's channel order, keeping only channels there is an address for;
- never a voice call to a deaf person: the registry answers `no_voice` (a yes/no, never the disability
  itself); no voice channel exists yet, the rule guards the day one does;
- quiet hours (default 21:00-07:00 WIB) for WhatsApp and SMS, urgent messages exempt.
"""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")
PHONE_CHANNELS = ("whatsapp", "sms")
QUIET_CHANNELS = ("whatsapp", "sms", "voice")


class Refused(Exception):
    """Nothing may be sent to this recipient; the message is not text a person reads (stays in the log)."""


def parse_quiet_hours(value: str) -> tuple[time, time]:
    start, end = value.split("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


def address_book(contact: dict, recipient_kind: str) -> dict[str, str]:
    """channel -> address for this recipient. A guardian is reached by phone only."""
    if recipient_kind == "guardian":
        phone = (contact.get("guardian") or {}).get("phone")
        return {channel: phone for channel in PHONE_CHANNELS if phone}
    book = {channel: contact.get("phone") for channel in (*PHONE_CHANNELS, "voice") if contact.get("phone")}
    if contact.get("email"):
        book["email"] = contact["email"]
    return book


def channel_order(contact: dict, recipient_kind: str) -> list[tuple[str, str]]:
    """[(channel, address)] to try in order; raises Refused when this recipient gets nothing."""
    if not contact.get("may_contact"):
        raise Refused("persetujuan dicabut atau tidak ingin dihubungi")
    if recipient_kind == "guardian" and not contact.get("guardian"):
        raise Refused("wali tidak meminta salinan")
    deaf = bool(contact.get("no_voice"))
    book = address_book(contact, recipient_kind)
    order = [c for c in contact.get("channels") or () if c != "none" and not (deaf and c == "voice")]
    if recipient_kind == "guardian":  # the guardian follows the person's order of phone channels
        order = [c for c in order if c in PHONE_CHANNELS] or list(PHONE_CHANNELS)
    found = [(channel, book[channel]) for channel in order if channel in book]
    if not found:
        raise Refused("tidak ada alamat untuk saluran yang dipilih")
    return found


def quiet_until(channel: str, urgent: bool, now: datetime, quiet: tuple[time, time]) -> datetime | None:
    """When quiet hours end, if this message must wait for them; None when it may go now."""
    if urgent or channel not in QUIET_CHANNELS:
        return None
    start, end = quiet
    local = now.astimezone(WIB)
    clock = local.time()
    inside = (start <= clock or clock < end) if start > end else (start <= clock < end)
    if not inside:
        return None
    wake = datetime.combine(local.date(), end, tzinfo=WIB)
    if wake <= local:
        wake += timedelta(days=1)
    return wake


def variant(contact: dict) -> str:
    return "easy_read" if contact.get("format") == "easy_read" else "plain"
