"""Alembic, driven from code: each service keeps its revisions in `<package>/migrations`."""
from alembic import command, context
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import make_url

from inklusi_platform import tables
from inklusi_platform.engines import make_engine


def alembic_config(package: str, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", f"{package}:migrations")
    config.attributes["url"] = url  # not set_main_option: configparser would choke on '%' in passwords
    return config


def upgrade(package: str, url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(package, url), revision)


# Tables the runtime role may only read and append to: not even a compromised service can rewrite them.
APPEND_ONLY = ("audit_entries",)


def runtime_role(owner_url: str, runtime_url: str) -> str | None:
    """The role a service runs as, when it is not the owner that migrates (PostgreSQL only)."""
    owner, runtime = make_url(owner_url), make_url(runtime_url)
    if owner.get_backend_name() != "postgresql" or not runtime.username or runtime.username == owner.username:
        return None
    return runtime.username


def grant_runtime(owner_url: str, role: str) -> None:
    """What the runtime role needs and nothing more: rows of the service's tables, never their schema.

    It owns no table, so it cannot ALTER, DROP, TRUNCATE or disable a trigger; on append-only tables it
    may only SELECT and INSERT. Run after every upgrade, so new tables are granted too.
    """
    engine = make_engine(owner_url)
    with engine.begin() as connection:
        quoted = connection.dialect.identifier_preparer.quote(role)
        connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {quoted}"))
        connection.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {quoted}"))
        connection.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}"))
        connection.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}"))
        existing = set(connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
        for table in APPEND_ONLY:
            if table in existing:
                connection.execute(text(f"REVOKE UPDATE, DELETE ON {table} FROM {quoted}"))
    engine.dispose()


def make_revision(package: str, url: str, message: str) -> None:
    config = alembic_config(package, url)
    command.upgrade(config, "head")
    command.revision(config, message=message, autogenerate=True)


def _include(obj, name, type_, reflected, compare_to):
    # The platform's tables are created by tables.create_v1() in each service's first revision.
    return not (type_ == "table" and name in tables.metadata.tables)


def run_env(target_metadata) -> None:
    """The body of every service's migrations/env.py."""
    url = context.config.attributes["url"]
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            include_object=_include,
            render_as_batch=url.startswith("sqlite"),  # SQLite alters tables by copying them
            compare_type=True,
        )
        with context.begin_transaction():
            if url.startswith("postgresql"):
                # Replicas started together must not migrate together; the second finds nothing to do.
                connection.execute(text("SELECT pg_advisory_xact_lock(727274)"))
            context.run_migrations()
    engine.dispose()
