"""Load generator: synthetic events from the demo simulators, or raw log files replayed as they are.

python -m producers.loadgen --rate 2000 --duration 30 [--services search,auth] [--bootstrap HOST:PORT]
python -m producers.loadgen --replay /work/shared/data/loghub --rate 0
"""

from __future__ import annotations

from producers.loadgen.generate import EventPool, LoadResult, pace, run_replay, run_synthetic
from producers.loadgen.progress import Progress
from producers.loadgen.replay import interleave, log_files, read_lines, service_for

__all__ = [
    "EventPool",
    "LoadResult",
    "Progress",
    "interleave",
    "log_files",
    "pace",
    "read_lines",
    "run_replay",
    "run_synthetic",
    "service_for",
]
