"""Which events notify acts on, and what each owes: adding a source or an event is one entry here.

Each entry names the template, who is told (see recipients.py) and whether the message is urgent
(urgent messages go out during quiet hours too). The service makes one event handler per entry.
Recipients an event does not name (a funding case's members and officer, a pokja's ketua) are asked of
the service that knows them at send time; staff get `staff_template` when there is one.
"""
from dataclasses import dataclass

CASE = ("case_parties", "guardian")  # a funding case's applicant or KUBE members, and their guardians


@dataclass(frozen=True)
class Subscription:
    template: str
    recipients: tuple[str, ...] = ("person", "guardian")
    urgent: bool = False
    staff_template: str | None = None  # what staff recipients (a case's officer) read instead


SUBSCRIPTIONS: dict[tuple[str, str], Subscription] = {
    ("registry", "person_registered"): Subscription("welcome"),
    ("registry", "pokja_member_joined"): Subscription("pokja_member_joined", ("pokja_ketua",)),
    ("registry", "pokja_member_left"): Subscription("pokja_member_left", ("pokja_ketua",)),
    ("training", "enrolment_confirmed"): Subscription("enrolment_confirmed"),
    ("training", "enrolment_waitlisted"): Subscription("enrolment_waitlisted"),
    ("training", "enrolment_promoted"): Subscription("enrolment_promoted"),
    ("training", "enrolment_cancelled"): Subscription("enrolment_cancelled"),
    # A session moving or being cancelled is news people may act on tonight: urgent.
    ("training", "session_rescheduled"): Subscription("session_rescheduled", urgent=True),
    ("training", "session_cancelled"): Subscription("session_cancelled", urgent=True),
    ("training", "training_completed"): Subscription("training_completed"),
    ("funding", "case_submitted"): Subscription("case_submitted", CASE),
    ("funding", "case_approved"): Subscription("case_approved", (*CASE, "case_officer"),
                                               staff_template="case_approved_staff"),
    ("funding", "case_rejected"): Subscription("case_rejected", (*CASE, "case_officer"),
                                               staff_template="case_rejected_staff"),
    ("funding", "funds_disbursed"): Subscription("funds_disbursed", CASE),
    # A member died, withdrew consent or was merged away: only the officer can sort the case out.
    ("funding", "case_on_hold"): Subscription("case_on_hold_staff", ("case_officer",)),
    ("funding", "monitoring_report_due"): Subscription("monitoring_report_due", CASE),
    ("funding", "monitoring_report_overdue"): Subscription("monitoring_report_overdue", (*CASE, "case_officer"),
                                                           staff_template="monitoring_report_overdue_staff"),
}


def handler_name(source: str, event: str) -> str:
    return f"on_{source}_{event}"


def for_event_type(event_type: str) -> Subscription | None:
    """The entry an event type ('training.enrolment_promoted') was recorded under, if any."""
    source, _, name = event_type.partition(".")
    return SUBSCRIPTIONS.get((source, name))
