"""Benchmarks: `make bench` (bench/run.py). Each bench_<name>.py exposes run(quick=False) -> list[dict]."""
