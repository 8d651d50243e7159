"""docs/benchmarks-read-latency.png: read-by-id latency p50 and p99 against throughput, connections rising."""
from __future__ import annotations

from pathlib import Path


def read_latency(sweep: list[dict], baseline_rate: float | None, path: Path) -> Path | None:
    """The plot, or None when matplotlib is missing (it is in bench/requirements.txt, not the services')."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    rates = [point["rate"] for point in sweep]
    figure, axes = plt.subplots(figsize=(8, 5), dpi=100)
    axes.plot(rates, [p["p50_ms"] for p in sweep], marker="o", label="p50")
    axes.plot(rates, [p["p99_ms"] for p in sweep], marker="s", label="p99")
    for point in sweep:
        axes.annotate(f"c{point['connections']}", (point["rate"], point["p99_ms"]), textcoords="offset points",
                      xytext=(4, 4), fontsize=8)
    axes.axhline(50, color="grey", linestyle=":", linewidth=1, label="p99 target (50 ms)")
    if baseline_rate:
        axes.axvline(0.35 * baseline_rate, color="grey", linestyle="--", linewidth=1,
                     label="0.35× bare nameko")
    axes.set_yscale("log")
    axes.set_xlabel("throughput (req/s), wrk closed loop at rising connections")
    axes.set_ylabel("latency (ms)")
    axes.set_title("GET /v1/persons/{id}: latency against load")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return path
