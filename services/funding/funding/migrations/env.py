"""Alembic environment of the funding service."""
from inklusi_platform.migrations import run_env

from funding.models import Base

run_env(Base.metadata)
