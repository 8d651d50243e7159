import pytest
import sqlalchemy as sa
from kombu import Connection, Queue
from nameko.standalone.rpc import ServiceRpcProxy

from inklusi_platform import tables
from inklusi_platform.publishing import events_exchange
from tests.integration.platform.services import Base, Switches
from tests.support.databases import database_name, reset_database

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def platform_databases(postgres_url):
    urls = {}
    for name in ("ledger", "tally"):
        url = reset_database(postgres_url, database_name(name), None)
        engine = sa.create_engine(url)
        tables.metadata.create_all(engine)
        Base.metadata.create_all(engine)
        engine.dispose()
        urls[name] = url
    return urls


@pytest.fixture
def databases(platform_databases):
    from tests.support.databases import truncate_all

    for url in platform_databases.values():
        truncate_all(url)
    Switches.accept_negative = False
    return platform_databases


@pytest.fixture
def query(databases):
    engines = {name: sa.create_engine(url) for name, url in databases.items()}

    def run(service: str, statement: str):
        with engines[service].connect() as connection:
            return connection.execute(sa.text(statement)).all()

    yield run
    for engine in engines.values():
        engine.dispose()


@pytest.fixture
def event_tap(rabbit_config):
    """A queue bound to ledger.events, to read what was published."""
    connection = Connection(rabbit_config["AMQP_URI"])
    channel = connection.channel()
    queue = Queue("test-tap", exchange=events_exchange("ledger"), routing_key="#", durable=False)(channel)
    queue.declare()

    def get_all():
        messages = []
        while (message := queue.get(no_ack=True)) is not None:
            messages.append(message)
        return messages

    yield get_all
    connection.release()


@pytest.fixture
def ledger_rpc(rabbit_config):
    def make(correlation_id=None):
        context = {"correlation_id": correlation_id} if correlation_id else None
        return ServiceRpcProxy("ledger", {"AMQP_URI": rabbit_config["AMQP_URI"]}, context_data=context)

    return make
