"""The suite as real processes (`python -m <service> serve`), as the Procfile runs them, for fault tests and bench."""
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.support.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("registry", "training", "funding", "notify", "gateway")


def proxied_uri(amqp_uri: str, port: int) -> str:
    """The same broker URI (user, vhost), through a proxy listening on 127.0.0.1:port."""
    scheme, rest = amqp_uri.split("://", 1)
    credentials, location = rest.split("@", 1)
    vhost = location.split("/", 1)[1] if "/" in location else ""
    return f"{scheme}://{credentials}@127.0.0.1:{port}/{vhost}"


def broker_address(amqp_uri: str) -> tuple[str, int]:
    host_port = amqp_uri.split("@", 1)[1].split("/", 1)[0]
    host, _, port = host_port.partition(":")
    return host, int(port or 5672)


class ServiceProcess:
    def __init__(self, package: str, env: dict, log_dir: Path):
        self.package = package
        self.log_path = log_dir / f"{package}.log"
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen([sys.executable, "-m", package, "serve"], cwd=ROOT, env=env,
                                        stdout=self._log, stderr=subprocess.STDOUT)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def terminate(self, timeout: float = 30, signalled: bool = False) -> int:
        """SIGTERM, then the exit code (killed and -9 if it does not exit in time). Signal once only:
        a second SIGTERM that lands while Python exits meets the default handler and kills it."""
        if self.alive and not signalled:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()
        finally:
            self._log.close()

    def log_tail(self, lines: int = 12) -> str:
        return "\n".join(line[:400] for line in self.log_path.read_text(errors="replace").splitlines()[-lines:])


def suite_env(amqp_uri: str, database_urls: dict, gateway_address: str, data_dir: Path, **overrides) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.endswith("DATABASE_URL")}
    env.update({
        "AMQP_URI": amqp_uri,
        "GATEWAY_ADDRESS": gateway_address,
        "DATA_DIR": str(data_dir),
        "LOG_LEVEL": "WARNING",
        "OUTBOX_POLL_SECONDS": "0.2",
        "OUTBOX_MAX_BACKOFF_SECONDS": "1",
        "EVENT_RETRY_DELAY_MS": "200",
        "SHUTDOWN_GRACE_SECONDS": "5",
        "MAX_WORKERS": "6",  # the machine's PostgreSQL is shared: keep each process's connections few
    })
    env.update({f"{service.upper()}_DATABASE_URL": url for service, url in database_urls.items()})
    env.update({key: str(value) for key, value in overrides.items()})
    return env


class Suite:
    """The five processes; `start()` returns once the gateway's /health is 200."""

    def __init__(self, env: dict, log_dir: Path, web):
        self.env, self.log_dir, self.web = env, log_dir, web
        self.processes: dict[str, ServiceProcess] = {}

    def start(self, timeout: float = 60):
        for package in SERVICES:
            self.processes[package] = ServiceProcess(package, self.env, self.log_dir)
        wait_for(lambda: self.healthy() or self._died(), timeout=timeout, interval=0.5,
                 message="the suite's /health to answer 200")
        dead = [name for name, p in self.processes.items() if not p.alive]
        assert not dead, f"did not start: {dead}\n" + "\n".join(self.processes[n].log_tail() for n in dead)
        return self

    def healthy(self) -> bool:
        try:
            return self.web.get("/health", timeout=5).status_code == 200
        except OSError:
            return False

    def _died(self) -> bool:
        return any(not p.alive for p in self.processes.values())

    def dead(self) -> list[str]:
        return [name for name, p in self.processes.items() if not p.alive]

    def stop(self) -> dict[str, int]:
        """SIGTERM to every process at once; their exit codes."""
        for p in self.processes.values():
            if p.alive:
                p.process.send_signal(signal.SIGTERM)
        return {name: p.terminate(signalled=True) for name, p in self.processes.items()}
