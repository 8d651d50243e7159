"""calendar-keys: feed keys, so calendar apps can subscribe to an .ics feed without a bearer token

Revision ID: 0003_calendar_keys
Revises: 0002_security
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_calendar_keys"
down_revision = "0002_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feed_keys",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("subject_kind", sa.String(length=10), nullable=False),
        sa.Column("subject_id", sa.String(length=80), nullable=False),
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_hash"),
    )
    op.create_index("ix_feed_keys_subject_id", "feed_keys", ["subject_id"])


def downgrade() -> None:
    op.drop_index("ix_feed_keys_subject_id", table_name="feed_keys")
    op.drop_table("feed_keys")
