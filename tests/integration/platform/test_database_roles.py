"""The audit log cannot be emptied, not even by the gateway's own database account (issue 8 item 5).

Migrations run as the owner role; the service runs as a role that owns nothing and holds only row
rights: SELECT and INSERT on the audit log. A statement trigger refuses TRUNCATE even to the owner.
"""
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from inklusi_platform import migrations
from tests.support.databases import database_name

pytestmark = pytest.mark.integration


@pytest.fixture
def owned_database(postgres_url):
    """A gateway database owned by `<prefix>_owner`, and the name of a runtime role `<prefix>_app`."""
    name = database_name("roles")
    owner, runtime = f"{name}_owner", f"{name}_app"
    admin = sa.create_engine(f"{postgres_url}/postgres", isolation_level="AUTOCOMMIT")

    def drop(connection):
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        for role in (owner, runtime):
            connection.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))

    with admin.connect() as connection:
        drop(connection)
        connection.execute(sa.text(f'CREATE ROLE "{owner}" LOGIN'))
        connection.execute(sa.text(f'CREATE ROLE "{runtime}" LOGIN'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}" OWNER "{owner}"'))
    base = make_url(f"{postgres_url}/{name}")
    yield (base.set(username=owner).render_as_string(hide_password=False),
           base.set(username=runtime).render_as_string(hide_password=False))
    with admin.connect() as connection:
        drop(connection)
    admin.dispose()


def _refused(engine, statement: str) -> bool:
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(statement))
    except sa.exc.DBAPIError:
        return True
    return False


def test_the_runtime_role_can_append_and_read_the_audit_log_but_never_rewrite_or_empty_it(owned_database):
    owner_url, runtime_url = owned_database
    migrations.upgrade("gateway", owner_url)
    role = migrations.runtime_role(owner_url, runtime_url)
    assert role == make_url(runtime_url).username
    migrations.grant_runtime(owner_url, role)

    runtime = sa.create_engine(runtime_url)
    owner = sa.create_engine(owner_url)
    try:
        with runtime.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO audit_entries (at, action, resource, outcome) VALUES (:at, 'read', 'person', 'success')"),
                {"at": datetime.now(UTC)})
            assert connection.execute(sa.text("SELECT count(*) FROM audit_entries")).scalar() == 1
            # Its ordinary tables it may change.
            connection.execute(sa.text("INSERT INTO organisations (id, name, kind, created_at) "
                                       "VALUES ('x', 'X', 'ngo', now())"))
            connection.execute(sa.text("DELETE FROM organisations WHERE id = 'x'"))
        for statement in ("UPDATE audit_entries SET outcome = 'failed'", "DELETE FROM audit_entries",
                          "TRUNCATE audit_entries", "ALTER TABLE audit_entries DISABLE TRIGGER USER",
                          "DROP TABLE audit_entries", "CREATE TABLE intruder (id int)"):
            assert _refused(runtime, statement), statement
        # Even the owner, who migrates, cannot empty it with one statement.
        assert _refused(owner, "TRUNCATE audit_entries")
        with owner.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM audit_entries")).scalar() == 1
    finally:
        runtime.dispose()
        owner.dispose()


def test_one_role_for_both_needs_no_grants():
    assert migrations.runtime_role("postgresql://app@db/x", "postgresql://app@db/x") is None
    assert migrations.runtime_role("sqlite:///a.db", "sqlite:///a.db") is None
