"""The import bench runs end to end on a few hundred rows, so the script keeps working; nothing is timed."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("run", ["sqlite:300", "postgresql:300"])
def test_the_import_bench_imports_every_row_and_prints_its_figures(run, postgres_url):
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "import_bench.py"), run],
                            env={**os.environ, "TEST_POSTGRES_URL": postgres_url}, capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert "rows/s" in lines[0] and "max RSS MiB" in lines[0]
    assert "done: 300 created, 0 errors, 300 persons, 300 events" in lines[1]
