"""Where the CPU of a path goes: CPU seconds of each process, from /proc, before and after a load run.

The issue's breakdown (ms of CPU per read: gateway, registry, RabbitMQ, PostgreSQL) without a profiler:
the suite's own processes, the PostgreSQL backends serving the bench's databases, and the broker
(its whole Erlang VM, so other vhosts' traffic on a shared machine counts too).
"""
from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU of one process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime: fields 14 and 15 of stat(5)


def broker_pids() -> list[int]:
    """RabbitMQ's Erlang VM on this machine (none when the broker is elsewhere)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "beam.smp":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


class Meter:
    """CPU used by named groups of processes between `start()` and `stop()`; groups are re-listed each time."""

    def __init__(self, groups):
        self.groups = groups  # () -> {name: [pid, ...]}
        self._before: dict[str, dict[int, float]] = {}

    def _snapshot(self) -> dict[str, dict[int, float]]:
        return {name: {pid: cpu for pid in pids if (cpu := cpu_seconds(pid)) is not None}
                for name, pids in self.groups().items()}

    def start(self) -> None:
        self._before = self._snapshot()

    def stop(self) -> dict[str, float]:
        """CPU seconds per group; a process that appeared meanwhile counts from zero."""
        after = self._snapshot()
        return {name: sum(cpu - self._before.get(name, {}).get(pid, 0.0) for pid, cpu in pids.items())
                for name, pids in after.items()}
