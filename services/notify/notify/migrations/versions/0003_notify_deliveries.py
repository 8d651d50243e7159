"""notify (branch notify): one message per (event, recipient, channel) and a delivery log

Revision ID: 0003_notify_deliveries
Revises: 0002_idempotent_results
Create Date: 2026-11-29 20:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_notify_deliveries"
down_revision = "0002_idempotent_results"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint("uq_notification_event_kind", type_="unique")
        batch.add_column(sa.Column("event_type", sa.String(80), nullable=False, server_default=""))
        batch.add_column(sa.Column("recipient_kind", sa.String(20), nullable=False, server_default="person"))
        batch.add_column(sa.Column("recipient_id", sa.String(36), nullable=False, server_default=""))
        batch.add_column(sa.Column("area_code", sa.String(20), nullable=True))
        batch.add_column(sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("params", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    # What was owed before is owed to the person it names; "pending" is now "queued".
    op.execute("UPDATE notifications SET recipient_id = person_id, event_type = 'registry.person_registered'")
    op.execute("UPDATE notifications SET status = 'queued' WHERE status = 'pending'")
    with op.batch_alter_table("notifications") as batch:
        batch.create_unique_constraint("uq_notification_event_recipient",
                                       ["source_event_id", "kind", "recipient_kind", "recipient_id"])
        batch.create_index("ix_notifications_due", ["status", "next_attempt_at"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("notification_id", sa.Integer(), sa.ForeignKey("notifications.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column("variant", sa.String(20), nullable=False),
        sa.Column("segments", sa.Integer(), nullable=True),
        sa.Column("provider_message_id", sa.String(200), nullable=True),
        sa.Column("reason", sa.String(300), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("notification_id", "channel", name="uq_delivery_channel"),
    )
    op.create_index("ix_deliveries_notification_id", "deliveries", ["notification_id"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_notification_id", table_name="deliveries")
    op.drop_table("deliveries")
    op.execute("UPDATE notifications SET status = 'pending' WHERE status = 'queued'")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_index("ix_notifications_due")
        batch.drop_constraint("uq_notification_event_recipient", type_="unique")
        for column in ("updated_at", "claimed_at", "next_attempt_at", "params", "urgent", "area_code",
                       "recipient_id", "recipient_kind", "event_type"):
            batch.drop_column(column)
        batch.create_unique_constraint("uq_notification_event_kind", ["source_event_id", "kind"])
