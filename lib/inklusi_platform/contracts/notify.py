"""The notify service's vocabulary, once: what the gateway's HTTP schemas and the service both use.

Notify publishes no events of its own; it consumes those of registry, training and funding (see
services/notify/notify/subscriptions.py), and asks funding (`case_parties`), the registry
(`contact_details`, `list_pokja_members`) and training (`sessions_missing_accommodations`) over RPC.
"""
# A notification's life: queued -> sending -> sent (-> delivered) | failed; skipped when nothing may be
# sent (consent, opt-out, no address, no guardian copy asked for); cancelled when consent is withdrawn.
STATUSES = ("queued", "sending", "sent", "delivered", "failed", "skipped", "cancelled")
# Channels a person can choose, in the registry's communication preferences ("none" is opting out).
CHANNELS = ("whatsapp", "sms", "email")
# The log channel stands in for any of them on a local run; templates can be previewed for it too.
PREVIEW_CHANNELS = CHANNELS + ("log",)
VARIANTS = ("plain", "easy_read")
# Whom a notification is for: a person, their guardian, a staff user (by email, see the README); and, until
# they are looked up at send time, the recipients an event does not name (a funding case's members and
# officer, a pokja's ketua).
LOOKED_UP_KINDS = ("case_parties", "case_officer", "pokja_ketua")
RECIPIENT_KINDS = ("person", "guardian", "staff", *LOOKED_UP_KINDS)
# Providers whose delivery receipts the gateway takes (POST /v1/notification-receipts/<channel>).
RECEIPT_CHANNELS = ("whatsapp", "sms")
