"""Entrypoints of the notify service."""
from inklusi_platform.consumer import event_handler
from inklusi_platform.entrypoints import rpc
from inklusi_platform.service import ServiceBase
from notify import intake


class NotifyService(ServiceBase):
    name = "notify"

    @event_handler("registry", "person_registered")
    def on_person_registered(self, event):
        intake.welcome_registered_person(self.db, event)

    @event_handler("registry", "consent_withdrawn")
    def on_consent_withdrawn(self, event):
        intake.consent_withdrawn(self.db, event.payload)

    @event_handler("registry", "persons_merged")
    def on_persons_merged(self, event):
        intake.persons_merged(self.db, event.payload)

    @rpc
    def get_notifications(self, person_id: str) -> list[dict]:
        return intake.notifications_of(self.db, person_id)
