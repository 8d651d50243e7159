"""Tables owned by the funding service. Import from here so that every table is registered on Base."""
from funding.models import cases, programmes  # noqa: F401,E402  (registers the tables)
from funding.models.base import Base

__all__ = ["Base"]
