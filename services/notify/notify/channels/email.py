"""Email over SMTP: HTML with a plain-text alternative, so any mail reader and screen reader can read it."""
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from notify.channels import ProviderError
from notify.settings import Settings
from notify.templates import Rendered


class SmtpEmail:
    name = "email"

    def __init__(self, settings: Settings):
        self.settings = settings

    def send(self, address: str, message: Rendered) -> str:
        mail = EmailMessage()
        mail["From"] = self.settings.smtp_from
        mail["To"] = address
        mail["Subject"] = message.subject
        mail["Content-Language"] = "id"
        message_id = make_msgid(domain="inklusi.local")
        mail["Message-ID"] = message_id
        mail.set_content(message.text)  # first part: the plain text others fall back to
        if message.html:
            mail.add_alternative(message.html, subtype="html")
        try:
            with smtplib.SMTP(self.settings.smtp_host, self.settings.smtp_port,
                              timeout=self.settings.provider_timeout) as smtp:
                smtp.send_message(mail)
        except smtplib.SMTPResponseException as exc:
            # 4xx is the server asking us to come back later; 5xx is a refusal.
            raise ProviderError(f"SMTP {exc.smtp_code}", retryable=400 <= exc.smtp_code < 500) from None
        except smtplib.SMTPRecipientsRefused:
            raise ProviderError("SMTP alamat ditolak", retryable=False) from None
        except (TimeoutError, OSError, smtplib.SMTPException) as exc:
            raise ProviderError(f"SMTP {type(exc).__name__}", retryable=True) from None
        return message_id
