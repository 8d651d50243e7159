"""Alembic environment of the registry service."""
from inklusi_platform.migrations import run_env
from registry.models import Base

run_env(Base.metadata)
