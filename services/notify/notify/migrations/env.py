"""Alembic environment of the notify service."""
from inklusi_platform.migrations import run_env
from notify.models import Base

run_env(Base.metadata)
