"""Which events notify acts on, and what each owes: adding a source or an event is one entry here.

Each entry names the template, who is told (see recipients.py) and whether the message is urgent
(urgent messages go out during quiet hours too). The service makes one event handler per entry.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Subscription:
    template: str
    recipients: tuple[str, ...] = ("person", "guardian")
    urgent: bool = False


SUBSCRIPTIONS: dict[tuple[str, str], Subscription] = {
    ("registry", "person_registered"): Subscription("welcome"),
    ("training", "enrolment_confirmed"): Subscription("enrolment_confirmed"),
    ("training", "enrolment_waitlisted"): Subscription("enrolment_waitlisted"),
    ("training", "enrolment_promoted"): Subscription("enrolment_promoted"),
    ("training", "enrolment_cancelled"): Subscription("enrolment_cancelled"),
    # A session moving or being cancelled is news people may act on tonight: urgent.
    ("training", "session_rescheduled"): Subscription("session_rescheduled", urgent=True),
    ("training", "session_cancelled"): Subscription("session_cancelled", urgent=True),
    ("training", "training_completed"): Subscription("training_completed"),
}


def handler_name(source: str, event: str) -> str:
    return f"on_{source}_{event}"
