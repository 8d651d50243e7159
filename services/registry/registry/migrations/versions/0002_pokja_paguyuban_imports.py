"""pokja, paguyuban, import jobs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 14:13:22.001129
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('import_jobs',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('file_bytes', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('created_count', sa.Integer(), nullable=False),
    sa.Column('skipped_existing_count', sa.Integer(), nullable=False),
    sa.Column('error_count', sa.Integer(), nullable=False),
    sa.Column('areas', sa.JSON(), nullable=True),
    sa.Column('requested_by', sa.String(length=64), nullable=False),
    sa.Column('requested_by_org', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failure_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("mode IN ('all_or_nothing', 'valid_rows')", name='ck_import_jobs_mode'),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name='ck_import_jobs_status'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_import_jobs_created', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_import_jobs_status_created', ['status', 'created_at', 'id'], unique=False)

    op.create_table('paguyuban',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('kecamatan_code', sa.String(length=13), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('formed_on', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kecamatan_code')
    )
    op.create_table('pokja',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('area_code', sa.String(length=13), nullable=False),
    sa.Column('kecamatan_code', sa.String(length=13), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('business_lines', sa.JSON(), nullable=False),
    sa.Column('formed_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.CheckConstraint("stage IN ('rintisan', 'berkembang', 'mandiri')", name='ck_pokja_stage'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pokja', schema=None) as batch_op:
        batch_op.create_index('ix_pokja_area_code', ['area_code'], unique=False)
        batch_op.create_index('ix_pokja_kecamatan_code', ['kecamatan_code'], unique=False)
        batch_op.create_index('ix_pokja_name_id', ['name', 'id'], unique=False)

    op.create_table('import_files',
    sa.Column('job_id', sa.String(length=36), nullable=False),
    sa.Column('part', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['import_jobs.id'], ),
    sa.PrimaryKeyConstraint('job_id', 'part')
    )
    op.create_table('import_row_errors',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('job_id', sa.String(length=36), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('column_header', sa.String(length=200), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['import_jobs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('import_row_errors', schema=None) as batch_op:
        batch_op.create_index('ix_import_row_errors_job_row', ['job_id', 'row_number', 'id'], unique=False)

    op.create_table('paguyuban_activities',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('paguyuban_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('therapy_children', 'parenting', 'elderly_care', 'other')", name='ck_paguyuban_activities_kind'),
    sa.CheckConstraint('participants >= 0', name='ck_paguyuban_activities_participants'),
    sa.ForeignKeyConstraint(['paguyuban_id'], ['paguyuban.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('paguyuban_activities', schema=None) as batch_op:
        batch_op.create_index('ix_paguyuban_activities_held', ['paguyuban_id', 'held_on', 'id'], unique=False)

    op.create_table('paguyuban_members',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('paguyuban_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('relation', sa.String(length=60), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('cares_for', sa.JSON(), nullable=False),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['paguyuban_id'], ['paguyuban.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('paguyuban_members', schema=None) as batch_op:
        batch_op.create_index('ix_paguyuban_members_paguyuban_name', ['paguyuban_id', 'name', 'id'], unique=False)

    op.create_table('pokja_assessments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('pokja_id', sa.String(length=36), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('production', sa.SmallInteger(), nullable=False),
    sa.Column('administration', sa.SmallInteger(), nullable=False),
    sa.Column('finance', sa.SmallInteger(), nullable=False),
    sa.Column('marketing', sa.SmallInteger(), nullable=False),
    sa.Column('total', sa.SmallInteger(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('assessed_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('administration BETWEEN 1 AND 5', name='ck_pokja_assessments_administration'),
    sa.CheckConstraint('finance BETWEEN 1 AND 5', name='ck_pokja_assessments_finance'),
    sa.CheckConstraint('marketing BETWEEN 1 AND 5', name='ck_pokja_assessments_marketing'),
    sa.CheckConstraint('production BETWEEN 1 AND 5', name='ck_pokja_assessments_production'),
    sa.ForeignKeyConstraint(['pokja_id'], ['pokja.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pokja_assessments', schema=None) as batch_op:
        batch_op.create_index('ix_pokja_assessments_pokja_latest', ['pokja_id', 'assessed_on', 'recorded_at'], unique=False)

    op.create_table('pokja_memberships',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('pokja_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('ended_by', sa.String(length=64), nullable=True),
    sa.CheckConstraint("role IN ('ketua', 'sekretaris', 'bendahara', 'anggota')", name='ck_pokja_memberships_role'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ),
    sa.ForeignKeyConstraint(['pokja_id'], ['pokja.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pokja_memberships', schema=None) as batch_op:
        batch_op.create_index('ix_pokja_memberships_person_id', ['person_id'], unique=False)
        batch_op.create_index('ix_pokja_memberships_pokja_id', ['pokja_id', 'joined_on'], unique=False)
        batch_op.create_index('uq_pokja_memberships_active_ketua', ['pokja_id'], unique=True, sqlite_where=sa.text("role = 'ketua' AND left_on IS NULL"), postgresql_where=sa.text("role = 'ketua' AND left_on IS NULL"))
        batch_op.create_index('uq_pokja_memberships_active_person', ['pokja_id', 'person_id'], unique=True, sqlite_where=sa.text('left_on IS NULL'), postgresql_where=sa.text('left_on IS NULL'))



def downgrade() -> None:
    with op.batch_alter_table('pokja_memberships', schema=None) as batch_op:
        batch_op.drop_index('uq_pokja_memberships_active_person', sqlite_where=sa.text('left_on IS NULL'), postgresql_where=sa.text('left_on IS NULL'))
        batch_op.drop_index('uq_pokja_memberships_active_ketua', sqlite_where=sa.text("role = 'ketua' AND left_on IS NULL"), postgresql_where=sa.text("role = 'ketua' AND left_on IS NULL"))
        batch_op.drop_index('ix_pokja_memberships_pokja_id')
        batch_op.drop_index('ix_pokja_memberships_person_id')

    op.drop_table('pokja_memberships')
    with op.batch_alter_table('pokja_assessments', schema=None) as batch_op:
        batch_op.drop_index('ix_pokja_assessments_pokja_latest')

    op.drop_table('pokja_assessments')
    with op.batch_alter_table('paguyuban_members', schema=None) as batch_op:
        batch_op.drop_index('ix_paguyuban_members_paguyuban_name')

    op.drop_table('paguyuban_members')
    with op.batch_alter_table('paguyuban_activities', schema=None) as batch_op:
        batch_op.drop_index('ix_paguyuban_activities_held')

    op.drop_table('paguyuban_activities')
    with op.batch_alter_table('import_row_errors', schema=None) as batch_op:
        batch_op.drop_index('ix_import_row_errors_job_row')

    op.drop_table('import_row_errors')
    op.drop_table('import_files')
    with op.batch_alter_table('pokja', schema=None) as batch_op:
        batch_op.drop_index('ix_pokja_name_id')
        batch_op.drop_index('ix_pokja_kecamatan_code')
        batch_op.drop_index('ix_pokja_area_code')

    op.drop_table('pokja')
    op.drop_table('paguyuban')
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_import_jobs_status_created')
        batch_op.drop_index('ix_import_jobs_created')

    op.drop_table('import_jobs')
