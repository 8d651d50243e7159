"""The bench's two load clients (wrk with its generated Lua, and the Python fallback) against the bare baseline.

They must agree on what they count: answers, latency, and failures (a 404 is a failure, not a request served).
"""
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from bench.suite import load
from tests.support.waiting import wait_for
from tests.support.web import free_port

ROOT = Path(__file__).resolve().parents[3]

CLIENTS = [pytest.param(True, id="wrk", marks=pytest.mark.skipif(not load.have_wrk(), reason="wrk not installed")),
           pytest.param(False, id="python")]


@pytest.fixture(scope="module")
def baseline():
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "bench.suite.baseline", f"127.0.0.1:{port}"], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"

    def up():
        try:
            return requests.get(url + "/ping", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    wait_for(up, timeout=30, interval=0.2, message="the bare baseline to answer")
    yield url
    process.terminate()
    process.wait(10)


@pytest.mark.parametrize("use_wrk", CLIENTS)
def test_answers_are_counted_with_their_latency(baseline, tmp_path, use_wrk):
    target = load.Target("ping", "GET", ["/ping"], 4, {"Authorization": "Bearer x"})
    result = load.run(baseline, target, 1, tmp_path, use_wrk=use_wrk)
    assert result.requests > 10 and result.failed == 0
    assert 0 < result.p50_ms <= result.p99_ms < 1000 and 0.5 < result.seconds < 5
    assert result.tool == ("wrk" if use_wrk else "python")


@pytest.mark.parametrize("use_wrk", CLIENTS)
def test_answers_that_are_not_2xx_count_as_failed(baseline, tmp_path, use_wrk):
    target = load.Target("missing", "GET", ["/no-such-path", "/ping"], 2)
    result = load.run(baseline, target, 1, tmp_path, use_wrk=use_wrk)
    assert 0 < result.failed < result.requests  # half the paths drawn are 404s


@pytest.mark.parametrize("use_wrk", CLIENTS)
def test_a_body_file_is_read_and_posted(baseline, tmp_path, use_wrk):
    bodies = tmp_path / "bodies.jsonl"
    bodies.write_text("".join(f'{{"n": {i}}}\n' for i in range(100)))
    target = load.Target("post", "POST", ["/ping"], 2, {"Content-Type": "application/json"}, bodies)
    result = load.run(baseline, target, 1, tmp_path, use_wrk=use_wrk)
    assert result.requests > 0 and result.failed == result.requests  # the baseline only answers GET
