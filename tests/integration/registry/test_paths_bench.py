"""A smoke run of bench/registry_paths_bench.py with a few hundred persons, so the script keeps working."""
import importlib.util
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL
from tests.support.databases import database_name

pytestmark = pytest.mark.integration

BENCH = Path(__file__).resolve().parents[3] / "bench" / "registry_paths_bench.py"


def test_the_registry_paths_bench_runs_every_path(capsys):
    spec = importlib.util.spec_from_file_location("registry_paths_bench", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    argv = ["--persons", "300", "--calls", "3", "--server", POSTGRES_URL, "--database", database_name("registry_bench")]
    assert bench.main(argv) == 0
    assert bench.main([*argv, "--reuse"]) == 0  # a second run on the same database registers other NIKs
    printed = capsys.readouterr().out
    assert "counts kept: True" in printed
    for path in ("get_person", "list_persons", "register_person", "registry_stats one desa"):
        assert printed.count(path) >= 2, path
