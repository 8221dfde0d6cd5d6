"""bench_reorg reports the records a reorganisation moved, not the notes a move adds beside them."""

from bench import bench_reorg


def test_the_bench_counts_moved_records_not_the_notes_beside_them():
    """The bench added up every number of the result: a planning entry closed as a duplicate and a decision returned were
    counted a second time (they are among the records moved)."""
    result = {"movers": {"units.villages": {"26734": 4}, "feedback.open": {"village:12": 5, "26734": 2},
                         "planning.lists": {"26734": 1, "duplicates_closed:26734": 1},
                         "assignments.pending_decisions": {"26734": 3, "returned:26734": 2}, "tasks.open": {}}}
    assert bench_reorg.moved_records(result) == 15
