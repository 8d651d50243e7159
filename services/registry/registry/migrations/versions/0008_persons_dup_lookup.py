"""persons by birth date and kecamatan: the look-up of likely duplicates, one per registration or import batch

Revision ID: 0008_persons_dup_lookup
Revises: 0007_person_counts
Create Date: 2026-11-29 23:10:00
"""
from alembic import op

revision = "0008_persons_dup_lookup"
down_revision = "0007_person_counts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_persons_birth_date_kecamatan", "persons", ["birth_date", "kecamatan_code"])


def downgrade() -> None:
    op.drop_index("ix_persons_birth_date_kecamatan", table_name="persons")
