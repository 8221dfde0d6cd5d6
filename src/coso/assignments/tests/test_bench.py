"""bench_assignments runs quick and reports the exact matching beside the greedy baseline of the same run."""

from bench import run as bench_run


def test_bench_assignments_quick():
    rows = bench_run.run_modules(bench_run.discover(["assignments"]), quick=True)
    names = {r["benchmark"]: r for r in rows}
    assert "assignments.match.posts_filled" in names, rows
    filled, fit = names["assignments.match.posts_filled"], names["assignments.match.total_fit"]
    assert (filled["value"], fit["value"]) >= (filled["baseline_value"], fit["baseline_value"])
