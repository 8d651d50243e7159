"""consent purpose inventarisasi_masalah: a person may be named as a raiser in the needs inventory

Revision ID: 0006_problems_consent_purpose
Revises: 0005_imports
Create Date: 2026-11-29 20:40:00
"""
from alembic import op

revision = "0006_problems_consent_purpose"
down_revision = "0005_imports"
branch_labels = None
depends_on = None

OLD = ("pendataan", "komunikasi", "pelatihan", "bantuan_usaha", "berbagi_data_mitra")
NEW = (*OLD, "inventarisasi_masalah")


def _purposes(values) -> None:
    quoted = ", ".join(f"'{v}'" for v in values)
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.drop_constraint("ck_consents_purpose", type_="check")
        batch_op.create_check_constraint("ck_consents_purpose", f"purpose IN ({quoted})")


def upgrade() -> None:
    _purposes(NEW)


def downgrade() -> None:
    op.execute("DELETE FROM consents WHERE purpose = 'inventarisasi_masalah'")
    _purposes(OLD)
