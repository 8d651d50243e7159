"""Routes of /v1/notifications (the delivery log, area-checked), /v1/notification-templates (admin) and
/v1/notification-receipts (providers' delivery receipts, authenticated by a shared secret, not a token).

What is sent, to whom and when is the notify service's to decide; the gateway authenticates, limits
the log to the caller's areas (404 outside them), and audits every answer that names a person.
"""
import hashlib
import hmac

from werkzeug.wrappers import Response

from gateway.bodies import json_response, read_json, read_query
from gateway.problems import HttpProblem
from gateway.routes import route
from gateway.schemas import shared
from gateway.schemas.notifications import (
    NotificationOut,
    NotificationQuery,
    PreviewInput,
    PreviewOut,
    ReceiptsOut,
    SmsReceiptsIn,
    TemplateList,
    TemplateOut,
    WhatsAppReceiptsIn,
)
from inklusi_platform.errors import NotFound

NOT_FOUND = "Notifikasi tidak ditemukan."
FILTERS = ("person_id", "event_type", "status", "channel")
# One shared secret per provider, from the environment (empty: that provider's receipts are refused).
# WhatsApp signs each webhook body with it (X-Hub-Signature-256: sha256=HMAC); the SMS gateway sends it
# as a bearer token. WhatsApp's subscription handshake echoes hub.challenge for the verify token.
WHATSAPP_SECRET = "NOTIFY_RECEIPT_SECRET_WHATSAPP"
WHATSAPP_VERIFY_TOKEN = "NOTIFY_RECEIPT_VERIFY_TOKEN_WHATSAPP"
SMS_SECRET = "NOTIFY_RECEIPT_SECRET_SMS"
REFUSED = "Tanda terima tidak sah."


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

    # --- providers' delivery receipts ---------------------------------------------------------------

    def _secret(self, name: str) -> bytes:
        return str(self.config.get(name) or "").encode()

    def _record_receipts(self, request, channel: str):
        body = read_json(request)
        answer = self.notify.record_receipts(channel, body)
        self.audit(None, "update", "delivery_receipt", channel, detail=f"{answer['matched']} cocok")
        return json_response(shared(ReceiptsOut).dump(answer))

    def _refuse_receipts(self, channel: str):
        self.audit(None, "update", "delivery_receipt", channel, outcome="denied", detail="rahasia tidak cocok")
        raise HttpProblem(401, REFUSED)

    @route("POST", "/v1/notification-receipts/whatsapp",
           summary="WhatsApp Cloud API status webhook: sent messages become delivered or failed",
           tag="notifications", public=True, body=WhatsAppReceiptsIn, response=ReceiptsOut, errors=(401,))
    def whatsapp_receipts(self, request):
        secret = self._secret(WHATSAPP_SECRET)
        expected = "sha256=" + hmac.new(secret, request.get_data(cache=True), hashlib.sha256).hexdigest()
        given = request.headers.get("X-Hub-Signature-256", "").encode("utf-8", "replace")
        if not secret or not hmac.compare_digest(given, expected.encode()):
            self._refuse_receipts("whatsapp")
        return self._record_receipts(request, "whatsapp")

    @route("GET", "/v1/notification-receipts/whatsapp", summary="WhatsApp's webhook subscription handshake",
           tag="notifications", public=True, content_type="text/plain", errors=(401,))
    def whatsapp_receipts_handshake(self, request):
        token = self._secret(WHATSAPP_VERIFY_TOKEN)
        given = request.args.get("hub.verify_token", "").encode("utf-8", "replace")
        if request.args.get("hub.mode") != "subscribe" or not token or not hmac.compare_digest(given, token):
            raise HttpProblem(401, REFUSED)
        return Response(request.args.get("hub.challenge", ""), content_type="text/plain; charset=utf-8")

    @route("POST", "/v1/notification-receipts/sms",
           summary="The SMS gateway's delivery report: sent messages become delivered or failed",
           tag="notifications", public=True, body=SmsReceiptsIn, response=ReceiptsOut, errors=(401,))
    def sms_receipts(self, request):
        secret = self._secret(SMS_SECRET)
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").encode("utf-8", "replace")
        if not secret or not hmac.compare_digest(given, secret):
            self._refuse_receipts("sms")
        return self._record_receipts(request, "sms")
