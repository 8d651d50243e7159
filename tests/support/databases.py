"""Test databases: made fresh once per run, emptied between tests."""
import os

import sqlalchemy as sa

from inklusi_platform import migrations

# Parallel checkouts on one server each set their own prefix, so their runs never drop each other's data.
PREFIX = os.environ.get("TEST_DB_PREFIX", "inklusi_test")


def database_name(name: str) -> str:
    return f"{PREFIX}_{name}"


def reset_database(server_url: str, name: str, package: str | None) -> str:
    admin = sa.create_engine(f"{server_url}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = f"{server_url}/{name}"
    if package is not None:
        migrations.upgrade(package, url)
    return url


def truncate_all(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        names = [
            name for name in sa.inspect(connection).get_table_names() if name != "alembic_version"
        ]
        if names:
            # Tests start from empty tables; the audit log's guard against TRUNCATE is for production,
            # and a superuser's replica mode is the deliberate way past it.
            connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
            connection.execute(sa.text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE"))
    engine.dispose()
