"""Every template renders in every channel and variant, readable aloud, and bad data is a clear error."""
import re

import pytest

from inklusi_platform.errors import NotFound, ValidationFailed
from notify import templates

# Pictographs carry meaning a screen reader may skip or read oddly; none in any message.
EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF]")


@pytest.mark.parametrize("name", sorted(templates.catalogue()))
@pytest.mark.parametrize("channel", ["whatsapp", "sms", "email"])
@pytest.mark.parametrize("variant", ["plain", "easy_read"])
def test_each_template_renders_with_its_sample_without_emoji(name, channel, variant):
    shown = templates.preview(name, channel, variant, None)
    assert shown["text"] and shown["version"] >= 1
    assert not EMOJI.search(shown["text"] + shown["subject"])
    if channel == "email":
        assert '<html lang="id">' in shown["html"] and shown["subject"] in shown["html"]
    else:
        assert shown["html"] is None


def test_times_are_said_in_wib_in_indonesian_and_values_are_escaped_in_html():
    shown = templates.preview("session_rescheduled", "email", "plain",
                              {"starts_at": "2026-12-03T02:00:00+00:00", "reason": "<b>hujan</b>"})
    assert "Kamis, 3 Desember 2026 pukul 09.00 WIB" in shown["text"]
    assert "&lt;b&gt;hujan&lt;/b&gt;" in shown["html"]


def test_a_missing_parameter_or_unknown_template_is_a_clear_error():
    with pytest.raises(ValidationFailed):
        templates.render("enrolment_waitlisted", "sms", "plain", {})
    with pytest.raises(NotFound):
        templates.preview("tidak_ada", "sms", "plain", None)
    with pytest.raises(ValidationFailed):
        templates.preview("welcome", "fax", "plain", None)


def test_the_sandbox_refuses_reaching_into_python():
    with pytest.raises(Exception):  # noqa: B017 - jinja2's SecurityError, whatever wraps it
        templates.TEXT.from_string("{{ ''.__class__.__mro__ }}").render()


def test_every_subscribed_event_and_the_reminder_have_their_templates():
    from notify.reminders import TEMPLATE
    from notify.subscriptions import SUBSCRIPTIONS

    named = {s.template for s in SUBSCRIPTIONS.values()} | {s.staff_template for s in SUBSCRIPTIONS.values()
                                                           if s.staff_template} | {TEMPLATE}
    assert named <= set(templates.catalogue())


def test_amounts_and_dates_are_written_as_people_say_them():
    shown = templates.render("case_approved", "sms", "plain", {"case_type": "KUBE", "amount": 15_000_000})
    assert "Rp15.000.000" in shown.text
    due = templates.render("monitoring_report_due", "whatsapp", "plain", {"period": 2, "due_on": "2026-12-15"})
    assert "paling lambat 15 Desember 2026" in due.text
    reminder = templates.render("accommodations_missing", "email", "plain", {
        "training_id": "t1", "starts_at": "2026-12-05T02:00:00+00:00",
        "missing": ["juru bahasa isyarat (Bisindo)", "akses tanpa tangga"]})
    assert "Sabtu, 5 Desember 2026 pukul 09.00 WIB" in reminder.text
    assert "juru bahasa isyarat (Bisindo), akses tanpa tangga." in reminder.text


def test_the_officer_reads_why_a_case_is_on_hold_in_words():
    shown = templates.render("case_on_hold_staff", "email", "plain",
                             {"case_id": "k1", "case_type": "UEP", "reason": "person_deceased"})
    assert "ditahan: seorang anggota tercatat meninggal dunia." in shown.text
