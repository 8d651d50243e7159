"""The log channel for local runs: one line per message, without address or body (they are personal)."""
import logging
import uuid

from notify.templates import Rendered

log = logging.getLogger("notify.channels.log")


class LogChannel:
    def __init__(self, name: str):
        self.name = name

    def send(self, address: str, message: Rendered) -> str:
        message_id = f"log-{uuid.uuid4()}"
        log.info("message written to the log channel", extra={
            "channel": self.name, "template": message.template, "version": message.version,
            "variant": message.variant, "provider_message_id": message_id})
        return message_id
