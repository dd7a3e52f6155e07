"""The job's supervision of its queries: a failed query restarts after a pause from core.retry's back-off."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from core.config import REPO_ROOT
from streaming.job import _Restarting


class StoppedQuery:
    """A query that has already failed, as ``spark.streams`` hands it back."""

    isActive = False
    id = "q"

    def exception(self) -> Any:
        return None


def test_a_failing_query_restarts_after_pauses_doubling_from_1_s_to_30_s_without_jitter() -> None:
    starts: list[float] = []
    now = 0.0

    def start() -> Any:
        starts.append(now)
        return StoppedQuery()

    supervised = _Restarting("index", start)
    pauses = []
    supervised.check(now)
    for _ in range(7):
        now += 0.1
        supervised.check(now)  # notices the failure and schedules the restart
        pauses.append(supervised.pause_s)
        now = supervised.restart_at
        supervised.check(now)
    assert pauses == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert len(starts) == 8

    # A query that ran for over two minutes failed for a new reason: the back-off starts again.
    now += 121
    supervised.check(now)
    assert supervised.pause_s == 1.0


def test_the_driver_process_does_not_load_scikit_learn() -> None:
    # The driver ships the model to the workers and reads only its metadata: scikit-learn with SciPy held 75 MiB
    # of its memory (bench_pipeline's idle stack).
    probe = "import sys, streaming.__main__; print(sorted({'sklearn', 'scipy', 'joblib'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO_ROOT)
    assert done.stdout.strip() == "[]"
