"""The figures the benchmarks share: the one percentile (nearest rank), and the memory and CPU of process trees.

The p-th percentile of n samples is the smallest sample with at least p% of the samples at or below it
(the sample of rank ``ceil(p / 100 * n)`` in ascending order). Every figure printed is therefore a value
that was measured, never an interpolation between two; p0 is the minimum and p100 the maximum.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["cpu_seconds", "descendants", "percentile", "tree_memory_mb"]


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


def descendants(pids: Iterable[int]) -> set[int]:
    """The processes ``pids`` and all their descendants now, from /proc (those that have ended are left out).

    :param pids: the root processes.
    """
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    seen: set[int] = set()
    todo = list(pids)
    while todo:
        pid = todo.pop()
        if pid not in seen and Path(f"/proc/{pid}").exists():
            seen.add(pid)
            todo.extend(children.get(pid, ()))
    return seen


def cpu_seconds(pids: Iterable[int]) -> float:
    """User and system CPU time the processes ``pids`` have spent so far (not their children's), summed.

    :param pids: the processes; those that have ended count 0.
    """
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def tree_memory_mb(pids: Iterable[int]) -> tuple[float, float]:
    """Resident memory of processes and all their descendants, from /proc: (RSS summed, PSS summed) in MiB.

    RSS counts pages shared between processes (forked Python workers) once per process; PSS splits them among
    the sharers, so its sum is what the processes together hold.

    :param pids: the root processes; those that have ended are skipped.
    """
    rss = pss = 0
    for pid in descendants(pids):
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                name, _, value = line.partition(":")
                if name in ("Rss", "Pss"):
                    kib = int(value.split()[0])
                    rss, pss = (rss + kib, pss) if name == "Rss" else (rss, pss + kib)
        except (OSError, ValueError):
            continue  # ended meanwhile
    return rss / 1024, pss / 1024
