"""seal personal data at rest: NIK, KK, phones, email, diagnosis; NIK found through a blind index

Existing rows are sealed here with the keys of this process's configuration (FIELD_KEYS and
BLIND_INDEX_KEY, or the local key file in DATA_DIR), history entries included.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 19:50:00
"""
from alembic import op
import sqlalchemy as sa

from registry.at_rest import reseal_all


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

WIDENED = ('nik', 'kk', 'phone', 'email', 'guardian_phone')


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == 'postgresql'
    op.add_column('persons', sa.Column('nik_index', sa.String(length=64), nullable=True))
    if postgres:
        # Ciphertext is longer than the values were, and random: a unique NIK is the blind index's job now.
        # SQLite enforces neither lengths nor this on ciphertext, and cannot drop a constraint without
        # copying the table, which its foreign keys refuse while rows point at persons: it keeps both.
        op.drop_constraint('persons_nik_key', 'persons', type_='unique')
        for column in WIDENED:
            op.alter_column('persons', column, type_=sa.Text())
        op.alter_column('paguyuban_members', 'phone', type_=sa.Text())

    reseal_all(op.get_bind())

    if postgres:
        op.alter_column('persons', 'nik_index', nullable=False)
    op.create_index('uq_persons_nik_index', 'persons', ['nik_index'], unique=True)


def downgrade() -> None:
    raise NotImplementedError("Sealed data is not written back in clear; restore a backup taken before 0003.")
