"""Idle memory of each process of the suite: RSS after it started and sat idle (issue 10: at most 120 MB).

    python bench/idle_memory_bench.py [--idle 5] [--server postgresql://postgres@127.0.0.1:5432]

Migrates a throwaway database per service and a throwaway RabbitMQ vhost, starts the five processes
as `python -m <service> serve` (as the Procfile does), waits `--idle` seconds after the gateway's
/health/live answers, and prints `ps -o rss` of each. Prints figures; asserts nothing.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
API = "http://guest:guest@127.0.0.1:15672/api"
SERVICES = ("registry", "training", "funding", "notify", "gateway")
GATEWAY = "127.0.0.1:18441"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--idle", type=float, default=5.0)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--prefix", default=os.environ.get("TEST_DB_PREFIX", "bench"))
    args = parser.parse_args()

    databases = {name: f"{args.prefix}_idle_{name}" for name in SERVICES}
    admin = sa.create_engine(f"{args.server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for database in databases.values():
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
            connection.execute(sa.text(f"CREATE DATABASE {database}"))
    vhost = f"bench_{uuid.uuid4().hex[:8]}"
    requests.put(f"{API}/vhosts/{vhost}").raise_for_status()
    requests.put(f"{API}/permissions/{vhost}/guest", json={"configure": ".*", "write": ".*", "read": ".*"})
    data_dir = Path(tempfile.mkdtemp(prefix="inklusi-idle-bench-"))
    env = {key: value for key, value in os.environ.items() if not key.endswith("DATABASE_URL")}
    env.update({
        "AMQP_URI": f"amqp://guest:guest@127.0.0.1:5672/{vhost}", "DATA_DIR": str(data_dir),
        "GATEWAY_ADDRESS": GATEWAY, "LOG_LEVEL": "WARNING", "JWT_SECRET": "bench-secret-0123456789-abcdef-01234",
        "DB_POOL_SIZE": "2", "DB_MAX_OVERFLOW": "2",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "lib"), str(ROOT / "gateway"),
                                       *(str(ROOT / "services" / name) for name in SERVICES if name != "gateway"),
                                       env.get("PYTHONPATH", "")]),
        **{f"{name.upper()}_DATABASE_URL": f"{args.server}/{db}" for name, db in databases.items()},
    })
    processes = {}
    try:
        for name in SERVICES:
            subprocess.run([sys.executable, "-m", name, "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
        for name in SERVICES:
            log = open(data_dir / f"{name}.log", "wb")
            processes[name] = subprocess.Popen([sys.executable, "-m", name, "serve"], env=env, cwd=ROOT,
                                               stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://{GATEWAY}/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.5)
        time.sleep(args.idle)
        for name, process in processes.items():
            rss = subprocess.run(["ps", "-o", "rss=", "-p", str(process.pid)], capture_output=True, text=True).stdout
            print(f"{name:10} {int(rss) / 1024:6.0f} MB" if rss.strip() else f"{name:10} (not running)")
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        requests.delete(f"{API}/vhosts/{vhost}")
        with admin.connect() as connection:
            for database in databases.values():
                connection.execute(sa.text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))


if __name__ == "__main__":
    main()
