"""the platform's idempotent_results table: a write's first outcome, kept with the write

Revision ID: 0003_idempotent_results
Revises: 0002_funding
Create Date: 2026-11-29 20:00:00
"""
from alembic import op

from inklusi_platform import tables

revision = "0003_idempotent_results"
down_revision = "0002_funding"
branch_labels = None
depends_on = None


def upgrade() -> None:
    tables.create_idempotent_results(op)


def downgrade() -> None:
    tables.drop_idempotent_results(op)
