"""The platform's own tables, present in every service's database: the outbox and the inbox."""
import sqlalchemy as sa

metadata = sa.MetaData()

# Integration-event log: written in the same transaction as the service's data, published by the relay.
outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(36), nullable=False, unique=True),
    sa.Column("event_type", sa.String(120), nullable=False),
    sa.Column("routing_key", sa.String(120), nullable=False),
    sa.Column("body", sa.Text(), nullable=False),
    sa.Column("correlation_id", sa.String(64)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("published_at", sa.DateTime(timezone=True)),
    sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text()),
    sa.Index("ix_outbox_unpublished", "published_at", "id"),
)

# Idempotency record: one row per event a consumer has handled, committed with the handler's effects.
processed_events = sa.Table(
    "processed_events",
    metadata,
    sa.Column("consumer", sa.String(200), primary_key=True),
    sa.Column("event_id", sa.String(36), primary_key=True),
    sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
)

# The first outcome of a write sent with an Idempotency-Key, committed with the write (see idempotency.py).
# `result` is empty only inside the claiming transaction, so no one ever reads it empty.
idempotent_results = sa.Table(
    "idempotent_results",
    metadata,
    sa.Column("key", sa.String(300), primary_key=True),
    sa.Column("method", sa.String(120), primary_key=True),
    sa.Column("result", sa.Text()),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
)


def create_v1(op) -> None:
    """Create the platform tables as of version 1; called from each service's first Alembic revision.

    Spelled out rather than derived from the Table objects above, so that this revision stays what
    it was when those tables change (a later change gets a revision of its own).
    """
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("event_type", sa.String(120), nullable=False),
        sa.Column("routing_key", sa.String(120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("correlation_id", sa.String(64)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text()),
    )
    op.create_index("ix_outbox_unpublished", "outbox", ["published_at", "id"])
    op.create_table(
        "processed_events",
        sa.Column("consumer", sa.String(200), primary_key=True),
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
    )


def drop_v1(op) -> None:
    op.drop_index("ix_outbox_unpublished", table_name="outbox")
    op.drop_table("processed_events")
    op.drop_table("outbox")


def create_idempotent_results(op) -> None:
    """Version 2 of the platform tables; a service adds it in a revision of its own."""
    op.create_table(
        "idempotent_results",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("method", sa.String(120), primary_key=True),
        sa.Column("result", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_idempotent_results_created_at", "idempotent_results", ["created_at"])


def drop_idempotent_results(op) -> None:
    op.drop_index("ix_idempotent_results_created_at", table_name="idempotent_results")
    op.drop_table("idempotent_results")
