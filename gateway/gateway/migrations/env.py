"""Alembic environment of the gateway."""
from gateway.models import Base
from inklusi_platform.migrations import run_env

run_env(Base.metadata)
