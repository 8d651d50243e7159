"""Tables owned by the training service. Import from here so that every table is registered on Base."""
from training.models import catalogue, participation, problems, schedule  # noqa: F401  (registers the tables)
from training.models.base import Base

__all__ = ["Base"]
