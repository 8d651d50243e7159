"""The benchmark suite of issue 10: `python -m bench.suite` (or `./dev bench`) measures every hot path."""
