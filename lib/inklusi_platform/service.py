"""The base every Inklusi service class derives from: tracing, its database and a health RPC."""
from kombu import Connection
from nameko.dependency_providers import Config
from sqlalchemy import text

from inklusi_platform.database import Database
from inklusi_platform.entrypoints import rpc
from inklusi_platform.tracing import Tracing


def check_database(uow) -> str:
    try:
        uow.session.execute(text("SELECT 1"))
        return "up"
    except Exception:
        return "down"


def check_broker(amqp_uri: str) -> str:
    try:
        with Connection(amqp_uri, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1)
        return "up"
    except Exception:
        return "down"


def health_report(service: str, uow, amqp_uri: str) -> dict:
    checks = {"database": check_database(uow), "broker": check_broker(amqp_uri)}
    status = "up" if all(value == "up" for value in checks.values()) else "down"
    return {"service": service, "status": status, "checks": checks}


class ServiceBase:
    name = None  # each service sets its own

    tracing = Tracing()
    db = Database()
    config = Config()

    @rpc
    def health(self) -> dict:
        return health_report(self.name, self.db, self.config["AMQP_URI"])
