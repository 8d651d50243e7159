"""The machine a benchmark ran on: CPU, cores, memory, and the versions of what was measured."""
from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "?"


def _wrk_version() -> str:
    try:
        output = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=10)
        return (output.stdout or output.stderr).split(" Copyright")[0].strip() or "?"
    except (OSError, subprocess.TimeoutExpired):
        return "not installed (Python client used)"


def describe(rabbitmq: str, postgresql: str) -> dict:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory": _memory(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "rabbitmq": rabbitmq,
        "postgresql": postgresql,
        "wrk": _wrk_version(),
        "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
