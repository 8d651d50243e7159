"""training domain: programmes, venues, trainers, trainings, sessions, enrolments, attendance, arrangements

Revision ID: 0002_training
Revises: 0001
Create Date: 2026-11-29 19:38:36.594447
"""
from alembic import op
import sqlalchemy as sa


revision = '0002_training'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('programmes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('topic', sa.String(length=30), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('organiser_org', sa.String(length=120), nullable=False),
    sa.Column('audience', sa.String(length=30), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.CheckConstraint("audience IN ('anggota_pokja', 'paguyuban', 'terbuka_wilayah')", name='ck_programmes_audience'),
    sa.CheckConstraint("topic IN ('kewirausahaan', 'paralegal', 'advokasi', 'keuangan', 'administrasi', 'pemasaran', 'lainnya')", name='ck_programmes_topic'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.create_index('ix_programmes_title_id', ['title', 'id'], unique=False)

    op.create_table('trainers',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=120), nullable=False),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('trainers', schema=None) as batch_op:
        batch_op.create_index('ix_trainers_name_id', ['name', 'id'], unique=False)

    op.create_table('venues',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('desa_code', sa.String(length=13), nullable=False),
    sa.Column('features', sa.JSON(), nullable=False),
    sa.Column('accessibility_notes', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.create_index('ix_venues_desa_code', ['desa_code'], unique=False)
        batch_op.create_index('ix_venues_name_id', ['name', 'id'], unique=False)

    op.create_table('trainings',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('area_code', sa.String(length=13), nullable=False),
    sa.Column('pokja_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('trainings', schema=None) as batch_op:
        batch_op.create_index('ix_trainings_area_code', ['area_code'], unique=False)
        batch_op.create_index('ix_trainings_created_id', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_trainings_pokja_id', ['pokja_id'], unique=False)

    op.create_table('enrolments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('training_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('needs', sa.JSON(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.String(length=30), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.CheckConstraint("cancel_reason IN ('requested', 'person_deceased', 'consent_withdrawn', 'person_merged', 'session_cancelled')", name='ck_enrolments_cancel_reason'),
    sa.CheckConstraint("status IN ('confirmed', 'waitlisted', 'cancelled')", name='ck_enrolments_status'),
    sa.ForeignKeyConstraint(['training_id'], ['trainings.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.create_index('ix_enrolments_person_id', ['person_id'], unique=False)
        batch_op.create_index('ix_enrolments_training_status', ['training_id', 'status', 'requested_at', 'id'], unique=False)
        batch_op.create_index('uq_enrolments_open_person', ['training_id', 'person_id'], unique=True, sqlite_where=sa.text("status <> 'cancelled'"), postgresql_where=sa.text("status <> 'cancelled'"))

    op.create_table('sessions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('training_id', sa.String(length=36), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('venue_id', sa.String(length=36), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('change_reason', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('scheduled', 'confirmed', 'cancelled')", name='ck_sessions_status'),
    sa.CheckConstraint('capacity > 0', name='ck_sessions_capacity'),
    sa.CheckConstraint('ends_at > starts_at', name='ck_sessions_order'),
    sa.ForeignKeyConstraint(['training_id'], ['trainings.id'], ),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.create_index('ix_sessions_training_starts', ['training_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_sessions_venue_starts', ['venue_id', 'starts_at'], unique=False)

    op.create_table('arrangements',
    sa.Column('session_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.CheckConstraint("kind IN ('sign_language_interpreter', 'braille_or_large_print', 'easy_read', 'companion_seat', 'step_free_access')", name='ck_arrangements_kind'),
    sa.CheckConstraint("status <> 'waived' OR reason IS NOT NULL", name='ck_arrangements_waiver_reason'),
    sa.CheckConstraint("status IN ('arranged', 'waived')", name='ck_arrangements_status'),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ),
    sa.PrimaryKeyConstraint('session_id', 'kind')
    )
    op.create_table('attendance',
    sa.Column('session_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ),
    sa.PrimaryKeyConstraint('session_id', 'person_id')
    )
    op.create_table('session_trainers',
    sa.Column('session_id', sa.String(length=36), nullable=False),
    sa.Column('trainer_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ),
    sa.ForeignKeyConstraint(['trainer_id'], ['trainers.id'], ),
    sa.PrimaryKeyConstraint('session_id', 'trainer_id')
    )
    with op.batch_alter_table('session_trainers', schema=None) as batch_op:
        batch_op.create_index('ix_session_trainers_trainer_id', ['trainer_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('session_trainers', schema=None) as batch_op:
        batch_op.drop_index('ix_session_trainers_trainer_id')

    op.drop_table('session_trainers')
    op.drop_table('attendance')
    op.drop_table('arrangements')
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_sessions_venue_starts')
        batch_op.drop_index('ix_sessions_training_starts')

    op.drop_table('sessions')
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_index('uq_enrolments_open_person', sqlite_where=sa.text("status <> 'cancelled'"), postgresql_where=sa.text("status <> 'cancelled'"))
        batch_op.drop_index('ix_enrolments_training_status')
        batch_op.drop_index('ix_enrolments_person_id')

    op.drop_table('enrolments')
    with op.batch_alter_table('trainings', schema=None) as batch_op:
        batch_op.drop_index('ix_trainings_pokja_id')
        batch_op.drop_index('ix_trainings_created_id')
        batch_op.drop_index('ix_trainings_area_code')

    op.drop_table('trainings')
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.drop_index('ix_venues_name_id')
        batch_op.drop_index('ix_venues_desa_code')

    op.drop_table('venues')
    with op.batch_alter_table('trainers', schema=None) as batch_op:
        batch_op.drop_index('ix_trainers_name_id')

    op.drop_table('trainers')
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.drop_index('ix_programmes_title_id')

    op.drop_table('programmes')
