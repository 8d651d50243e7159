"""imports branch: import worker leases, row warnings, upload consent declarations, consent source

Consents recorded by imports before consent had to be shown were assumed, not given: they are
marked source='assumed_on_import' (they need confirming); every other consent is 'recorded'.
An imported consent is recognised by how imports wrote it: form 'written', recorded by the user who
ran an import job, while that job was running (a consent that user entered by hand in that window is
marked too: asking once more is the safe side).

Revision ID: 0005_imports
Revises: 0004_idempotent_results
Create Date: 2026-11-29 19:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_imports'
down_revision = '0004_idempotent_results'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warning_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('consent_declaration', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('lease_owner', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('lease_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('import_row_errors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('level', sa.String(length=10), server_default='error', nullable=False))
        batch_op.create_check_constraint('ck_import_row_errors_level', "level IN ('error', 'warning')")
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=30), server_default='recorded', nullable=False))

    jobs = sa.table('import_jobs', sa.column('requested_by'), sa.column('started_at'), sa.column('finished_at'))
    consents = sa.table('consents', sa.column('source'), sa.column('form'), sa.column('given_on'),
                        sa.column('recorded_at'), sa.column('recorded_by'))
    during_an_import = sa.exists().where(
        jobs.c.requested_by == consents.c.recorded_by,
        jobs.c.started_at.is_not(None),
        consents.c.recorded_at >= jobs.c.started_at,
        sa.or_(jobs.c.finished_at.is_(None), consents.c.recorded_at <= jobs.c.finished_at),
    )
    op.execute(consents.update().where(consents.c.form == 'written', during_an_import)
               .values(source='assumed_on_import'))


def downgrade() -> None:
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_column('source')
    with op.batch_alter_table('import_row_errors', schema=None) as batch_op:
        batch_op.drop_constraint('ck_import_row_errors_level', type_='check')
        batch_op.drop_column('level')
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.drop_column('attempts')
        batch_op.drop_column('lease_expires_at')
        batch_op.drop_column('lease_owner')
        batch_op.drop_column('consent_declaration')
        batch_op.drop_column('warning_count')
