"""notify's settings, read from the service config (the platform puts every NOTIFY_* variable there)."""
from dataclasses import dataclass

# Variable -> (default, meaning); the platform's config table lists these for the README.
DEFAULTS = {
    "NOTIFY_SEND_INTERVAL_SECONDS": ("2", "How often notify looks for messages due to be sent."),
    "NOTIFY_BATCH_SIZE": ("20", "Messages one send round takes."),
    "NOTIFY_MAX_ATTEMPTS": ("3", "Attempts on one channel before it is marked failed and the next is tried."),
    "NOTIFY_RETRY_BASE_SECONDS": ("2", "First backoff between attempts; doubles each time, with jitter."),
    "NOTIFY_RETRY_MAX_SECONDS": ("60", "Longest backoff, also the cap on a provider's Retry-After."),
    "NOTIFY_PROVIDER_TIMEOUT_SECONDS": ("10", "How long one request to a provider may take."),
    "NOTIFY_LEASE_SECONDS": ("600", "A send interrupted longer ago than this (a crash) is taken up again."),
    "NOTIFY_QUIET_HOURS": ("21:00-07:00", "WIB hours without WhatsApp or SMS, except urgent messages."),
    "NOTIFY_SMTP_HOST": ("", "SMTP server for email; empty writes email to the log channel."),
    "NOTIFY_SMTP_PORT": ("25", "Port of the SMTP server."),
    "NOTIFY_SMTP_FROM": ("Inklusi <noreply@inklusi.local>", "Sender of notification emails."),
    "NOTIFY_WHATSAPP_BASE_URL": ("", "WhatsApp Business Cloud API base URL; empty writes to the log channel."),
    "NOTIFY_WHATSAPP_PHONE_NUMBER_ID": ("", "The sending WhatsApp business phone number id."),
    "NOTIFY_WHATSAPP_TOKEN": ("", "Bearer token of the WhatsApp Cloud API."),
    "NOTIFY_WHATSAPP_TEMPLATE": ("", "An approved template with one body parameter; empty sends text messages."),
    "NOTIFY_SMS_URL": ("", "HTTP SMS gateway endpoint; empty writes SMS to the log channel."),
    "NOTIFY_SMS_TOKEN": ("", "Bearer token of the SMS gateway."),
    "NOTIFY_STAFF_EMAILS": ("", "Staff addresses by gateway user id: 'user-id=ana@org.id,user-id=budi@org.id'."),
    "NOTIFY_STAFF_EMAIL": ("", "Address for staff not listed in NOTIFY_STAFF_EMAILS (a team inbox); empty: none."),
    "NOTIFY_REMINDER_DAYS_BEFORE": ("3", "Days before a session that organisers hear of accommodations still missing."),
    "NOTIFY_REMINDER_CHECK_SECONDS": ("3600", "How often notify looks for sessions with accommodations missing."),
}


@dataclass(frozen=True)
class Settings:
    send_interval: float
    batch_size: int
    max_attempts: int
    retry_base: float
    retry_max: float
    provider_timeout: float
    lease_seconds: float
    quiet_hours: str
    smtp_host: str
    smtp_port: int
    smtp_from: str
    whatsapp_base_url: str
    whatsapp_phone_number_id: str
    whatsapp_token: str
    whatsapp_template: str
    sms_url: str
    sms_token: str
    staff_emails: str = ""
    staff_email: str = ""
    reminder_days_before: int = 3


def settings_from(config: dict) -> Settings:
    def get(name):
        value = config.get(name)
        return DEFAULTS[name][0] if value is None else value

    return Settings(
        send_interval=float(get("NOTIFY_SEND_INTERVAL_SECONDS")), batch_size=int(get("NOTIFY_BATCH_SIZE")),
        max_attempts=int(get("NOTIFY_MAX_ATTEMPTS")), retry_base=float(get("NOTIFY_RETRY_BASE_SECONDS")),
        retry_max=float(get("NOTIFY_RETRY_MAX_SECONDS")),
        provider_timeout=float(get("NOTIFY_PROVIDER_TIMEOUT_SECONDS")),
        lease_seconds=float(get("NOTIFY_LEASE_SECONDS")), quiet_hours=str(get("NOTIFY_QUIET_HOURS")),
        smtp_host=str(get("NOTIFY_SMTP_HOST")), smtp_port=int(get("NOTIFY_SMTP_PORT")),
        smtp_from=str(get("NOTIFY_SMTP_FROM")), whatsapp_base_url=str(get("NOTIFY_WHATSAPP_BASE_URL")),
        whatsapp_phone_number_id=str(get("NOTIFY_WHATSAPP_PHONE_NUMBER_ID")),
        whatsapp_token=str(get("NOTIFY_WHATSAPP_TOKEN")), whatsapp_template=str(get("NOTIFY_WHATSAPP_TEMPLATE")),
        sms_url=str(get("NOTIFY_SMS_URL")),
        sms_token=str(get("NOTIFY_SMS_TOKEN")), staff_emails=str(get("NOTIFY_STAFF_EMAILS")),
        staff_email=str(get("NOTIFY_STAFF_EMAIL")), reminder_days_before=int(get("NOTIFY_REMINDER_DAYS_BEFORE")),
    )
