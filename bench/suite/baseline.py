"""The bare baseline: a nameko service with one trivial `@http` entrypoint, run as a process of its own.

    python -m bench.suite.baseline 127.0.0.1:PORT

What every gateway path is compared with: the same nameko, eventlet and werkzeug, doing nothing.
"""
import eventlet

eventlet.monkey_patch()

import os  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402

from nameko.runners import ServiceRunner  # noqa: E402
from nameko.web.handlers import http  # noqa: E402

PATH = "/ping"


class BareService:
    name = "bench_baseline"

    @http("GET", PATH)
    def ping(self, request):
        return 200, {"Content-Type": "application/json"}, '{"status":"up"}'


def main(address: str) -> None:
    runner = ServiceRunner(config={"WEB_SERVER_ADDRESS": address, "max_workers": 10})
    runner.add_service(BareService)
    # Nothing in hand to finish: exit at once (a graceful stop waits on the web server's idle connections).
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    runner.start()
    runner.wait()


if __name__ == "__main__":
    main(sys.argv[1])
