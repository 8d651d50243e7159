"""funding: programmes, cases, members, history (append-only), documents and monitoring

Revision ID: 0002_funding
Revises: 0001
Create Date: 2026-11-29 19:40:18.861046
"""
import sqlalchemy as sa
from alembic import op


revision = '0002_funding'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('funding_monitoring_notices',
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('case_id', 'period', 'kind')
    )
    op.create_table('funding_programmes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('programme', sa.String(length=10), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('budget', sa.BigInteger(), nullable=False),
    sa.Column('uep_max_per_person', sa.BigInteger(), nullable=True),
    sa.Column('kube_max_per_group', sa.BigInteger(), nullable=True),
    sa.Column('kube_max_per_member', sa.BigInteger(), nullable=True),
    sa.Column('required_training_topic', sa.String(length=40), nullable=True),
    sa.Column('min_age', sa.Integer(), nullable=False),
    sa.Column('max_age', sa.Integer(), nullable=False),
    sa.Column('min_members', sa.Integer(), nullable=False),
    sa.Column('max_members', sa.Integer(), nullable=False),
    sa.Column('report_interval_days', sa.Integer(), nullable=False),
    sa.Column('reports_required', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.CheckConstraint("programme IN ('UEP', 'KUBE')", name='ck_funding_programmes_programme'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('programme', 'year', name='uq_funding_programmes_programme_year')
    )
    op.create_table('funding_cases',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('case_type', sa.String(length=10), nullable=False),
    sa.Column('programme_id', sa.String(length=36), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('state_before_hold', sa.String(length=20), nullable=True),
    sa.Column('hold_reasons', sa.JSON(), nullable=False),
    sa.Column('kecamatan_code', sa.String(length=13), nullable=False),
    sa.Column('group_name', sa.String(length=200), nullable=True),
    sa.Column('bank_account', sa.JSON(), nullable=True),
    sa.Column('business_plan', sa.JSON(), nullable=True),
    sa.Column('eligibility_override', sa.JSON(), nullable=True),
    sa.Column('approved_amount', sa.BigInteger(), nullable=True),
    sa.Column('disbursed_amount', sa.BigInteger(), nullable=True),
    sa.Column('disbursed_on', sa.Date(), nullable=True),
    sa.Column('submitted_by', sa.String(length=64), nullable=True),
    sa.Column('verified_by', sa.String(length=64), nullable=True),
    sa.Column('recommended_by', sa.String(length=64), nullable=True),
    sa.Column('approved_by', sa.String(length=64), nullable=True),
    sa.Column('state_entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.CheckConstraint("case_type IN ('UEP', 'KUBE')", name='ck_funding_cases_case_type'),
    sa.CheckConstraint("state IN ('draft', 'submitted', 'verified', 'recommended', 'approved', 'rejected', 'disbursed', 'monitoring', 'closed', 'withdrawn', 'on_hold')", name='ck_funding_cases_state'),
    sa.ForeignKeyConstraint(['programme_id'], ['funding_programmes.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('funding_cases', schema=None) as batch_op:
        batch_op.create_index('ix_funding_cases_created_id', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_funding_cases_kecamatan_code', ['kecamatan_code'], unique=False)
        batch_op.create_index('ix_funding_cases_state', ['state'], unique=False)

    op.create_table('funding_case_documents',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('doc_type', sa.String(length=20), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("doc_type IN ('business_plan', 'ktp', 'kk', 'bank_book', 'photo')", name='ck_funding_case_documents_doc_type'),
    sa.ForeignKeyConstraint(['case_id'], ['funding_cases.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('funding_case_documents', schema=None) as batch_op:
        batch_op.create_index('ix_funding_case_documents_case', ['case_id', 'uploaded_at'], unique=False)

    op.create_table('funding_case_members',
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.CheckConstraint("role IN ('ketua', 'sekretaris', 'bendahara', 'anggota', 'pemohon')", name='ck_funding_case_members_role'),
    sa.ForeignKeyConstraint(['case_id'], ['funding_cases.id'], ),
    sa.PrimaryKeyConstraint('case_id', 'position')
    )
    with op.batch_alter_table('funding_case_members', schema=None) as batch_op:
        batch_op.create_index('ix_funding_case_members_person_id', ['person_id'], unique=False)

    op.create_table('funding_case_transitions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=True),
    sa.Column('to_state', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('actor_org', sa.String(length=64), nullable=True),
    sa.Column('correlation_id', sa.String(length=128), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['funding_cases.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('funding_case_transitions', schema=None) as batch_op:
        batch_op.create_index('ix_funding_case_transitions_case', ['case_id', 'id'], unique=False)

    op.create_table('funding_monitoring_reports',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('business_running', sa.Boolean(), nullable=False),
    sa.Column('revenue', sa.BigInteger(), nullable=False),
    sa.Column('people_employed', sa.Integer(), nullable=False),
    sa.Column('photos', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('submitted_by', sa.String(length=64), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['funding_cases.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'period', name='uq_funding_monitoring_reports_period')
    )

    append_only_history()


def append_only_history() -> None:
    """A case's history is never changed: the database itself refuses UPDATE and DELETE on it."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION funding_case_transitions_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'funding_case_transitions is append-only'; END; $$ LANGUAGE plpgsql""")
        op.execute("""
            CREATE TRIGGER funding_case_transitions_append_only BEFORE UPDATE OR DELETE ON funding_case_transitions
            FOR EACH ROW EXECUTE FUNCTION funding_case_transitions_append_only()""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER funding_case_transitions_append_only ON funding_case_transitions")
        op.execute("DROP FUNCTION funding_case_transitions_append_only()")
    op.drop_table('funding_monitoring_reports')
    with op.batch_alter_table('funding_case_transitions', schema=None) as batch_op:
        batch_op.drop_index('ix_funding_case_transitions_case')

    op.drop_table('funding_case_transitions')
    with op.batch_alter_table('funding_case_members', schema=None) as batch_op:
        batch_op.drop_index('ix_funding_case_members_person_id')

    op.drop_table('funding_case_members')
    with op.batch_alter_table('funding_case_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_funding_case_documents_case')

    op.drop_table('funding_case_documents')
    with op.batch_alter_table('funding_cases', schema=None) as batch_op:
        batch_op.drop_index('ix_funding_cases_state')
        batch_op.drop_index('ix_funding_cases_kecamatan_code')
        batch_op.drop_index('ix_funding_cases_created_id')

    op.drop_table('funding_cases')
    op.drop_table('funding_programmes')
    op.drop_table('funding_monitoring_notices')
