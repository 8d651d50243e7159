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


def receipts(body) -> list[dict]:
    """[{id, status: delivered | failed, reason}] from the gateway's delivery report: one report
    {"id", "status", "reason"} or {"reports": [...]}; other statuses (queued, sent) say nothing new."""
    reports = body.get("reports", [body]) if isinstance(body, dict) else body
    found = []
    for report in reports if isinstance(reports, list) else ():
        if isinstance(report, dict) and isinstance(report.get("id"), str | int) and \
                report.get("status") in ("delivered", "failed"):
            found.append({"id": str(report["id"]), "status": report["status"],
                          "reason": f"SMS {report.get('reason') or 'gagal terkirim'}"
                          if report["status"] == "failed" else None})
    return found
