"""security: refresh token families, login throttles for unknown names, TRUNCATE guard on the audit log

Revision ID: 0002_security
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_security"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("refresh_tokens") as batch_op:
        batch_op.add_column(sa.Column("family_id", sa.String(length=36), nullable=True))
        batch_op.create_index("ix_refresh_tokens_family_id", ["family_id"], unique=False)
    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("first_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_login_throttles_first_failure_at", "login_throttles", ["first_failure_at"])
    if op.get_bind().dialect.name == "postgresql":
        # Row triggers do not fire on TRUNCATE; a statement trigger does. (The runtime role also lacks
        # the TRUNCATE privilege and, owning nothing, cannot disable triggers: see migrations.grant_runtime.)
        op.execute("""
            CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
            FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_entries_no_truncate ON audit_entries")
    op.drop_index("ix_login_throttles_first_failure_at", table_name="login_throttles")
    op.drop_table("login_throttles")
    with op.batch_alter_table("refresh_tokens") as batch_op:
        batch_op.drop_index("ix_refresh_tokens_family_id")
        batch_op.drop_column("family_id")
