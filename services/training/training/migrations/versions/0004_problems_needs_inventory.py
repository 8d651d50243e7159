"""needs inventory: problems, raisers, changes, comments, links and advocacy actions

Revision ID: 0004_problems
Revises: 0003_idempotent_results
Create Date: 2026-11-29 20:40:03.014167
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_problems'
down_revision = '0003_idempotent_results'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('advocacy_actions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('counterpart_org', sa.String(length=120), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('area_code', sa.String(length=13), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.CheckConstraint("kind IN ('audiensi', 'surat_kebijakan', 'dengar_pendapat', 'lainnya')", name='ck_advocacy_actions_kind'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('advocacy_actions', schema=None) as batch_op:
        batch_op.create_index('ix_advocacy_actions_held_id', ['held_on', 'id'], unique=False)

    op.create_table('problems',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('field', sa.String(length=20), nullable=False),
    sa.Column('area_code', sa.String(length=13), nullable=True),
    sa.Column('people_affected', sa.Integer(), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reject_reason', sa.String(length=500), nullable=True),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('programmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('merged_into_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.CheckConstraint("field IN ('pemberdayaan', 'advokasi', 'pendidikan', 'penyadaran', 'layanan')", name='ck_problems_field'),
    sa.CheckConstraint("severity IN ('ringan', 'sedang', 'berat')", name='ck_problems_severity'),
    sa.CheckConstraint("status <> 'ditolak' OR reject_reason IS NOT NULL", name='ck_problems_reject_reason'),
    sa.CheckConstraint("status IN ('baru', 'dikaji', 'diprogramkan', 'selesai', 'ditolak')", name='ck_problems_status'),
    sa.CheckConstraint('people_affected >= 0', name='ck_problems_people_affected'),
    sa.ForeignKeyConstraint(['merged_into_id'], ['problems.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('problems', schema=None) as batch_op:
        batch_op.create_index('ix_problems_area_code', ['area_code'], unique=False)
        batch_op.create_index('ix_problems_created_id', ['created_at', 'id'], unique=False)

    op.create_table('problem_changes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('problem_id', sa.String(length=36), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['problem_id'], ['problems.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('problem_changes', schema=None) as batch_op:
        batch_op.create_index('ix_problem_changes_problem_at', ['problem_id', 'at'], unique=False)

    op.create_table('problem_comments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('problem_id', sa.String(length=36), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=64), nullable=False),
    sa.Column('author_org', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['problem_id'], ['problems.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('problem_comments', schema=None) as batch_op:
        batch_op.create_index('ix_problem_comments_problem_at', ['problem_id', 'created_at'], unique=False)

    op.create_table('problem_links',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('problem_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.CheckConstraint("kind IN ('programme', 'training', 'advocacy_action')", name='ck_problem_links_kind'),
    sa.ForeignKeyConstraint(['problem_id'], ['problems.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('problem_id', 'kind', 'target_id', name='uq_problem_links_target')
    )
    with op.batch_alter_table('problem_links', schema=None) as batch_op:
        batch_op.create_index('ix_problem_links_target', ['kind', 'target_id'], unique=False)

    op.create_table('problem_raisers',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('problem_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('ref_id', sa.String(length=36), nullable=True),
    sa.Column('organisation', sa.String(length=120), nullable=True),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('added_by', sa.String(length=64), nullable=False),
    sa.CheckConstraint("kind IN ('pokja', 'paguyuban', 'organisasi', 'person')", name='ck_problem_raisers_kind'),
    sa.ForeignKeyConstraint(['problem_id'], ['problems.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('problem_raisers', schema=None) as batch_op:
        batch_op.create_index('ix_problem_raisers_problem_id', ['problem_id'], unique=False)
        batch_op.create_index('ix_problem_raisers_ref_id', ['ref_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('problem_raisers', schema=None) as batch_op:
        batch_op.drop_index('ix_problem_raisers_ref_id')
        batch_op.drop_index('ix_problem_raisers_problem_id')

    op.drop_table('problem_raisers')
    with op.batch_alter_table('problem_links', schema=None) as batch_op:
        batch_op.drop_index('ix_problem_links_target')

    op.drop_table('problem_links')
    with op.batch_alter_table('problem_comments', schema=None) as batch_op:
        batch_op.drop_index('ix_problem_comments_problem_at')

    op.drop_table('problem_comments')
    with op.batch_alter_table('problem_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_problem_changes_problem_at')

    op.drop_table('problem_changes')
    with op.batch_alter_table('problems', schema=None) as batch_op:
        batch_op.drop_index('ix_problems_created_id')
        batch_op.drop_index('ix_problems_area_code')

    op.drop_table('problems')
    with op.batch_alter_table('advocacy_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_advocacy_actions_held_id')

    op.drop_table('advocacy_actions')
