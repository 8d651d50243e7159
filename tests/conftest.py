"""Root of the test suite. The monkey patch must happen before anything else imports socket."""
# isort: off
import inklusi_platform.green  # noqa: F401  (first: monkey-patches before socket is imported)
# isort: on
import os

import pytest
import sqlalchemy as sa

from inklusi_platform.config import service_config
from inklusi_platform.engines import make_engine
from tests.support.databases import database_name, reset_database, truncate_all
from tests.support.web import WebSession, free_port

pytest_plugins = ["tests.support.gateway_fixtures"]

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
# One set of field keys for the test process and every service or command it starts.
os.environ.setdefault("FIELD_KEYS", "test1:" + "dGVzdC1maWVsZC1rZXktMzItYnl0ZXMtbG9uZyEhISE")
os.environ.setdefault("BLIND_INDEX_KEY", "dGVzdC1ibGluZC1pbmRleC1rZXktMzItYnl0ZXMtbG9uZw")
# A routed suite runs six processes' worth of pools against one server (max_connections 100, shared
# with whatever else runs there): a few idle connections each, more only while busy.
os.environ.setdefault("DB_POOL_SIZE", "2")
os.environ.setdefault("DB_MAX_OVERFLOW", "6")
os.environ.setdefault("DB_READ_POOL_SIZE", "2")


@pytest.fixture(scope="session")
def postgres_url():
    """Base URL of the test PostgreSQL server (no database part)."""
    return POSTGRES_URL


@pytest.fixture(scope="session")
def migrated_databases(postgres_url):
    """service name -> URL of a fresh PostgreSQL database migrated to head, made once per run."""
    made = {}

    def get(package: str) -> str:
        if package not in made:
            made[package] = reset_database(postgres_url, database_name(package), package)
        return made[package]

    return get


@pytest.fixture
def pg_database(migrated_databases):
    """A factory: `pg_database("notify")` gives that service's test database, emptied for this test."""

    def get(package: str) -> str:
        url = migrated_databases(package)
        truncate_all(url)
        return url

    return get


@pytest.fixture
def make_config(rabbit_config):
    """nameko config for a service under test: a fresh vhost, its PostgreSQL database, fast retries."""

    def make(service: str, database_url: str, **overrides) -> dict:
        config = service_config(service, env={})
        config.update(
            AMQP_URI=rabbit_config["AMQP_URI"],
            DATABASE_URL=database_url,
            EVENT_RETRY_DELAY_MS=100,
            OUTBOX_POLL_SECONDS=0.2,
            OUTBOX_MAX_BACKOFF_SECONDS=0.5,
        )
        config.update(overrides)
        return config

    return make


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def engine_for():
    engines = []

    def make(url: str) -> sa.Engine:
        engine = make_engine(url)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()


@pytest.fixture
def web_address():
    return f"127.0.0.1:{free_port()}"


@pytest.fixture
def web_session(web_address):
    with WebSession(f"http://{web_address}") as session:
        yield session
