"""Tables owned by the registry. Import from here so that every table is registered on Base."""
from registry.models import counts, groups, imports, persons  # noqa: F401,E402  (registers the tables)
from registry.models.base import Base

__all__ = ["Base"]
