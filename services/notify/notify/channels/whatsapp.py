"""WhatsApp through the Business Cloud API's message request (POST {base}/{phone-number-id}/messages)."""
import requests

from notify.channels import ProviderError, http_failure
from notify.settings import Settings
from notify.templates import Rendered


def e164_digits(phone: str) -> str:
    """The Cloud API wants the recipient as digits only: +6281234567890 -> 6281234567890."""
    return "".join(ch for ch in phone if ch.isdigit())


def text_request(address: str, message: Rendered) -> dict:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": e164_digits(address),
            "type": "text", "text": {"preview_url": False, "body": message.text}}


def template_request(address: str, message: Rendered, template: str) -> dict:
    """Outside the 24-hour customer service window WhatsApp takes only approved templates: one whose
    body is a single parameter carries our rendered text."""
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": e164_digits(address),
            "type": "template", "template": {
                "name": template, "language": {"code": "id"},
                "components": [{"type": "body", "parameters": [{"type": "text", "text": message.text}]}]}}


class WhatsAppCloud:
    name = "whatsapp"

    def __init__(self, settings: Settings):
        self.settings = settings
        self.url = f"{settings.whatsapp_base_url.rstrip('/')}/{settings.whatsapp_phone_number_id}/messages"

    def send(self, address: str, message: Rendered) -> str:
        try:
            body = (template_request(address, message, self.settings.whatsapp_template)
                    if self.settings.whatsapp_template else text_request(address, message))
            response = requests.post(self.url, json=body,
                                     headers={"Authorization": f"Bearer {self.settings.whatsapp_token}"},
                                     timeout=self.settings.provider_timeout)
        except requests.RequestException as exc:
            raise ProviderError(f"WhatsApp {type(exc).__name__}", retryable=True) from None
        if response.status_code != 200:
            raise http_failure(response)
        try:
            return response.json()["messages"][0]["id"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise ProviderError("WhatsApp jawaban tanpa id pesan", retryable=False) from None


def receipts(body) -> list[dict]:
    """[{id, status: delivered | failed, reason}] from a Cloud API webhook: entry[].changes[].value.statuses[].
    `read` counts as delivered; `sent` (reached WhatsApp's servers) says nothing new."""
    found = []
    entries = body.get("entry") if isinstance(body, dict) else None
    for entry in entries if isinstance(entries, list) else ():
        for change in (entry.get("changes") or ()) if isinstance(entry, dict) else ():
            value = change.get("value") if isinstance(change, dict) else None
            for status in (value.get("statuses") or ()) if isinstance(value, dict) else ():
                if not isinstance(status, dict) or not isinstance(status.get("id"), str):
                    continue
                if status.get("status") in ("delivered", "read"):
                    found.append({"id": status["id"], "status": "delivered", "reason": None})
                elif status.get("status") == "failed":
                    errors = status.get("errors") or [{}]
                    first = errors[0] if isinstance(errors, list) and isinstance(errors[0], dict) else {}
                    reason = f"WhatsApp {first.get('code', '')} {first.get('title', '')}".strip()
                    found.append({"id": status["id"], "status": "failed", "reason": reason})
    return found
