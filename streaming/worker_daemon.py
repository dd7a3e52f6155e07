"""PySpark's Python worker daemon, with zip importers that re-read an archive only when it has changed, and a
collection of the young generations after each task instead of the whole heap.

Spark runs this as ``spark.python.daemon.module`` (see streaming.session). Every task, PySpark's worker calls
``importlib.invalidate_caches()``, and since Python 3.10 a zip importer re-reads its whole archive directory
then (CPython gh-103200, fixed in 3.12 by making it lazy; Spark's own fix SPARK-54744 is not in 4.1). The
workers' path holds pyspark.zip (one importer per imported sub-package: 11 re-reads per task), py4j and the
15 MB spark-core jar. strace of a worker on this 2-core machine: 360 ms of every task went to those reads,
for a function that ran in 40-80 ms. The archives are part of the installed pyspark and do not change while
the job runs; a changed one (size or mtime) is still re-read.

A reused worker also runs a full ``gc.collect()`` after every task. With the job's modules and the model loaded
that walks ~235,000 objects: 110 ms of CPU a task, three tasks a micro-batch, two batches a second, so a third
of this 2-core machine while 20 events/s trickle in. A task's own garbage is young: collecting the young
generations takes 0-10 ms. The whole heap is still collected once a minute, so cyclic garbage that grew old
within a task (a frame holding an Arrow batch) is freed within a minute even when the interpreter's own
thresholds would wait longer.
"""

from __future__ import annotations

import gc
import os
import time
import zipimport

from pyspark import daemon

_reread = zipimport.zipimporter.invalidate_caches
_read_as: dict[str, tuple[int, int]] = {}


def _invalidate_if_changed(importer: zipimport.zipimporter) -> None:
    try:
        stat = os.stat(importer.archive)
    except OSError:
        _reread(importer)
        return
    if _read_as.get(importer.archive) != (stat.st_size, stat.st_mtime_ns):
        _reread(importer)
        _read_as[importer.archive] = (stat.st_size, stat.st_mtime_ns)


class TaskCollections:
    """What pyspark.daemon sees as its ``gc`` module: it calls only ``collect()``, after each task (in the worker
    the daemon forked, so each worker keeps its own clock).

    :param full_every_s: the least time between two collections of the whole heap.
    """

    def __init__(self, full_every_s: float = 60.0) -> None:
        self.full_every_s = full_every_s
        self._last_full = time.monotonic()

    def collect(self) -> int:
        now = time.monotonic()
        if now - self._last_full < self.full_every_s:
            return gc.collect(1)
        self._last_full = now
        return gc.collect()


if __name__ == "__main__":
    daemon.gc = TaskCollections()  # type: ignore[assignment, attr-defined]
    zipimport.zipimporter.invalidate_caches = _invalidate_if_changed  # type: ignore[assignment, method-assign]
    daemon.manager()  # type: ignore[no-untyped-call]
