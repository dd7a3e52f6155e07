"""The one percentile of the benchmarks: nearest rank.

The p-th percentile of n samples is the smallest sample with at least p% of the samples at or below it
(the sample of rank ``ceil(p / 100 * n)`` in ascending order). Every figure printed is therefore a value
that was measured, never an interpolation between two; p0 is the minimum and p100 the maximum.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

__all__ = ["percentile"]


def percentile(values: Iterable[float], q: float) -> float:
    """The ``q``-th percentile of ``values`` by nearest rank.

    :param values: the samples, in any order.
    :param q: the percentile, from 0 to 100 (99.9 for p99.9).
    :raises ValueError: there are no samples, or ``q`` is outside 0..100.
    """
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of no samples: measure something first.")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is outside 0..100: pass e.g. 50, 95 or 99.9.")
    # Rounded first so 99.9 * 1000 / 100 (999.0000000000001 in floating point) is rank 999, not 1000.
    rank = math.ceil(round(q * len(ordered) / 100, 9))
    return float(ordered[max(rank, 1) - 1])
