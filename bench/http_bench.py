"""HTTP figures of the gateway's hot paths with wrk, next to a bare nameko @http service measured in the same run.

    python bench/http_bench.py [--persons 300] [--seconds 10] [--server postgresql://postgres@127.0.0.1:5432]

Starts its own processes (`python -m registry serve`, `python -m gateway serve`, and a bare nameko
@http service) on a throwaway RabbitMQ vhost and two throwaway PostgreSQL databases, registers
`--persons` persons through the API, then runs wrk (`apt-get install wrk`) against /health,
/health/live, GET /v1/persons/{id} and a list page of 50, and POSTs registrations from Python. Also
prints each process's idle RSS, and for the read, list and write runs the CPU each of the gateway and
the registry spent per request (from /proc). Prints figures; asserts nothing.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
API = "http://guest:guest@127.0.0.1:15672/api"
PASSWORD = "kata-sandi-bench-123"
LAWANG_DESA = "35.07.25.2001"
GATEWAY, BARE = "127.0.0.1:18431", "127.0.0.1:18432"

BARE_SERVICE = textwrap.dedent("""
    import json
    from nameko.web.handlers import http

    class Bare:
        name = "bare"

        @http("GET", "/v1/persons/<person_id>")
        def get(self, request, person_id):
            return 200, {"Content-Type": "application/json"}, json.dumps({"id": person_id, "name": "x" * 40})
