"""The exact assignment against a brute-force enumeration on small cases, and the greedy baseline never better."""

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from coso.assignments import matching


def brute(fit, allowed):
    """Best (filled, total fit) over every one-to-one partial assignment of rows to columns."""
    n, m = fit.shape
    best = (0, 0)
    for k in range(0, min(n, m) + 1):
        for cols in itertools.permutations(range(m), k):
            for rows in itertools.combinations(range(n), k):
                if all(allowed[r, c] for r, c in zip(rows, cols, strict=True)):
                    best = max(best, (k, int(sum(fit[r, c] for r, c in zip(rows, cols, strict=True)))))
    return best


@st.composite
def problems(draw):
    n = draw(st.integers(1, 5))
    m = draw(st.integers(1, 4))
    fit = np.array(draw(st.lists(st.lists(st.integers(0, 50), min_size=m, max_size=m), min_size=n, max_size=n)), dtype=np.int64)
    allowed = np.array(draw(st.lists(st.lists(st.booleans(), min_size=m, max_size=m), min_size=n, max_size=n)), dtype=bool)
    return fit, allowed


@settings(max_examples=300, deadline=None)
@given(problems())
def test_exact_equals_brute_force(problem):
    fit, allowed = problem
    pairs = matching.solve(fit, allowed)
    assert len({r for r, _c in pairs}) == len(pairs) == len({c for _r, c in pairs})
    assert all(allowed[r, c] for r, c in pairs)
    got = matching.score(pairs, fit)
    assert (got["filled"], got["total_fit"]) == brute(fit, allowed)
    g = matching.score(matching.greedy(fit, allowed), fit)
    assert (g["filled"], g["total_fit"]) <= (got["filled"], got["total_fit"])


def test_greedy_can_be_worse():
    # Greedy takes A→X (fit 10) and leaves Y empty; the exact answer fills both posts.
    fit = np.array([[10, 9], [8, 0]])
    allowed = np.array([[True, True], [True, False]])
    assert matching.score(matching.greedy(fit, allowed), fit) == {"filled": 1, "total_fit": 10}
    assert matching.score(matching.solve(fit, allowed), fit) == {"filled": 2, "total_fit": 17}


def test_nothing_allowed():
    assert matching.solve(np.zeros((3, 2), dtype=np.int64), np.zeros((3, 2), dtype=bool)) == []
    assert matching.solve(np.zeros((0, 0), dtype=np.int64), np.zeros((0, 0), dtype=bool)) == []
