"""Alembic environment of the training service."""
from inklusi_platform.migrations import run_env
from training.models import Base

run_env(Base.metadata)
