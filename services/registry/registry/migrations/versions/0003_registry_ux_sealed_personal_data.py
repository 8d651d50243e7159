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

# SQLite's UNIQUE(nik) has no name; this gives it the one batch mode needs to drop it.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
WIDENED = ('nik', 'kk', 'phone', 'email', 'guardian_phone')


def _unique_nik_name() -> str:
    return 'persons_nik_key' if op.get_bind().dialect.name == 'postgresql' else 'uq_persons_nik'


def upgrade() -> None:
    with op.batch_alter_table('persons', naming_convention=NAMING) as batch_op:
        batch_op.add_column(sa.Column('nik_index', sa.String(length=64), nullable=True))
        # Ciphertext is random: a unique NIK is now the blind index's job.
        batch_op.drop_constraint(_unique_nik_name(), type_='unique')
        for column in WIDENED:
            batch_op.alter_column(column, type_=sa.Text())
    with op.batch_alter_table('paguyuban_members') as batch_op:
        batch_op.alter_column('phone', type_=sa.Text())

    reseal_all(op.get_bind())

    with op.batch_alter_table('persons') as batch_op:
        batch_op.alter_column('nik_index', nullable=False)
        batch_op.create_unique_constraint('uq_persons_nik_index', ['nik_index'])


def downgrade() -> None:
    raise NotImplementedError("Sealed data is not written back in clear; restore a backup taken before 0003.")
