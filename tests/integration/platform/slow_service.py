"""A minimal platform service with a slow RPC, run as its own process by the graceful-shutdown test:
`python -m tests.integration.platform.slow_service` (configuration from the environment)."""
# isort: off
import inklusi_platform.green  # noqa: F401  (first: monkey-patches before socket is imported)
# isort: on
import eventlet

from inklusi_platform.config import service_config
from inklusi_platform.database import Database
from inklusi_platform.entrypoints import rpc
from inklusi_platform.logs import configure_logging
from inklusi_platform.service import ServiceBase
from inklusi_platform.shutdown import serve


class SlowService(ServiceBase):
    name = "slowpoke"
    db = Database(relay=False)

    @rpc
    def take_time(self, seconds: float) -> str:
        eventlet.sleep(seconds)
        return "selesai"


if __name__ == "__main__":
    config = service_config(SlowService.name)
    configure_logging(SlowService.name, config["LOG_LEVEL"])
    serve(SlowService, config)
