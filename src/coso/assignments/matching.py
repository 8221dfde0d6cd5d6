"""Filling several vacancies at once: an assignment problem solved exactly.

Rows are people, columns are vacant posts (a post with two vacancies is two columns). A pair is allowed only
when the person passes every rule for the post; its weight is the fit score. The objective is lexicographic:
fill as many posts as possible, then maximise the total fit. Each allowed pair weighs ``fit + BONUS`` with
``BONUS`` larger than any possible sum of fits, forbidden pairs weigh 0 (the same as leaving the post empty), and
``scipy.optimize.linear_sum_assignment`` (Hungarian / Jonker–Volgenant, exact) maximises the sum. The greedy
baseline takes the best remaining pair first.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment


def solve(fit: np.ndarray, allowed: np.ndarray) -> list[tuple[int, int]]:
    """Optimal (row, column) pairs: most posts filled, then the highest total fit. ``fit`` ≥ 0, ``allowed`` boolean, same shape."""
    if fit.size == 0 or not allowed.any():
        return []
    fit = np.where(allowed, fit, 0).astype(np.float64)
    bonus = float(fit.max(initial=0)) * min(fit.shape) + 1.0
    weight = np.where(allowed, fit + bonus, 0.0)
    rows, cols = linear_sum_assignment(weight, maximize=True)
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if allowed[r, c]]


def greedy(fit: np.ndarray, allowed: np.ndarray) -> list[tuple[int, int]]:
    """Baseline: the allowed pair with the highest fit first, then the next among free rows and columns."""
    order = sorted(zip(*np.nonzero(allowed), strict=True), key=lambda rc: (-float(fit[rc[0], rc[1]]), int(rc[0]), int(rc[1])))
    used_r: set[int] = set()
    used_c: set[int] = set()
    out = []
    for r, c in order:
        if r in used_r or c in used_c:
            continue
        used_r.add(int(r))
        used_c.add(int(c))
        out.append((int(r), int(c)))
    return out


def score(pairs: list[tuple[int, int]], fit: np.ndarray) -> dict[str, Any]:
    return {"filled": len(pairs), "total_fit": int(sum(int(fit[r, c]) for r, c in pairs))}
