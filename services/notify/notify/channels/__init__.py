"""Channel adapters behind one interface: `send(address, rendered) -> provider message id`.

An adapter raises ProviderError on failure, saying whether trying again may help (timeouts, 5xx, 429)
and how long the provider asked us to wait (Retry-After). A channel whose provider is not configured
writes to the log channel instead, which is what `./dev run` does by default.
"""
from typing import Protocol

from notify.settings import Settings
from notify.templates import Rendered


class ProviderError(Exception):
    def __init__(self, reason: str, retryable: bool, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after


class Channel(Protocol):
    name: str

    def send(self, address: str, message: Rendered) -> str: ...


def http_failure(response) -> ProviderError:
    """A provider's HTTP answer that is not a success, as a ProviderError."""
    status = response.status_code
    retry_after = None
    if status == 429:
        try:
            retry_after = float(response.headers.get("Retry-After", ""))
        except ValueError:
            retry_after = None
    return ProviderError(f"HTTP {status}", retryable=status == 429 or status >= 500, retry_after=retry_after)


def build_channels(settings: Settings) -> dict[str, Channel]:
    from notify.channels.email import SmtpEmail
    from notify.channels.log import LogChannel
    from notify.channels.sms import HttpSms
    from notify.channels.whatsapp import WhatsAppCloud

    return {
        "email": SmtpEmail(settings) if settings.smtp_host else LogChannel("email"),
        "whatsapp": WhatsAppCloud(settings) if settings.whatsapp_base_url else LogChannel("whatsapp"),
        "sms": HttpSms(settings) if settings.sms_url else LogChannel("sms"),
    }
