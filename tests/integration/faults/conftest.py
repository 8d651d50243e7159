"""Fault tests: the suite's processes with a dependency cut (TCP proxy) or killed, on the real broker and PostgreSQL."""
import pytest
from sqlalchemy.engine import make_url

from tests.integration.suite.conftest import registry_service  # noqa: F401  (the same registry fixture)
from tests.support.tcp_proxy import TcpProxy


@pytest.fixture
def database_proxy(postgres_url):
    """A proxy in front of the test PostgreSQL: `stop()` refuses connections and cuts open ones."""
    server = make_url(postgres_url)
    proxy = TcpProxy(server.host or "127.0.0.1", server.port or 5432).start()
    yield proxy
    proxy.stop()
