"""bench_planning runs quick and reports the MILP beside the baselines of the same run."""

from bench import run as bench_run


def test_bench_planning_quick():
    rows = bench_run.run_modules(bench_run.discover(["planning"]), quick=True)
    names = {r["benchmark"]: r for r in rows}
    assert "planning.training_plan.gaps_closed" in names, rows
    weighted = names["planning.training_plan.weighted_closed"]
    assert weighted["value"] >= weighted["baseline_value"]
    assert names["planning.training_plan.weighted_vs_priority_first"]["value"] >= names["planning.training_plan.weighted_vs_priority_first"]["baseline_value"]


def test_bench_planning_review_quick(db, commune, other_commune):
    rows = bench_run.run_modules(bench_run.discover(["planning_review"]), quick=True)
    row = {r["benchmark"]: r for r in rows}["planning.review.national_seconds"]
    assert row["value"] > 0 and row["baseline_value"] > 0, rows
