"""The notify service's vocabulary, once: what the gateway's HTTP schemas and the service both use.

Notify publishes no events of its own; it consumes those of registry, training and funding.
"""
# A notification's life: queued -> sending -> sent (-> delivered) | failed; skipped when nothing may be
# sent (consent, opt-out, no address, no guardian copy asked for); cancelled when consent is withdrawn.
STATUSES = ("queued", "sending", "sent", "delivered", "failed", "skipped", "cancelled")
# Channels a person can choose, in the registry's communication preferences ("none" is opting out).
CHANNELS = ("whatsapp", "sms", "email")
# The log channel stands in for any of them on a local run; templates can be previewed for it too.
PREVIEW_CHANNELS = CHANNELS + ("log",)
VARIANTS = ("plain", "easy_read")
RECIPIENT_KINDS = ("person", "guardian")
