"""A client in a process of its own that reads one person from the registry until told to stop, timing each read.

    python -m tests.support.rpc_reader AMQP_URI PERSON_ID STOP_FILE

Its own process, so the test's own work (encoding an 8 MB upload, say) never delays a read it times.
Prints one JSON object: {"durations": [...], "failures": [...], "at": [when each read started]}.
"""
# isort: off
import inklusi_platform.green  # noqa: F401  (first: monkey-patches before socket is imported)
# isort: on
import json
import sys
import time
from pathlib import Path

from nameko.standalone.rpc import ServiceRpcProxy


def main(amqp_uri: str, person_id: str, stop_file: str) -> None:
    durations, failures, at = [], [], []
    with ServiceRpcProxy("registry", {"AMQP_URI": amqp_uri}, timeout=10) as registry:
        while not Path(stop_file).exists():
            started = time.monotonic()
            at.append(time.time())
            try:
                if registry.get_person(person_id)["id"] != person_id:
                    failures.append("wrong person")
            except Exception as exc:
                failures.append(type(exc).__name__)
            durations.append(time.monotonic() - started)
            time.sleep(0.02)
    print(json.dumps({"durations": durations, "failures": failures, "at": at}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
