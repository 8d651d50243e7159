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


class WhatsAppCloud:
    name = "whatsapp"

    def __init__(self, settings: Settings):
        self.settings = settings
        self.url = f"{settings.whatsapp_base_url.rstrip('/')}/{settings.whatsapp_phone_number_id}/messages"

    def send(self, address: str, message: Rendered) -> str:
        try:
            response = requests.post(self.url, json=text_request(address, message),
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
