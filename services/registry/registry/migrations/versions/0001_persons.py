"""persons, consents, history, duplicate flags

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 13:39:07.392699
"""
from alembic import op

from inklusi_platform import tables
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    tables.create_v1(op)
    op.create_table('persons',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('nik', sa.String(length=16), nullable=False),
    sa.Column('kk', sa.String(length=16), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('sex', sa.String(length=1), nullable=False),
    sa.Column('desa_code', sa.String(length=13), nullable=False),
    sa.Column('kecamatan_code', sa.String(length=13), nullable=False),
    sa.Column('nik_region_code', sa.String(length=13), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('functional_limitations', sa.JSON(), nullable=False),
    sa.Column('assistive_devices', sa.JSON(), nullable=False),
    sa.Column('diagnosis', sa.Text(), nullable=True),
    sa.Column('guardian_name', sa.String(length=200), nullable=True),
    sa.Column('guardian_relation', sa.String(length=60), nullable=True),
    sa.Column('guardian_phone', sa.String(length=20), nullable=True),
    sa.Column('channels', sa.JSON(), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('format', sa.String(length=20), nullable=False),
    sa.Column('copy_guardian', sa.Boolean(), nullable=False),
    sa.Column('business_sector', sa.String(length=120), nullable=True),
    sa.Column('business_status', sa.String(length=60), nullable=True),
    sa.Column('business_started_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('merged_into', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.CheckConstraint("format IN ('plain_text', 'easy_read', 'large_print')", name='ck_persons_format'),
    sa.CheckConstraint("sex IN ('L', 'P')", name='ck_persons_sex'),
    sa.CheckConstraint("status IN ('active', 'moved_away', 'deceased', 'merged')", name='ck_persons_status'),
    sa.ForeignKeyConstraint(['merged_into'], ['persons.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('nik')
    )
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.create_index('ix_persons_birth_date', ['birth_date'], unique=False)
        batch_op.create_index('ix_persons_desa_code', ['desa_code'], unique=False)
        batch_op.create_index('ix_persons_kecamatan_code', ['kecamatan_code'], unique=False)
        batch_op.create_index('ix_persons_name_id', ['name', 'id'], unique=False)
        batch_op.create_index('ix_persons_status', ['status'], unique=False)

    op.create_table('consents',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('purpose', sa.String(length=30), nullable=False),
    sa.Column('given_by', sa.String(length=10), nullable=False),
    sa.Column('form', sa.String(length=20), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_by_org', sa.String(length=64), nullable=True),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('withdrawn_by', sa.String(length=64), nullable=True),
    sa.Column('withdrawn_by_org', sa.String(length=64), nullable=True),
    sa.Column('withdrawal_reason', sa.String(length=300), nullable=True),
    sa.CheckConstraint("form IN ('read_aloud', 'sign_language', 'easy_read', 'written')", name='ck_consents_form'),
    sa.CheckConstraint("given_by IN ('self', 'guardian')", name='ck_consents_given_by'),
    sa.CheckConstraint("purpose IN ('pendataan', 'komunikasi', 'pelatihan', 'bantuan_usaha', 'berbagi_data_mitra')", name='ck_consents_purpose'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index('ix_consents_person_id', ['person_id'], unique=False)

    op.create_table('duplicate_flags',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('candidate_id', sa.String(length=36), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(length=64), nullable=True),
    sa.CheckConstraint("status IN ('open', 'dismissed', 'merged')", name='ck_duplicate_flags_status'),
    sa.ForeignKeyConstraint(['candidate_id'], ['persons.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('person_id', 'candidate_id', name='uq_duplicate_flags_pair')
    )
    with op.batch_alter_table('duplicate_flags', schema=None) as batch_op:
        batch_op.create_index('ix_duplicate_flags_candidate_id', ['candidate_id'], unique=False)
        batch_op.create_index('ix_duplicate_flags_status_created', ['status', 'created_at', 'id'], unique=False)

    op.create_table('person_changes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_user_id', sa.String(length=64), nullable=True),
    sa.Column('actor_org_id', sa.String(length=64), nullable=True),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.CheckConstraint("action IN ('created', 'updated', 'moved', 'deceased', 'merged', 'consent_recorded', 'consent_withdrawn')", name='ck_person_changes_action'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('person_changes', schema=None) as batch_op:
        batch_op.create_index('ix_person_changes_person_id_id', ['person_id', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('person_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_person_changes_person_id_id')

    op.drop_table('person_changes')
    with op.batch_alter_table('duplicate_flags', schema=None) as batch_op:
        batch_op.drop_index('ix_duplicate_flags_status_created')
        batch_op.drop_index('ix_duplicate_flags_candidate_id')

    op.drop_table('duplicate_flags')
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index('ix_consents_person_id')

    op.drop_table('consents')
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index('ix_persons_status')
        batch_op.drop_index('ix_persons_name_id')
        batch_op.drop_index('ix_persons_kecamatan_code')
        batch_op.drop_index('ix_persons_desa_code')
        batch_op.drop_index('ix_persons_birth_date')

    op.drop_table('persons')
    tables.drop_v1(op)
