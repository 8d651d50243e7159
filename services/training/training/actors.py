"""Who makes a change: every change names its actor, as the gateway passes it."""
from inklusi_platform.errors import ValidationFailed


def actor_id(actor) -> str:
    if not isinstance(actor, dict) or not actor.get("user_id"):
        raise ValidationFailed("Pelaku perubahan tidak diketahui.", {"actor": ["user_id wajib diisi."]})
    return str(actor["user_id"])
