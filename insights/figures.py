"""Pure arithmetic of the insights page: no Django, fed plain numbers."""

import math
from collections.abc import Iterable


def exposure_concentration(
    histogram: Iterable[tuple[int, int]], top_fraction: float = 0.01
) -> tuple[float, int, float]:
    """(Gini coefficient, size of the top group, its share of all intros).

    histogram: (intros, members with that many) pairs, zeros included. The top
    group is the ceil(top_fraction × members) most-introduced members. Gini is
    the mean absolute difference over twice the mean, computed on the sorted
    values: G = 2 Σ i·x_i / (n Σ x) − (n + 1) / n with ranks i from 1.
    """
    bins = sorted((value, count) for value, count in histogram if count > 0)
    n = sum(count for _, count in bins)
    total = sum(value * count for value, count in bins)
    if n == 0 or total == 0:
        return 0.0, 0, 0.0
    weighted, rank = 0.0, 0
    for value, count in bins:
        # Ranks rank+1 .. rank+count all hold this value; their sum, halved.
        weighted += value * count * (2 * rank + count + 1) / 2
        rank += count
    gini = 2 * weighted / (n * total) - (n + 1) / n
    top = math.ceil(top_fraction * n)
    left, top_sum = top, 0
    for value, count in reversed(bins):
        take = min(left, count)
        top_sum += take * value
        left -= take
        if left == 0:
            break
    return gini, top, top_sum / total


def rate(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide (shown as a dash)."""
    return part / whole if whole else None
