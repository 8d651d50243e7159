"""What the benchmark runs on: its own vhost and databases on the local servers, and the suite's processes.

Each process is started the way the Procfile starts it (`python -m <service> serve`, `python -m registry
import-worker`), with the environment of lib/inklusi_platform/config.py, and stopped with SIGTERM.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("registry", "training", "funding", "notify", "gateway")  # the Procfile's, gateway last


def wait_until(condition, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)
    return value


class Broker:
    """A vhost of its own on the local RabbitMQ, made through the management API and deleted at the end."""

    def __init__(self, amqp_uri: str, api_uri: str):
        self.api = api_uri.rstrip("/")
        self.vhost = f"inklusi_bench_{uuid.uuid4().hex[:8]}"
        parts = urlsplit(amqp_uri)
        self.user = parts.username or "guest"
        self.uri = urlunsplit((parts.scheme, parts.netloc, "/" + self.vhost, "", ""))

    def create(self) -> Broker:
        requests.put(f"{self.api}/vhosts/{self.vhost}", timeout=30).raise_for_status()
        requests.put(f"{self.api}/permissions/{self.vhost}/{quote(self.user)}", timeout=30,
                     json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
        return self

    def delete(self) -> None:
        requests.delete(f"{self.api}/vhosts/{self.vhost}", timeout=60)

    def purge_events(self) -> int:
        """Empty the vhost's event queues (every consumer's); the number of messages dropped."""
        dropped = 0
        for queue in requests.get(f"{self.api}/queues/{self.vhost}", timeout=30).json():
            if queue["name"].startswith("evt-"):
                dropped += queue.get("messages", 0)
                requests.delete(f"{self.api}/queues/{self.vhost}/{quote(queue['name'])}/contents", timeout=30)
        return dropped

    def consumers(self, queue: str) -> int:
        response = requests.get(f"{self.api}/queues/{self.vhost}/{quote(queue)}", timeout=10)
        return response.json().get("consumers", 0) if response.ok else 0

    def version(self) -> str:
        try:
            return requests.get(f"{self.api}/overview", timeout=10).json().get("rabbitmq_version", "?")
        except (requests.RequestException, ValueError):
            return "?"


class Databases:
    """`<prefix>_<service>` on the local PostgreSQL, made fresh for the run and dropped at the end."""

    def __init__(self, server_url: str, prefix: str):
        self.server = server_url.rstrip("/")
        self.prefix = prefix
        self.urls = {service: f"{self.server}/{prefix}_{service}" for service in SERVICES}

    def _admin(self):
        return sa.create_engine(f"{self.server}/postgres", isolation_level="AUTOCOMMIT")

    def create(self) -> Databases:
        admin = self._admin()
        with admin.connect() as connection:
            for service in SERVICES:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.prefix}_{service}" WITH (FORCE)'))
                connection.execute(sa.text(f'CREATE DATABASE "{self.prefix}_{service}"'))
        admin.dispose()
        return self

    def drop(self) -> None:
        admin = self._admin()
        with admin.connect() as connection:
            for service in SERVICES:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.prefix}_{service}" WITH (FORCE)'))
        admin.dispose()

    def version(self) -> str:
        admin = self._admin()
        with admin.connect() as connection:
            version = connection.scalar(sa.text("SHOW server_version"))
            autovacuum = connection.scalar(sa.text("SHOW autovacuum"))
        admin.dispose()
        return f"{version} (autovacuum {autovacuum})"

    def backend_pids(self) -> list[int]:
        """The PostgreSQL backends serving the bench's databases (for their CPU, when the server is local)."""
        admin = sa.create_engine(f"{self.server}/postgres", poolclass=sa.pool.NullPool)
        try:
            with admin.connect() as connection:
                return list(connection.scalars(sa.text("SELECT pid FROM pg_stat_activity WHERE datname = ANY(:names)"),
                                               {"names": [url.rsplit("/", 1)[1] for url in self.urls.values()]}))
        finally:
            admin.dispose()

    def scalar(self, service: str, sql: str, **params):
        engine = sa.create_engine(self.urls[service], poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as connection:
                return connection.scalar(sa.text(sql), params)
        finally:
            engine.dispose()

    def execute(self, service: str, sql: str, **params) -> None:
        engine = sa.create_engine(self.urls[service], poolclass=sa.pool.NullPool)
        try:
            with engine.begin() as connection:
                connection.execute(sa.text(sql), params)
        finally:
            engine.dispose()

    def column(self, service: str, sql: str, **params) -> list:
        engine = sa.create_engine(self.urls[service], poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as connection:
                return list(connection.scalars(sa.text(sql), params))
        finally:
            engine.dispose()


def suite_env(broker: Broker, databases: Databases, gateway_port: int, data_dir: Path) -> dict:
    """The processes' environment: config.py's variables, pointed at the bench's vhost and databases."""
    env = {key: value for key, value in os.environ.items() if not key.endswith("DATABASE_URL")}
    env.update({
        "AMQP_URI": broker.uri,
        "GATEWAY_ADDRESS": f"127.0.0.1:{gateway_port}",
        "DATA_DIR": str(data_dir),
        "LOG_LEVEL": env.get("LOG_LEVEL", "WARNING"),  # a log line per request would be measured too
        "PYTHONUNBUFFERED": "1",
    })
    env.update({f"{service.upper()}_DATABASE_URL": url for service, url in databases.urls.items()})
    return env


def migrate_all(env: dict, log_dir: Path) -> None:
    """`python -m <service> migrate` for every service, side by side: databases at head, queues declared."""
    def migrate(service: str) -> None:
        result = subprocess.run([sys.executable, "-m", service, "migrate"], cwd=ROOT, env=env,
                                capture_output=True, text=True)
        (log_dir / f"{service}-migrate.log").write_text(result.stdout + result.stderr)
        if result.returncode:
            raise RuntimeError(f"{service} migrate failed:\n{result.stderr[-2000:]}")

    with ThreadPoolExecutor(len(SERVICES)) as pool:
        list(pool.map(migrate, SERVICES))


def bootstrap_admin(env: dict, password: str) -> None:
    """The local admin of `./dev run` (python -m gateway accounts bootstrap-admin), with a known password."""
    result = subprocess.run([sys.executable, "-m", "gateway", "accounts", "bootstrap-admin"], cwd=ROOT,
                            env={**env, "INKLUSI_ADMIN_PASSWORD": password}, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"bootstrap-admin failed:\n{result.stderr[-2000:]}")


class Process:
    """One process of the suite, its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict, log_dir: Path):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = open(self.log_path, "ab")
        self.popen = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        self.pid = self.popen.pid

    @classmethod
    def service(cls, service: str, env: dict, log_dir: Path) -> Process:
        return cls(service, [sys.executable, "-m", service, "serve"], env, log_dir)

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def rss_bytes(self, field: str = "VmRSS") -> int | None:
        """Resident memory now (VmRSS) or at its peak so far (VmHWM), from /proc."""
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
        except OSError:
            return None
        return None

    def stop(self, timeout: float = 30) -> int:
        if self.alive:
            self.popen.send_signal(signal.SIGTERM)
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            return self.popen.wait()
        finally:
            self._log.close()

    def wait_peak(self, progress=None, every: float = 30) -> tuple[int, int]:
        """Wait for the exit; (exit code, peak RSS in bytes) from the kernel's accounting of the child.

        `progress(seconds, rss)` is called every `every` seconds meanwhile: a long import is not silent.
        """
        started = time.monotonic()
        next_beat = started + every
        seen = 0  # the peak as /proc shows it, which can read a little above the kernel's ru_maxrss
        while True:
            pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                break
            seen = max(seen, self.rss_bytes("VmHWM") or 0)
            time.sleep(0.1)
            if progress and time.monotonic() >= next_beat:
                next_beat += every
                progress(time.monotonic() - started, self.rss_bytes())
        self.popen.returncode = os.waitstatus_to_exitcode(status)
        self._log.close()
        return self.popen.returncode, max(seen, usage.ru_maxrss * 1024)  # Linux reports KiB

    def log_tail(self, lines: int = 15) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


class Suite:
    """The suite's long-running processes; each can be stopped and started again on its own."""

    def __init__(self, env: dict, log_dir: Path, gateway_url: str):
        self.env, self.log_dir, self.gateway_url = env, log_dir, gateway_url
        self.processes: dict[str, Process] = {}

    def start(self, *services: str, timeout: float = 120) -> None:
        for service in services or SERVICES:
            self.processes[service] = Process.service(service, self.env, self.log_dir)
        self.wait_healthy(timeout)

    def stop(self, *services: str) -> None:
        names = services or tuple(self.processes)
        for name in names:  # all signalled first, so they shut down side by side
            if self.processes[name].alive:
                self.processes[name].popen.send_signal(signal.SIGTERM)
        for name in names:
            self.processes.pop(name).stop()

    def healthy(self) -> bool:
        try:
            return requests.get(f"{self.gateway_url}/health", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def wait_healthy(self, timeout: float = 120) -> None:
        def ready():
            dead = [name for name, process in self.processes.items() if not process.alive]
            if dead:
                raise RuntimeError(f"did not start: {dead}\n" + "\n".join(self.processes[n].log_tail() for n in dead))
            return self.healthy()

        wait_until(ready, timeout, "the suite's /health to answer 200", interval=0.5)
