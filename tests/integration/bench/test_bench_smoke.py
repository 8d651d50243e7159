"""A smoke run of the benchmark suite (python -m bench.suite) with a few hundred persons, so that it keeps working.

It times nothing and asserts no figure: it checks that the whole run goes through against today's code
(vhost, databases, processes, import, every path, events, memory) and writes its table, markdown and plot.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.suite import report
from tests.support.databases import PREFIX

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.integration


def test_a_small_run_measures_every_path_and_writes_the_report(request, tmp_path, postgres_url):
    amqp_uri = request.config.getoption("RABBIT_AMQP_URI")
    api_uri = request.config.getoption("RABBIT_API_URI").rstrip("/")
    out, work = tmp_path / "out", tmp_path / "work"
    command = [sys.executable, "-m", "bench.suite", "--persons", "300", "--duration", "1", "--repeats", "1",
               "--sweep", "1,4", "--replicas", "2", "--event-rate", "20", "--event-seconds", "1", "--out", str(out),
               "--work-dir", str(work), "--db-prefix", f"{PREFIX}_bench", "--postgres", postgres_url,
               "--amqp-uri", amqp_uri, "--rabbit-api", f"{api_uri}/api" if not api_uri.endswith("/api") else api_uri]
    env = {**os.environ, "DB_POOL_SIZE": "2", "DB_MAX_OVERFLOW": "4"}
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=170)
    assert run.returncode == 0, run.stderr[-4000:]

    table = run.stdout
    markdown = (out / "benchmarks.md").read_text()
    for name in (report.BASELINE, *report.PATHS):
        assert name in table, f"{name} missing from the printed table"
        assert f"| {name} |" in markdown, f"{name} missing from benchmarks.md"
    for section in ("## Machine", "## Targets", "## Import", "## Events", "## Memory (RSS)"):
        assert section in markdown
    assert (out / "benchmarks-read-latency.png").read_bytes().startswith(b"\x89PNG")

    figures = json.loads((work / "benchmarks.json").read_text())
    assert figures["import"]["created"] == 300  # every generated person is valid and was imported
    assert figures["events"]["relay"]["events"] >= 300 and figures["events"]["consumer"]["events"] >= 300
    assert figures["events"]["e2e"]["received"] == figures["events"]["e2e"]["accepted"] > 0
    for name in report.PATHS:
        path = figures["paths"][name]
        assert path["requests"] > 0, f"{name}: {path}"
        # Every request the harness builds is valid (tokens, ids, fresh NIKs); only /health may answer 503
        # now and then, when a busy service misses its probe's deadline.
        assert path["failed"] == 0 or (name == "GET /health" and path["failed"] < path["requests"]), f"{name}: {path}"
    assert len(report.targets(figures)) == 13
    assert figures["replicas"]["replicas"] == 2 and figures["replicas"]["rate"] > 0
    assert "## Replicas" in markdown and "## CPU per request" in markdown
