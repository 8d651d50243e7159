"""Alembic, driven from code: each service keeps its revisions in `<package>/migrations`."""
from alembic import command, context
from alembic.config import Config
from sqlalchemy import text

from inklusi_platform import tables
from inklusi_platform.engines import make_engine


def alembic_config(package: str, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", f"{package}:migrations")
    config.attributes["url"] = url  # not set_main_option: configparser would choke on '%' in passwords
    return config


def upgrade(package: str, url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(package, url), revision)


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
