"""SMS through an HTTP gateway: one request carrying the message already cut into its segments."""
import requests

from notify.channels import ProviderError, http_failure
from notify.segments import segment
from notify.settings import Settings
from notify.templates import Rendered


def sms_request(address: str, message: Rendered) -> dict:
    cut = segment(message.text)
    return {"to": address, "encoding": cut.encoding, "segments": cut.parts}


class HttpSms:
    name = "sms"

    def __init__(self, settings: Settings):
        self.settings = settings

    def send(self, address: str, message: Rendered) -> str:
        try:
            response = requests.post(self.settings.sms_url, json=sms_request(address, message),
                                     headers={"Authorization": f"Bearer {self.settings.sms_token}"},
                                     timeout=self.settings.provider_timeout)
        except requests.RequestException as exc:
            raise ProviderError(f"SMS {type(exc).__name__}", retryable=True) from None
        if not 200 <= response.status_code < 300:
            raise http_failure(response)
        try:
            return str(response.json()["id"])
        except (ValueError, KeyError, TypeError):
            raise ProviderError("SMS jawaban tanpa id pesan", retryable=False) from None
