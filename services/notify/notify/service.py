"""Entrypoints of the notify service. Thin: event handlers record what is owed (one per entry of
subscriptions.SUBSCRIPTIONS), a timer sends it, another owes organisers their reminders, and RPCs read the
delivery log and the templates and take providers' delivery receipts."""
import logging
import os
from datetime import UTC, datetime

from inklusi_platform.consumer import event_handler
from inklusi_platform.entrypoints import rpc, timer
from inklusi_platform.rpc_client import ServiceClient
from inklusi_platform.service import ServiceBase
from notify import delivery, intake, notifications, parties, receipts, reminders, templates
from notify.channels import build_channels
from notify.settings import DEFAULTS, settings_from
from notify.subscriptions import SUBSCRIPTIONS, handler_name

SEND_INTERVAL_SECONDS = float(os.environ.get("NOTIFY_SEND_INTERVAL_SECONDS",
                                             DEFAULTS["NOTIFY_SEND_INTERVAL_SECONDS"][0]))
REMINDER_CHECK_SECONDS = float(os.environ.get("NOTIFY_REMINDER_CHECK_SECONDS",
                                              DEFAULTS["NOTIFY_REMINDER_CHECK_SECONDS"][0]))
REGISTRY_DEADLINE_SECONDS = 10

log = logging.getLogger(__name__)


class NotifyService(ServiceBase):
    name = "notify"

    registry = ServiceClient("registry")
    funding = ServiceClient("funding")
    training = ServiceClient("training")

    def _contact_details(self, person_id: str) -> dict:
        return self.registry.contact_details(person_id, timeout=REGISTRY_DEADLINE_SECONDS)

    def _look_up(self, kind: str, ref: str) -> list:
        return parties.look_up(kind, ref, self.registry, self.funding)

    @timer(interval=SEND_INTERVAL_SECONDS)
    def send_due(self):
        settings = settings_from(self.config)
        delivery.send_due(delivery.Sender(self.db.sessions, self._contact_details, build_channels(settings),
                                          settings, look_up=self._look_up))

    @timer(interval=REMINDER_CHECK_SECONDS)
    def remind_organisers(self):
        settings = settings_from(self.config)
        try:
            missing = self.training.sessions_missing_accommodations(settings.reminder_days_before,
                                                                    timeout=REGISTRY_DEADLINE_SECONDS)
        except Exception as exc:  # training is away: the next check tries again, the day is not over
            log.warning("sessions with accommodations missing not available", extra={"error": type(exc).__name__})
            return
        reminders.record(self.db.sessions, missing, datetime.now(UTC))

    # --- registry facts that change what may still go out -----------------------------------------

    @event_handler("registry", "consent_withdrawn")
    def on_consent_withdrawn(self, event):
        intake.consent_withdrawn(self.db, event.payload)

    @event_handler("registry", "persons_merged")
    def on_persons_merged(self, event):
        intake.persons_merged(self.db, event.payload)

    # --- the delivery log -------------------------------------------------------------------------

    @rpc
    def list_notifications(self, areas, filters=None, limit=None, cursor=None) -> dict:
        return notifications.list_notifications(self.db, areas, filters, limit, cursor)

    @rpc
    def get_notification(self, notification_id: int) -> dict:
        return notifications.get_notification(self.db, notification_id)

    @rpc
    def retry_notification(self, notification_id: int) -> dict:
        return notifications.retry(self.db, notification_id)

    @rpc
    def get_notifications(self, person_id: str) -> list[dict]:
        return notifications.notifications_of(self.db, person_id)

    @rpc
    def record_receipts(self, channel: str, body) -> dict:
        return receipts.record(self.db, channel, body)

    # --- templates --------------------------------------------------------------------------------

    @rpc
    def list_templates(self) -> list[dict]:
        return templates.list_templates()

    @rpc
    def preview_template(self, name: str, channel: str, variant: str, params=None) -> dict:
        return templates.preview(name, channel, variant, params)


def _owed(source: str, event: str, subscription):
    def handle(self, event_):
        intake.record_owed(self.db, event_, subscription)

    handle.__name__ = handle.__qualname__ = handler_name(source, event)
    return event_handler(source, event)(handle)


# One handler (and so one queue, declared at migrate time) per subscribed event.
for (_source, _event), _subscription in SUBSCRIPTIONS.items():
    setattr(NotifyService, handler_name(_source, _event), _owed(_source, _event, _subscription))
