"""The benchmark suite of issue 10: start the suite on its own vhost and databases, load persons, measure.

    ./dev bench [--persons 300000] [--duration 10] [--repeats 3] [--out docs]

Prints a table and writes OUT/benchmarks.md and OUT/benchmarks-read-latency.png (and the raw figures
as JSON in the work folder). Stops everything it started and drops its vhost and databases at the end.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import requests

from bench.suite import cpu, events, load, machine, people, plot, report
from bench.suite.servers import (
    ROOT,
    Broker,
    Databases,
    Process,
    Suite,
    bootstrap_admin,
    migrate_all,
    suite_env,
    wait_until,
)

ROWS_PER_FILE = 50_000  # about 5 MB of CSV: under the 8 MiB upload limit
SWEEP = "1,2,4,8,16,32,64,128"
PLOT_NAME = "benchmarks-read-latency.png"


STARTED = time.monotonic()


def say(text: str) -> None:
    print(f"==> [{time.monotonic() - STARTED:5.0f} s] {text}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.suite", description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=300_000, help="persons loaded through the import path")
    parser.add_argument("--duration", type=float, default=10, help="seconds per run of each path")
    parser.add_argument("--repeats", type=int, default=3, help="runs per path; the median is reported")
    parser.add_argument("--sweep", default=SWEEP, help="connections of the read-latency plot, comma-separated")
    parser.add_argument("--sweep-duration", type=float, default=None, help="seconds per sweep point (--duration)")
    parser.add_argument("--event-rate", type=float, default=200, help="writes/s offered for end-to-end latency")
    parser.add_argument("--drain-window", type=float, default=30,
                        help="seconds the relay and notify rates are timed on the backlog; the rest is dropped")
    parser.add_argument("--event-seconds", type=float, default=10, help="seconds the writes are offered")
    parser.add_argument("--replicas", type=int, default=2,
                        help="then read by id through this many gateways and registries (1: skip)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder of benchmarks.md and the plot")
    parser.add_argument("--work-dir", type=Path, default=None, help="logs, files and raw figures (a temp folder)")
    parser.add_argument("--db-prefix", default="inklusi_bench", help="databases are PREFIX_<service>")
    parser.add_argument("--postgres", default=os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432"))
    parser.add_argument("--amqp-uri", default=os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"))
    parser.add_argument("--rabbit-api", default=None, help="management API (http://guest:guest@HOST:15672/api)")
    parser.add_argument("--python-client", action="store_true", help="load with the Python client, not wrk")
    parser.add_argument("--keep", action="store_true", help="keep the vhost and databases for a look afterwards")
    args = parser.parse_args(argv)
    if args.rabbit_api is None:
        host = args.amqp_uri.split("@", 1)[-1].split("/", 1)[0].split(":")[0]
        auth = args.amqp_uri.split("://", 1)[1].split("@", 1)[0] if "@" in args.amqp_uri else "guest:guest"
        args.rabbit_api = f"http://{auth}@{host}:{os.environ.get('RABBITMQ_MANAGEMENT_PORT', '15672')}/api"
    args.sweep = [int(c) for c in args.sweep.split(",") if c.strip()]
    args.sweep_duration = args.sweep_duration or args.duration
    return args


def ensure_wrk(force_python: bool) -> bool:
    """wrk when it is there or can be installed (as root, from the distribution); else the Python client."""
    if force_python:
        return False
    if not load.have_wrk() and os.geteuid() == 0 and shutil.which("apt-get"):
        say("installing wrk (apt-get install -y wrk)")
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], capture_output=True)
    if not load.have_wrk():
        say("wrk is missing: measuring with the Python client, whose ceiling is lower")
    return load.have_wrk()


class Api:
    """The gateway as the admin sees it; logs in again before each path (access tokens last 15 minutes)."""

    def __init__(self, url: str, password: str):
        self.url, self.password = url, password
        self.session = requests.Session()
        self.token = ""

    def login(self) -> dict:
        response = self.session.post(f"{self.url}/v1/auth/token", timeout=30, json={
            "grant_type": "password", "username": "admin", "password": self.password})
        response.raise_for_status()
        self.token = response.json()["access_token"]
        return self.headers()

    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}

    def upload(self, path: Path) -> str:
        with path.open("rb") as content:
            response = self.session.post(f"{self.url}/v1/imports", params={"mode": "valid_rows"}, timeout=300,
                                         headers={"Authorization": f"Bearer {self.token}"},
                                         files={"file": (path.name, content, "text/csv")})
        if response.status_code != 202:
            raise RuntimeError(f"upload of {path.name} refused: {response.status_code} {response.text[:500]}")
        return response.json()["id"]

    def job(self, job_id: str) -> dict:
        response = self.session.get(f"{self.url}/v1/imports/{job_id}", headers=self.headers(), timeout=30)
        response.raise_for_status()
        return response.json()


def rss(processes: dict[str, Process]) -> dict[str, int | None]:
    return {name: process.rss_bytes() for name, process in processes.items()}


def load_persons(args, api: Api, suite: Suite, broker: Broker, databases: Databases, work: Path) -> tuple[dict, dict]:
    """Upload the generated files, then run them with the import worker while registry and notify are
    stopped, so that the import is measured alone and its events wait in the outbox for the relay figure."""
    say(f"generating {args.persons:,} persons")
    files = people.write_import_files(work, args.persons, ROWS_PER_FILE)
    api.login()
    job_ids = [api.upload(path) for path, _ in files]
    say(f"uploaded {len(files)} file(s); running the import worker with registry and notify stopped")
    suite.stop("registry", "notify")
    worker_env = {**suite.env, "IMPORT_POLL_SECONDS": "0.2"}
    started = time.monotonic()
    worker = Process("import-worker", [sys.executable, "-m", "registry", "import-worker", "--once"], worker_env,
                     suite.log_dir)
    code, peak = worker.wait_peak(lambda seconds, rss: say(
        f"importing: {seconds:,.0f} s, worker RSS {(rss or 0) / report.MIB:,.0f} MB"))
    seconds = time.monotonic() - started
    if code:
        raise RuntimeError(f"import worker exited {code}:\n{worker.log_tail()}")

    # This machine's PostgreSQL runs without autovacuum, which elsewhere analyses a table soon after a
    # bulk load; without statistics the planner reads every row for a page of 50. Analyse as it would.
    databases.execute("registry", "ANALYZE")
    pending = lambda: databases.scalar("registry", "SELECT count(*) FROM outbox WHERE published_at IS NULL")  # noqa: E731
    published = databases.scalar("registry", "SELECT count(*) FROM outbox WHERE routing_key = 'person_registered'")
    say(f"relay: {pending():,} events waiting; starting the registry alone")
    suite.processes["registry"] = Process.service("registry", suite.env, suite.log_dir)
    interval = min(1.0, max(0.1, published / 100_000))
    relay = events.watch_drain(pending, lambda value: value == 0, timeout=max(120, published / 20),
                               interval=interval, progress=lambda value: say(f"relay: {value:,} events waiting"),
                               window=args.drain_window)
    if pending():  # the rate is measured: the rest of the backlog would only load the HTTP runs
        suite.stop("registry")
        left = pending()
        published -= left  # what notify can be sent: the rest is never published
        databases.execute("registry", "UPDATE outbox SET published_at = now() WHERE published_at IS NULL")
        suite.processes["registry"] = Process.service("registry", suite.env, suite.log_dir)
        say(f"relay: the rest of the backlog ({left:,}) marked sent unpublished")
    say(f"relay: {relay.rate:,.0f}/s; starting notify")
    processed = lambda: databases.scalar("notify", "SELECT count(*) FROM processed_events")  # noqa: E731
    suite.processes["notify"] = Process.service("notify", suite.env, suite.log_dir)
    consumer = events.watch_drain(processed, lambda value: value >= published, timeout=max(120, published / 20),
                                  interval=interval, progress=lambda value: say(f"notify: {value:,} events handled"),
                                  window=args.drain_window)
    say(f"consumer: {consumer.rate:,.0f}/s")
    if processed() < published:
        suite.stop("notify")
        say(f"consumer: the rest of the backlog dropped ({broker.purge_events():,} messages)")
        suite.processes["notify"] = Process.service("notify", suite.env, suite.log_dir)
    suite.wait_healthy()

    api.login()
    jobs = [api.job(job_id) for job_id in job_ids]
    created = sum(job["counts"]["created"] for job in jobs)
    errors = sum(job["counts"]["errors"] for job in jobs)
    unfinished = [job["status"] for job in jobs if job["status"] != "done"]
    if unfinished or created < args.persons:
        raise RuntimeError(f"import incomplete: {created} of {args.persons} created, {errors} refused, "
                           f"statuses {unfinished}; see the error reports of jobs {job_ids}")
    # The jobs' own clock (first start to last finish) leaves the worker's start-up out of the rate.
    ran = (max(datetime.fromisoformat(job["finished_at"]) for job in jobs)
           - min(datetime.fromisoformat(job["started_at"]) for job in jobs)).total_seconds()
    imported = {"rows": args.persons, "files": len(files), "seconds": ran, "rate": args.persons / max(ran, 1e-3),
                "process_seconds": seconds, "peak_rss": peak, "created": created, "errors": errors}
    drained = {"relay": {"events": relay.events, "seconds": relay.seconds, "rate": relay.rate},
               "consumer": {"events": consumer.events, "seconds": consumer.seconds, "rate": consumer.rate}}
    return imported, drained


def _per_run(target: load.Target, repeats: int, work: Path) -> list[load.Target]:
    """One target per run; with bodies, each run its own share of them, so a later run never sends a
    body (a NIK) an earlier one registered: that would measure 409s, not registrations."""
    if target.bodies is None:
        return [target] * repeats
    lines = target.bodies.read_text().splitlines()
    share = len(lines) // repeats
    shares = []
    for run in range(repeats):
        path = target.bodies.with_name(f"{target.bodies.stem}-run{run + 1}.jsonl")
        path.write_text("\n".join(lines[run * share:(run + 1) * share]) + "\n")
        shares.append(dataclasses.replace(target, bodies=path))
    return shares


def read_ids(databases: Databases) -> list[str]:
    """Ids of loaded persons for the read paths, at random (the registry's table, read by the harness only)."""
    return databases.column("registry", "SELECT id FROM persons ORDER BY random() LIMIT 5000")


def measure_paths(args, api: Api, gateway: str, baseline: str, databases: Databases, work: Path,
                  use_wrk: bool, meter: cpu.Meter) -> tuple[dict, dict]:
    ids = read_ids(databases)
    kecamatan = people.kecamatan_codes()
    bodies = people.write_registration_bodies(work / "write-bodies.jsonl",
                                              int(max(2000, 1000 * args.duration * args.repeats)),
                                              people.WRITE_SERIALS)
    plan = [
        (report.PATHS[0], "GET", ["/health"], 32, None),
        (report.PATHS[1], "GET", ["/v1/areas"], 32, None),
        (report.PATHS[2], "GET", [f"/v1/persons/{i}" for i in ids], 32, None),
        (report.PATHS[3], "GET", [f"/v1/persons?kecamatan_code={k}&limit=50" for k in kecamatan], 32, None),
        (report.PATHS[4], "POST", ["/v1/persons"], 16, bodies),
        (report.PATHS[5], "GET", ["/v1/stats/registry"], 1, None),
    ]

    def measure(url: str, target: load.Target) -> dict:
        targets = _per_run(target, args.repeats, work)
        meter.start()
        runs = [load.run(url, one, args.duration, work, use_wrk=use_wrk) for one in targets]
        used = meter.stop()
        requests_sent = sum(run.requests for run in runs) or 1
        figure = {**load.median_result(runs).as_dict(), "connections": target.connections,
                  "cpu_ms": {name: seconds * 1000 / requests_sent for name, seconds in used.items()}}
        say(f"{target.name}: {figure['rate']:,.0f} req/s, p50 {figure['p50_ms']} ms, p99 {figure['p99_ms']} ms"
            + (f", {figure['failed']} failed" if figure["failed"] else ""))
        return figure

    base = measure(baseline, load.Target(report.BASELINE, "GET", ["/ping"], 32))
    paths = {}
    for name, method, urls, connections, body_file in plan:
        headers = api.login()
        paths[name] = measure(gateway, load.Target(name, method, urls, connections, headers, body_file))
    return base, paths


def sweep(args, api: Api, gateway: str, databases: Databases, work: Path, use_wrk: bool) -> list[dict]:
    ids = read_ids(databases)
    target = load.Target("read sweep", "GET", [f"/v1/persons/{i}" for i in ids], 1, api.login())
    points = []
    for connections in args.sweep:
        result = load.run(gateway, target, args.sweep_duration, work, connections, use_wrk=use_wrk)
        points.append({**result.as_dict(), "connections": connections})
        say(f"sweep c{connections}: {result.rate:,.0f} req/s, p99 {result.p99_ms:.1f} ms")
    return points


def replicas(args, api: Api, suite: Suite, broker: Broker, databases: Databases, work: Path,
             use_wrk: bool) -> dict | None:
    """Read by id through one gateway and registry, then through N of each (wrk split over the gateways)."""
    if args.replicas < 2:
        return None
    ids = read_ids(databases)
    target = load.Target("read by id, replicas", "GET", [f"/v1/persons/{i}" for i in ids], 32, api.login())
    one = load.run(suite.gateway_url, target, args.duration, work, use_wrk=use_wrk)
    gateways = [suite.gateway_url]
    extra = []
    for index in range(2, args.replicas + 1):
        port = free_port()
        gateway_env = {**suite.env, "GATEWAY_ADDRESS": f"127.0.0.1:{port}"}
        for service, env in (("registry", suite.env), ("gateway", gateway_env)):
            name = f"{service}-{index}"
            suite.processes[name] = Process(name, [sys.executable, "-m", service, "serve"], env, suite.log_dir)
            extra.append(name)
        gateways.append(f"http://127.0.0.1:{port}")
    try:
        for url in gateways:
            Suite(suite.env, suite.log_dir, url).wait_healthy()
        try:  # nameko's RPC queue; if RPC stops going through the broker, the replica's start is all we wait for
            wait_until(lambda: broker.consumers("rpc-registry") >= args.replicas, 30, "every registry to take RPCs")
        except RuntimeError as late:
            say(f"{late}; measuring anyway")
        share = max(1, target.connections // len(gateways))
        with ThreadPoolExecutor(len(gateways)) as pool:
            runs = list(pool.map(lambda url: load.run(url, target, args.duration, work, share, use_wrk=use_wrk),
                                 gateways))
    finally:
        suite.stop(*extra)
    rate = sum(run.rate for run in runs)
    say(f"{args.replicas} gateways and registries: {rate:,.0f} req/s against {one.rate:,.0f} with one of each")
    return {"replicas": args.replicas, "one_rate": one.rate, "one_p99_ms": one.p99_ms, "rate": rate,
            "p99_ms": max(run.p99_ms for run in runs), "failed": sum(run.failed for run in runs),
            "ratio": rate / one.rate if one.rate else 0.0, "connections": target.connections}


def end_to_end(args, api: Api, gateway: str, amqp_uri: str, work: Path) -> dict:
    count = int(args.event_rate * args.event_seconds)
    path = people.write_registration_bodies(work / "event-bodies.jsonl", count, people.EVENT_SERIALS, seed=13)
    latency = events.end_to_end(amqp_uri, f"{gateway}/v1/persons", api.login(), path.read_text().splitlines(),
                                args.event_rate, args.event_seconds)
    say(f"end to end at {args.event_rate:.0f}/s offered: {latency.write_rate:,.0f} writes/s, "
        f"p99 {latency.p99_ms:.1f} ms")
    return vars(latency)


def run(args) -> dict:
    use_wrk = ensure_wrk(args.python_client)
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="inklusi-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    say(f"work folder {work}")

    broker = Broker(args.amqp_uri, args.rabbit_api).create()
    databases = Databases(args.postgres, args.db_prefix).create()
    gateway_port, baseline_port = free_port(), free_port()
    gateway, baseline = f"http://127.0.0.1:{gateway_port}", f"http://127.0.0.1:{baseline_port}"
    env = suite_env(broker, databases, gateway_port, work / "data")
    # Sending notifications to people is not a measured path: notify records what is owed, then waits.
    env.setdefault("NOTIFY_SEND_INTERVAL_SECONDS", "3600")
    env.setdefault("SHUTDOWN_GRACE_SECONDS", "5")  # at the end nothing is in hand worth waiting for
    suite = Suite(env, logs, gateway)
    bare = None
    try:
        say(f"vhost {broker.vhost}, databases {args.db_prefix}_*: migrating")
        migrate_all(env, logs)
        password = secrets.token_urlsafe(16)
        bootstrap_admin(env, password)
        say("starting the suite (the Procfile's processes) and the bare nameko baseline")
        bare = Process("baseline", [sys.executable, "-m", "bench.suite.baseline", f"127.0.0.1:{baseline_port}"],
                       env, logs)
        suite.start()
        settle = min(5.0, max(1.0, args.duration))  # idle means a few seconds without requests
        time.sleep(settle)
        idle_start = rss({**suite.processes, "baseline": bare})

        api = Api(gateway, password)
        imported, drained = load_persons(args, api, suite, broker, databases, work)
        def groups() -> dict[str, list[int]]:
            named = {name: [process.pid] for name, process in suite.processes.items()}
            return {**named, "baseline": [bare.pid], "rabbitmq": cpu.broker_pids(),
                    "postgresql": databases.backend_pids()}

        base, paths = measure_paths(args, api, gateway, baseline, databases, work, use_wrk, cpu.Meter(groups))
        points = sweep(args, api, gateway, databases, work, use_wrk)
        e2e = end_to_end(args, api, gateway, broker.uri, work)
        scaled = replicas(args, api, suite, broker, databases, work, use_wrk)
        time.sleep(settle)
        idle_end = rss({**suite.processes, "baseline": bare})
        results = {
            "machine": machine.describe(broker.version(), databases.version()),
            "settings": {"persons": args.persons, "duration": args.duration, "repeats": args.repeats,
                         "event_seconds": args.event_seconds, "tool": "wrk" if use_wrk else "python client"},
            "baseline": base, "paths": paths, "sweep": points, "import": imported,
            "events": {**drained, "e2e": e2e}, "replicas": scaled,
            "memory": {"idle_start": idle_start, "idle_end": idle_end},
        }
    finally:
        say("stopping")
        suite.stop(*suite.processes)
        if bare is not None:
            bare.stop()
        if not args.keep:
            broker.delete()
            databases.drop()

    (work / "benchmarks.json").write_text(json.dumps(results, indent=2))
    plotted = plot.read_latency(results["sweep"], results["baseline"]["rate"], args.out / PLOT_NAME)
    if plotted is None:
        say("matplotlib is missing (pip install -r bench/requirements.txt): no plot")
    written = report.write(results, args.out, PLOT_NAME if plotted else None)
    print(report.text_table(results))
    say(f"wrote {written}" + (f" and {plotted}" if plotted else "") + f"; raw figures in {work / 'benchmarks.json'}")
    return results


def main(argv=None) -> int:
    run(parse_args(argv))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
