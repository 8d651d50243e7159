"""Alembic environment of the gateway."""
from inklusi_platform.migrations import run_env

from gateway.models import Base

run_env(Base.metadata)
