"""person counts kept as persons change, read by statistics instead of scanning persons; list indexes

The counts are filled here from the persons already registered (registry.counts.rebuild), with
today's age bands. Lists of one kecamatan or desa are paged by (name, id) inside it: an index each.

Revision ID: 0007_person_counts
Revises: 0006_problems_consent_purpose
Create Date: 2026-11-29 23:00:00
"""
import sqlalchemy as sa
from alembic import op

from registry.counts import rebuild

revision = "0007_person_counts"
down_revision = "0006_problems_consent_purpose"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_counts",
        sa.Column("desa_code", sa.String(13), nullable=False),
        sa.Column("kecamatan_code", sa.String(13), nullable=False),
        sa.Column("sex", sa.String(1), nullable=False),
        sa.Column("age_band", sa.String(8), nullable=False),
        sa.Column("category", sa.String(30), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("desa_code", "kecamatan_code", "sex", "age_band", "category"),
    )
    op.create_table(
        "person_counts_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_persons_kecamatan_name_id", "persons", ["kecamatan_code", "name", "id"])
    op.create_index("ix_persons_desa_name_id", "persons", ["desa_code", "name", "id"])
    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_persons_desa_name_id", table_name="persons")
    op.drop_index("ix_persons_kecamatan_name_id", table_name="persons")
    op.drop_table("person_counts_state")
    op.drop_table("person_counts")