""")


def person(serial: int) -> dict:
    # Lawang region code, a woman, a birth date and serial of her own (the same birth date for everyone
    # would make every registration a likely duplicate of all the others).
    day, month, year = serial % 28 + 1, (serial // 28) % 12 + 1, 1960 + (serial // 336) % 40
    return {
        "nik": f"350725{day + 40:02d}{month:02d}{year % 100:02d}{serial % 10000:04d}",
        "name": f"Peserta Bench {serial}", "birth_date": f"{year}-{month:02d}-{day:02d}",
        "sex": "P", "desa_code": LAWANG_DESA, "phone": "0812-3456-7890",
        "disability": {"categories": ["fisik"], "functional_limitations": ["berjalan jauh"],
                       "assistive_devices": ["kruk"], "diagnosis": "pascapolio"},
        "consent": {"purpose": "pendataan", "given_by": "self", "form": "read_aloud", "given_on": "2026-11-01"},
        "communication": {"channels": ["whatsapp", "sms"], "language": "id", "format": "plain_text",
                          "copy_guardian": False},
    }


def wrk(url: str, connections: int, seconds: int, token: str | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if token:
        command[1:1] = ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rate, "p50": _ms(latency["50"]), "p99": _ms(latency["99"]),
            "non_2xx": int(non_2xx.group(1)) if non_2xx else 0}


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def rss_mb(pid: int) -> float:
    return int(subprocess.run(["ps", "-o", "rss=", "-p", str(pid)], capture_output=True, text=True).stdout) / 1024


def cpu_seconds(pid: int) -> float:
    """User and system CPU the process has used so far (from /proc, in clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (requests.RequestException, OSError):
            pass
        time.sleep(0.3)
    raise SystemExit(f"timed out waiting for {what}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=300)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--writes", type=int, default=600)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--prefix", default=os.environ.get("TEST_DB_PREFIX", "bench"))
    parser.add_argument("--only", help="comma-separated path names to run (health, read, list, write)")
    parser.add_argument("--max-workers", type=int, default=32,
                        help="MAX_WORKERS of the gateway and the registry (also their AMQP prefetch)")
    parser.add_argument("--profile", action="store_true",
                        help="py-spy gateway and registry during the read by id (stacks in the log folder)")
    args = parser.parse_args()

    databases = {name: f"{args.prefix}_http_{name}" for name in ("gateway", "registry")}
    admin = sa.create_engine(f"{args.server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for database in databases.values():
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
            connection.execute(sa.text(f"CREATE DATABASE {database}"))
    vhost = f"bench_{uuid.uuid4().hex[:8]}"
    requests.put(f"{API}/vhosts/{vhost}").raise_for_status()
    requests.put(f"{API}/permissions/{vhost}/guest", json={"configure": ".*", "write": ".*", "read": ".*"})
    data_dir = Path(tempfile.mkdtemp(prefix="inklusi-http-bench-"))
    env = {key: value for key, value in os.environ.items() if not key.endswith("DATABASE_URL")}
    env.update({
        "AMQP_URI": f"amqp://guest:guest@127.0.0.1:5672/{vhost}", "DATA_DIR": str(data_dir),
        "GATEWAY_ADDRESS": GATEWAY, "LOG_LEVEL": "WARNING", "JWT_SECRET": "bench-secret-0123456789-abcdef-01234",
        "INKLUSI_ADMIN_PASSWORD": PASSWORD, "DB_POOL_SIZE": "5", "DB_MAX_OVERFLOW": "5",
        "MAX_WORKERS": str(args.max_workers),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "lib"), str(ROOT / "gateway"), str(ROOT / "services/registry"),
                                       env.get("PYTHONPATH", "")]),
        **{f"{name.upper()}_DATABASE_URL": f"{args.server}/{db}" for name, db in databases.items()},
    })
    processes = []
    try:
        for package in ("registry", "gateway"):
            subprocess.run([sys.executable, "-m", package, "migrate"], env=env, cwd=ROOT, check=True,
                           capture_output=True)
        subprocess.run([sys.executable, "-m", "gateway", "accounts", "bootstrap-admin"], env=env, cwd=ROOT,
                       check=True, capture_output=True)
        (data_dir / "bare.py").write_text(BARE_SERVICE)
        (data_dir / "bare.yml").write_text(f"AMQP_URI: '{env['AMQP_URI']}'\nWEB_SERVER_ADDRESS: '{BARE}'\n"
                                           "max_workers: 32\n")
        logs = {}
        for name, command in (("registry", ["-m", "registry", "serve"]), ("gateway", ["-m", "gateway", "serve"]),
                              ("bare", ["-m", "nameko", "run", "bare", "--config", str(data_dir / "bare.yml")])):
            logs[name] = open(data_dir / f"{name}.log", "wb")
            bare_env = {**env, "PYTHONPATH": f"{data_dir}{os.pathsep}{env['PYTHONPATH']}"}
            processes.append((name, subprocess.Popen(
                [sys.executable, *command], env=bare_env if name == "bare" else env, cwd=data_dir if name == "bare"
                else ROOT, stdout=logs[name], stderr=subprocess.STDOUT)))
        web = requests.Session()
        base = f"http://{GATEWAY}"
        wait_for(lambda: web.get(f"{base}/health/live", timeout=2).ok, 60, "the gateway")
        wait_for(lambda: web.get(f"{base}/health", timeout=5).json()["services"]["registry"]["status"] == "up",
                 60, "the registry")
        wait_for(lambda: requests.get(f"http://{BARE}/v1/persons/x", timeout=2).ok, 60, "the bare service")
        token = web.post(f"{base}/v1/auth/token", json={"grant_type": "password", "username": "admin",
                                                        "password": PASSWORD}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}

        time.sleep(3)
        rss = {name: rss_mb(p.pid) for name, p in processes}

        ids = []
        for serial in range(1, args.persons + 1):
            response = web.post(f"{base}/v1/persons", json=person(serial), headers=headers)
            assert response.status_code == 201, response.text
            ids.append(response.json()["id"])

        rows = []
        rows.append(("bare nameko @http GET (c32)", wrk(f"http://{BARE}/v1/persons/{ids[0]}", 32, args.seconds)))
        only = set(args.only.split(",")) if args.only else {"health", "read", "list", "write"}
        if "health" in only:
            rows.append(("GET /health/live (c64)", wrk(f"{base}/health/live", 64, args.seconds)))
            rows.append(("GET /health (c16)", wrk(f"{base}/health", 16, args.seconds)))
            rows.append(("GET /health (c64)", wrk(f"{base}/health", 64, args.seconds)))
        def spied(what: str, run):
            spies = [subprocess.Popen(["py-spy", "record", "-p", str(p.pid), "-d", str(args.seconds), "-f", "raw",
                                       "-o", str(data_dir / f"{name}-{what}.txt")], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
                     for name, p in processes if args.profile and name in ("gateway", "registry")]
            before = {name: cpu_seconds(p.pid) for name, p in processes if name in ("gateway", "registry")}
            result = run()
            for spy in spies:
                spy.wait()
            # CPU per request of each process (py-spy's sampling adds a little when --profile is on).
            requests_done = result["rps"] * result.get("seconds", args.seconds)
            result["cpu_ms"] = {name: (cpu_seconds(p.pid) - before[name]) * 1000 / max(requests_done, 1)
                                for name, p in processes if name in before}
            return result

        if "read" in only:
            rows.append(("GET /v1/persons/{id} (c32)", spied("read", lambda: wrk(
                f"{base}/v1/persons/{ids[len(ids) // 2]}", 32, args.seconds, token))))
        if "list" in only:
            rows.append(("GET /v1/persons?limit=50 (c32)", spied("list", lambda: wrk(
                f"{base}/v1/persons?kecamatan_code=35.07.25&limit=50", 32, args.seconds, token))))
        if "write" in only:
            rows.append(("POST /v1/persons (c16)", spied("write", lambda: post_writes(
                base, headers, args.persons + 1, args.writes, 16))))

        bare = rows[0][1]["rps"]
        print(f"{'path':36} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'x bare':>7} {'non-2xx':>8}")
        for name, row in rows:
            cpu = " ".join(f"{who} {ms:.2f}" for who, ms in row.get("cpu_ms", {}).items())
            print(f"{name:36} {row['rps']:8.0f} {row['p50']:8.1f} {row['p99']:8.1f} {row['rps'] / bare:7.3f} "
                  f"{row['non_2xx']:8d}  {'CPU ms/req: ' + cpu if cpu else ''}")
        print("idle RSS (MB): " + ", ".join(f"{name} {mb:.0f}" for name, mb in rss.items()))
    finally:
        for _name, process in processes:
            process.terminate()
        for _name, process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        requests.delete(f"{API}/vhosts/{vhost}")
        with admin.connect() as connection:
            for database in databases.values():
                connection.execute(sa.text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        print(f"logs in {data_dir}")


def post_writes(base: str, headers: dict, first_serial: int, count: int, clients: int) -> dict:
    """Registrations from `clients` threads: rate and latency of each POST (all must answer 201)."""
    sessions = [requests.Session() for _ in range(clients)]

    def write(index: int) -> tuple[float, int]:
        started = time.perf_counter()
        response = sessions[index % clients].post(f"{base}/v1/persons", json=person(first_serial + index),
                                                  headers=headers)
        return (time.perf_counter() - started) * 1000, response.status_code

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(write, range(count)))
    seconds = time.perf_counter() - started
    latencies = sorted(ms for ms, _ in results)
    return {"rps": count / seconds, "seconds": seconds, "p50": latencies[len(latencies) // 2],
            "p99": latencies[int(len(latencies) * 0.99) - 1], "non_2xx": sum(1 for _, s in results if s != 201)}


if __name__ == "__main__":
    main()
