"""Alembic environment of the funding service."""
from funding.models import Base
from inklusi_platform.migrations import run_env

run_env(Base.metadata)
