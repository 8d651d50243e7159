"""Who may be written to, through which channel, and when."""
from datetime import UTC, datetime

import pytest

from notify import preferences
from notify.preferences import Refused

QUIET = preferences.parse_quiet_hours("21:00-07:00")


def contact(**extra):
    base = {"person_id": "p1", "status": "active", "channels": ["whatsapp", "email"], "format": "plain_text",
            "phone": "+6281234567890", "email": "siti@example.org", "guardian": None, "may_contact": True}
    base.update(extra)
    return base


def test_the_persons_order_is_kept_with_an_address_for_each_channel():
    assert preferences.channel_order(contact(), "person") == [
        ("whatsapp", "+6281234567890"), ("email", "siti@example.org")]
    assert preferences.channel_order(contact(channels=["email", "sms"]), "person") == [
        ("email", "siti@example.org"), ("sms", "+6281234567890")]


def test_a_channel_without_an_address_is_passed_over():
    assert preferences.channel_order(contact(email=None), "person") == [("whatsapp", "+6281234567890")]


@pytest.mark.parametrize("change", [{"may_contact": False}, {"channels": ["none"]}, {"channels": []},
                                    {"phone": None, "email": None}])
def test_withdrawn_consent_or_opting_out_or_no_address_means_nothing(change):
    with pytest.raises(Refused):
        preferences.channel_order(contact(**change), "person")


def test_the_guardian_gets_a_copy_by_phone_only_when_the_person_asked_for_it():
    with pytest.raises(Refused):
        preferences.channel_order(contact(), "guardian")
    guarded = contact(guardian={"name": "Sutrisno", "phone": "+6281330001234"})
    assert preferences.channel_order(guarded, "guardian") == [("whatsapp", "+6281330001234")]


def test_never_a_voice_call_to_a_deaf_person():
    deaf = contact(channels=["voice", "sms"], no_voice=True)
    assert [c for c, _ in preferences.channel_order(deaf, "person")] == ["sms"]
    hearing = contact(channels=["voice", "sms"], no_voice=False)
    assert [c for c, _ in preferences.channel_order(hearing, "person")] == ["voice", "sms"]


def test_quiet_hours_hold_whatsapp_and_sms_until_seven_wib_but_not_email_or_urgent_messages():
    late = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)  # 22:30 WIB
    assert preferences.quiet_until("whatsapp", False, late, QUIET) == datetime(2026, 12, 2, 0, 0, tzinfo=UTC)
    assert preferences.quiet_until("sms", False, datetime(2026, 12, 1, 23, 0, tzinfo=UTC), QUIET) == datetime(
        2026, 12, 2, 0, 0, tzinfo=UTC)  # 06:00 WIB waits one hour
    assert preferences.quiet_until("email", False, late, QUIET) is None
    assert preferences.quiet_until("whatsapp", True, late, QUIET) is None
    assert preferences.quiet_until("whatsapp", False, datetime(2026, 12, 1, 3, 0, tzinfo=UTC), QUIET) is None


def test_easy_read_is_chosen_from_the_format():
    assert preferences.variant(contact(format="easy_read")) == "easy_read"
    assert preferences.variant(contact(format="large_print")) == "plain"
