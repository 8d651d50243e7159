"""initial schema: the platform's outbox and inbox

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""
from alembic import op

from inklusi_platform import tables

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    tables.create_v1(op)


def downgrade() -> None:
    tables.drop_v1(op)
