"""The relay's batch query walks the unsent-events index in order, even before the table is analysed
(an import's COPY leaves 300,000 events and no statistics; rows here are of a real event's size)."""
import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from inklusi_platform import tables
from inklusi_platform.outbox import unsent
from tests.support.databases import database_name, reset_database

pytestmark = pytest.mark.integration


def test_a_batch_after_a_bulk_load_reads_the_index_not_every_unsent_row(postgres_url):
    url = reset_database(postgres_url, database_name("outbox_plan"), None)
    engine = sa.create_engine(url)
    try:
        tables.metadata.create_all(engine)
        with engine.begin() as connection:  # as an import's COPY leaves it: many rows, never analysed
            connection.execute(sa.text(
                "INSERT INTO outbox (event_id, event_type, routing_key, body, created_at) "
                "SELECT gen_random_uuid()::text, 'registry.person_registered', 'person_registered', "
                "repeat('x', 400), now() "
                "FROM generate_series(1, 100000)"))
        with engine.connect() as connection:
            query = unsent(100).compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
            plan = "\n".join(connection.execute(sa.text(f"EXPLAIN {query}")).scalars())
        assert "Index Scan using ix_outbox_unpublished" in plan, plan
        assert "Sort" not in plan, plan
    finally:
        engine.dispose()
