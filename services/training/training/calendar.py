"""iCalendar (RFC 5545) feeds of training sessions for an area, a pokja, or one person's enrolments.

Times are written in Asia/Jakarta with its VTIMEZONE, so calendar apps show WIB; each event names
the venue, its address and its accessibility features.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from icalendar import Calendar, Event

from inklusi_platform.contracts.training import FEATURES
from inklusi_platform.errors import ValidationFailed
from training.catalogue import within
from training.models.catalogue import Programme, Venue
from training.models.participation import Enrolment
from training.models.schedule import Session, Training
from training.times import WIB, now, utc

SCOPES = ("area", "pokja", "person")
HISTORY_DAYS = 180  # past sessions kept in a feed
MAX_EVENTS = 1000
STATUS = {"scheduled": "TENTATIVE", "confirmed": "CONFIRMED", "cancelled": "CANCELLED"}


def feed(uow, scope: str, key: str) -> str:
    """The .ics text of one feed: `area` with a wilayah code, `pokja` or `person` with an id."""
    query = (sa.select(Session, Training, Programme, Venue)
             .join(Training, Training.id == Session.training_id)
             .join(Programme, Programme.id == Training.programme_id)
             .join(Venue, Venue.id == Session.venue_id)
             .where(Session.ends_at > now() - timedelta(days=HISTORY_DAYS)))
    waitlisted: set[str] = set()
    if scope == "area":
        query = query.where(within(Training.area_code, [key]))
    elif scope == "pokja":
        query = query.where(Training.pokja_id == key)
    elif scope == "person":
        open_enrolments = dict(uow.session.execute(sa.select(Enrolment.training_id, Enrolment.status).where(
            Enrolment.person_id == key, Enrolment.status.in_(("confirmed", "waitlisted")))).all())
        waitlisted = {t for t, status in open_enrolments.items() if status == "waitlisted"}
        query = query.where(Training.id.in_(list(open_enrolments)))
    else:
        raise ValidationFailed("Jenis kalender tidak dikenal.", {"scope": [f"Pilih salah satu: {', '.join(SCOPES)}."]})
    rows = uow.session.execute(query.order_by(Session.starts_at, Session.id).limit(MAX_EVENTS)).all()

    calendar = Calendar()
    calendar.add("prodid", "-//Inklusi//Pelatihan//ID")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Pelatihan Inklusi ({scope} {key})")
    calendar.add("x-wr-timezone", "Asia/Jakarta")
    for session, training, programme, venue in rows:
        calendar.add_component(_event(session, training, programme, venue, training.id in waitlisted))
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()


def _event(session: Session, training: Training, programme: Programme, venue: Venue, waitlisted: bool) -> Event:
    event = Event()
    event.add("uid", f"{session.id}@inklusi")
    event.add("dtstamp", now())
    event.add("dtstart", utc(session.starts_at).astimezone(WIB))
    event.add("dtend", utc(session.ends_at).astimezone(WIB))
    event.add("summary", training.title + (" (daftar tunggu)" if waitlisted else ""))
    event.add("location", f"{venue.name}, {venue.address}")
    event.add("status", STATUS[session.status])
    event.add("description", describe(programme, venue, session))
    event.add("categories", [programme.topic])
    return event


def describe(programme: Programme, venue: Venue, session: Session) -> str:
    features = ", ".join(FEATURES[f] for f in venue.features) or "belum dicatat"
    lines = [f"Topik: {programme.topic}. Penyelenggara: {programme.organiser_org}.",
             f"Aksesibilitas tempat: {features}."]
    if venue.accessibility_notes:
        lines.append(f"Catatan aksesibilitas: {venue.accessibility_notes}")
    if session.status == "cancelled" and session.change_reason:
        lines.append(f"Dibatalkan: {session.change_reason}")
    elif session.change_reason:
        lines.append(f"Perubahan jadwal: {session.change_reason}")
    return "\n".join(lines)
