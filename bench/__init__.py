"""Benchmarks: each ``bench/bench_*.py`` runs as ``python -m bench.bench_xxx`` from the repository root.

They print their figures for people, then one JSON line for tools (``make bench`` runs them all). Nothing
here asserts a timing. Services come from :mod:`infra.teststack`, the launcher the tests use.
"""

from __future__ import annotations
