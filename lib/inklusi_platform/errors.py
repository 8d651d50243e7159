"""The error types every service raises; they cross RPC as themselves, so the gateway maps them once."""
from nameko.exceptions import deserialize_to_instance


class DomainError(Exception):
    """A refusal the caller can act on. `details` is JSON-safe (field errors, a link)."""

    def __init__(self, message: str, details=None):
        super().__init__(message, details)

    @property
    def message(self) -> str:
        return self.args[0]

    @property
    def details(self):
        return self.args[1] if len(self.args) > 1 else None

    def __str__(self) -> str:
        return self.message


@deserialize_to_instance
class ValidationFailed(DomainError):
    """Input broke a rule; details maps field names to messages."""


@deserialize_to_instance
class NotFound(DomainError):
    """No such record, or the caller may not know it exists."""


@deserialize_to_instance
class Conflict(DomainError):
    """The request clashes with a record that exists (a duplicate NIK, a second ketua)."""


@deserialize_to_instance
class PreconditionFailed(DomainError):
    """The caller's copy is stale (ETag mismatch); nothing was changed."""


@deserialize_to_instance
class Forbidden(DomainError):
    """The caller's role does not allow this."""


@deserialize_to_instance
class Unavailable(DomainError):
    """A dependency (database, broker, another service) is away; nothing was changed, try again later.

    `details` may hold {"retry_after": seconds}. The gateway answers 503 with Retry-After.
    """


EXPECTED = (DomainError,)
