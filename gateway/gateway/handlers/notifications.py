"""Routes of /v1/notifications (the delivery log, area-checked) and /v1/notification-templates (admin).

What is sent, to whom and when is the notify service's to decide; the gateway authenticates, limits
the log to the caller's areas (404 outside them), and audits every answer that names a person.
"""
from gateway.bodies import json_response, read_json, read_query
from gateway.routes import route
from gateway.schemas import shared
from gateway.schemas.notifications import (
    NotificationOut,
    NotificationQuery,
    PreviewInput,
    PreviewOut,
    TemplateList,
    TemplateOut,
)
from inklusi_platform.errors import NotFound

NOT_FOUND = "Notifikasi tidak ditemukan."
FILTERS = ("person_id", "event_type", "status", "channel")


def _id(notification_id: str) -> int:
    try:
        return int(notification_id)
    except ValueError:
        raise NotFound(NOT_FOUND) from None


class NotificationRoutes:
    def _notification_in_scope(self, caller, notification_id: str) -> dict:
        notification = self.notify.get_notification(_id(notification_id))
        area = notification["area_code"]
        if not (caller.scope.unrestricted or (area and caller.scope.allows(area))):
            self.audit(caller, "read", "notification", notification_id, outcome="denied", detail="di luar wilayah")
            raise NotFound(NOT_FOUND)
        return notification

    @route("GET", "/v1/notifications", summary="The delivery log in the caller's areas, newest first",
           tag="notifications", permission="notifications:read", query=NotificationQuery, response=NotificationOut,
           paged=True)
    def list_notifications(self, request):
        caller = self.guard.caller(request, "notifications:read")
        query = read_query(request, shared(NotificationQuery))
        filters = {k: query[k] for k in FILTERS if k in query}
        result = self.notify.list_notifications(caller.scope.filter_areas(query.get("area")), filters,
                                                query.get("limit"), query.get("cursor"))
        ids = [str(n["id"]) for n in result["items"]]
        if ids:  # each entry names a person: one audit entry per record shown
            self.audit(caller, "read", "notification", ids)
        return json_response({"items": [shared(NotificationOut).dump(n) for n in result["items"]],
                              "next_cursor": result["next_cursor"]})

    @route("GET", "/v1/notifications/<notification_id>", summary="One notification with its delivery attempts",
           tag="notifications", permission="notifications:read", response=NotificationOut, errors=(404,))
    def get_notification(self, request, notification_id):
        caller = self.guard.caller(request, "notifications:read")
        notification = self._notification_in_scope(caller, notification_id)
        self.audit(caller, "read", "notification", notification_id)
        return json_response(shared(NotificationOut).dump(notification))

    @route("POST", "/v1/notifications/<notification_id>/retry",
           summary="Queue a failed or skipped notification again (on the channels not yet tried)",
           tag="notifications", permission="notifications:retry", response=NotificationOut, errors=(404, 409))
    def retry_notification(self, request, notification_id):
        caller = self.guard.caller(request, "notifications:retry")

        def produce():
            self._notification_in_scope(caller, notification_id)
            notification = self.notify.retry_notification(_id(notification_id))
            self.audit(caller, "update", "notification", notification_id, detail="retry")
            return json_response(shared(NotificationOut).dump(notification))

        return self.idempotent(request, caller, produce)

    @route("GET", "/v1/notification-templates", summary="The message templates, each with its versions' texts",
           tag="notifications", permission="notifications:templates", response=TemplateList)
    def list_notification_templates(self, request):
        self.guard.caller(request, "notifications:templates")
        return json_response({"items": [shared(TemplateOut).dump(t) for t in self.notify.list_templates()]})

    @route("POST", "/v1/notification-templates/<name>/preview",
           summary="Render a template for a channel and variant with sample data", tag="notifications",
           permission="notifications:templates", body=PreviewInput, response=PreviewOut, errors=(404,),
           unscoped=("name",))  # templates have no area; admin only
    def preview_notification_template(self, request, name):
        self.guard.caller(request, "notifications:templates")
        data = read_json(request, shared(PreviewInput))
        shown = self.notify.preview_template(name, data["channel"], data["variant"], data["params"])
        return json_response(shared(PreviewOut).dump(shown))
