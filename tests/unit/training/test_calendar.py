"""The iCalendar feeds parse with icalendar and show WIB times, the venue and its accessibility."""
from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar

from tests.unit.training.conftest import ACTOR, make_training, profile
from training import calendar, enrolment


def events(text: str) -> list:
    parsed = icalendar.Calendar.from_ical(text)
    return parsed, [c for c in parsed.walk("VEVENT")]


def test_area_feed_shows_wib_times_venue_and_accessibility(uow, setting):
    make_training(uow, setting)
    parsed, found = events(calendar.feed(uow, "area", "35.07"))
    assert [tz["TZID"] for tz in parsed.walk("VTIMEZONE")] == ["Asia/Jakarta"]
    event = found[0]
    start = event.decoded("DTSTART")
    assert start == datetime(2026, 12, 5, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert start.utcoffset().total_seconds() == 7 * 3600
    assert event["DTSTART"].params["TZID"] == "Asia/Jakarta"
    assert "Agrowisata Petik Madu" in str(event["LOCATION"])
    assert "pintu masuk tanpa tangga" in str(event["DESCRIPTION"])
    assert "Jalur landai" in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "TENTATIVE"
    assert events(calendar.feed(uow, "area", "35.79"))[1] == []  # Kota Batu has none


def test_pokja_and_person_feeds(uow, setting):
    training = make_training(uow, setting, pokja_id="pokja-lawang")
    enrolment.enrol(uow, training["id"], {"person_id": "p-1"}, profile("p-1"), ACTOR)
    assert len(events(calendar.feed(uow, "pokja", "pokja-lawang"))[1]) == 1
    assert len(events(calendar.feed(uow, "pokja", "pokja-lain"))[1]) == 0
    mine = events(calendar.feed(uow, "person", "p-1"))[1]
    assert [str(e["SUMMARY"]) for e in mine] == ["Kewirausahaan Sosial Lawang"]
    assert events(calendar.feed(uow, "person", "p-2"))[1] == []
