"""Serving a service until SIGTERM, then stopping gracefully: take no new work, finish what is in hand.

nameko's own SIGTERM handling stops the entrypoints first, which closes the broker connection that the
workers in hand still need to acknowledge their messages (they would run again elsewhere), waits for
workers without a limit, and hangs while the broker is away. Here, on SIGTERM (or Ctrl-C):
1. every extension that can (`stop_taking_work`: queue consumers, the gateway's web server) stops
   taking work, while acks and RPC replies still flow;
2. the workers in hand get SHUTDOWN_GRACE_SECONDS to finish;
3. the containers stop; what is still running after the grace is killed unacknowledged, so the broker
   gives its message to another replica (whose deadline check refuses it if its caller gave up).
The process then exits 0. Started while the broker is away, a process waits for it (and a SIGTERM
meanwhile just ends it) rather than failing its setup.
"""
import errno
import logging
import signal
import time

import eventlet
from kombu import Connection
from nameko.runners import ServiceRunner
from nameko.utils import sanitize_url

from inklusi_platform.rpc_transport import RECONNECT_MAX_SECONDS

log = logging.getLogger(__name__)

STOP_TIMEOUT_SECONDS = 10.0  # for the containers to stop once idle (a consumer waiting on the broker)


def work_in_hand(container) -> int:
    """Workers running, plus delivered messages still waiting for a free worker."""
    waiting = sum(1 for identifier in container._managed_threads.values()
                  if identifier and ".handle_message[" in identifier)
    return len(container._worker_threads) + waiting


def stop_taking_work(container) -> None:
    for extension in {*container.subextensions, *container.entrypoints}:
        stop = getattr(extension, "stop_taking_work", None)
        if stop is not None:
            stop()


def shut_down(runner: ServiceRunner, grace_seconds: float) -> None:
    containers = list(runner.containers)
    log.info("shutting down: taking no new work, finishing %d in hand",
             sum(work_in_hand(c) for c in containers))
    for container in containers:
        stop_taking_work(container)
    give_up = time.monotonic() + grace_seconds
    while any(work_in_hand(c) for c in containers) and time.monotonic() < give_up:
        eventlet.sleep(0.05)
    left = sum(work_in_hand(c) for c in containers)
    if left:
        log.warning("shutdown grace of %.0fs over: %d unfinished, left unacknowledged for another replica",
                    grace_seconds, left)
        runner.kill()
        return
    with eventlet.Timeout(STOP_TIMEOUT_SECONDS, False):
        runner.stop()
        log.info("stopped")
        return
    log.warning("containers did not stop in %.0fs; killing them", STOP_TIMEOUT_SECONDS)
    runner.kill()


def wait_for_broker(amqp_uri: str, stopping: list) -> bool:
    """Wait for RabbitMQ before starting (setup declares queues and would fail), so a process started
    while the broker is away waits instead of exiting; False if told to stop first."""
    delay = 0.5
    while not stopping:
        try:
            with Connection(amqp_uri, connect_timeout=5) as connection:
                connection.connect()
            return True
        except Exception as exc:
            log.warning("broker unreachable at %s (%s); starting once it answers",
                        sanitize_url(amqp_uri), type(exc).__name__)
            eventlet.sleep(delay)
            delay = min(delay * 2, RECONNECT_MAX_SECONDS)
    return False


def serve(service_cls, config: dict) -> None:
    runner = ServiceRunner(config)
    runner.add_service(service_cls)
    grace = float(config.get("SHUTDOWN_GRACE_SECONDS", 20))
    stopping, started = [], []

    def on_signal(signum, frame):
        # Runs in the hub's main loop, where eventlet primitives cannot block: hand over to a greenthread.
        if not stopping:
            stopping.append(signum)
            # A second SIGTERM must not kill the process as it exits (Python restores the default
            # handler then, but leaves an ignored signal ignored).
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            if started:
                eventlet.spawn_n(shut_down, runner, grace)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if not wait_for_broker(config["AMQP_URI"], stopping):
        return
    started.append(True)
    if stopping:  # the signal came between the wait and the line above
        return
    runner.start()
    waiter = eventlet.spawn(runner.wait)
    while True:
        try:
            waiter.wait()
            return
        except OSError as exc:  # a signal interrupted the wait
            if exc.errno != errno.EINTR:
                raise
