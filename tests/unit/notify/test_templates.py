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
