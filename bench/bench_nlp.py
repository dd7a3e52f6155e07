"""Benchmark the log classifier: messages per second per core for classify_batch, and model memory.

Usage: ``python -m bench.bench_nlp [--model PATH] [--batch 10000] [--batches 20]``

Messages are the committed corpus lines (real-world shapes from 100+ kinds of software), shuffled
and repeated to fill the batches; when ``../shared`` is beside the repository, also the Loghub sample lines
(8 systems interleaved), a real stream with its repeats. Arrow's and BLAS's thread pools are pinned to one thread so the
work runs on one core, the way one Spark task runs the pandas UDF, and throughput is computed from
the process's CPU time (not wall time), so a busy shared machine does not distort the per-core figure.
Medians are :func:`bench.stats.percentile` at 50. Ends with one JSON line of the same figures.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import logging
import os
import random
import tempfile
import time
import tracemalloc
from pathlib import Path

# Pin native thread pools before numpy/pyarrow are imported: we measure one core.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import pyarrow as pa  # noqa: E402

from bench.stats import percentile  # noqa: E402
from nlp import default_model_path, load_classifier  # noqa: E402
from nlp.corpus import DEFAULT_CORPUS  # noqa: E402
from nlp.realdata import loghub_lines, shared_available  # noqa: E402
from nlp.training import train  # noqa: E402

__all__ = ["main"]

logger = logging.getLogger(__name__)


def _messages(n: int, seed: int = 7) -> list[str]:
    with DEFAULT_CORPUS.open(newline="", encoding="utf-8") as handle:
        corpus = [row["message"] for row in csv.DictReader(handle)]
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        rng.shuffle(corpus)
        out.extend(corpus)
    return out[:n]


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one summary block.

    :param argv: command-line arguments.
    """
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=None, help="artifact (default: train into a temp dir)")
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--batches", type=int, default=20)
    args = parser.parse_args(argv)
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)

    path = args.model
    if path is None:
        default = default_model_path()
        path = default if default.exists() else Path(tempfile.mkdtemp()) / "classifier.joblib"
        train(out=path)

    gc.collect()
    rss_before = _rss_mb()
    tracemalloc.start()
    classifier = load_classifier(path)
    _, load_peak = tracemalloc.get_traced_memory()
    model_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    rss_after = _rss_mb()

    batches = [_messages(args.batch, seed=i) for i in range(4)]
    classifier.classify_batch(batches[0])  # warm the token cache and code paths
    timings: list[float] = []
    wall: list[float] = []
    for i in range(args.batches):
        batch = batches[i % len(batches)]
        start, start_wall = time.process_time(), time.perf_counter()
        labels, _ = classifier.classify_batch(batch)
        timings.append(time.process_time() - start)
        wall.append(time.perf_counter() - start_wall)
        if len(labels) != len(batch):
            raise RuntimeError("classify_batch returned the wrong number of labels")
    cold = _messages(args.batch, seed=99)
    cold = [f"{m} #{i}" for i, m in enumerate(cold)]  # every line distinct: worst case for the token cache
    start = time.process_time()
    classifier.classify_batch(cold)
    cold_s = time.process_time() - start

    # Real streams repeat themselves (a template's lines often mask to one text), which the corpus lines above
    # barely do: the Loghub samples in ../shared, 8 systems interleaved, when they are there.
    real_rate = None
    if shared_available():
        lines = loghub_lines()
        random.Random(3).shuffle(lines)
        real = [lines[start : start + args.batch] for start in range(0, len(lines), args.batch)]
        real_timings = []
        for i in range(args.batches):
            batch = real[i % len(real)]
            start = time.process_time()
            classifier.classify_batch(batch)
            real_timings.append((time.process_time() - start) / len(batch))
        real_rate = 1 / percentile(real_timings, 50)

    median = percentile(timings, 50)
    print(
        f"model {classifier.version} ({path}), vocabulary {len(classifier.pipeline.named_steps['tfidf'].vocabulary_)}"
    )
    print(f"classify_batch, {args.batch} messages per batch, {args.batches} batches, 1 thread (CPU time):")
    print(f"  median {median * 1000:.1f} ms/batch -> {args.batch / median:,.0f} msgs/s per core")
    print(f"  best   {min(timings) * 1000:.1f} ms/batch -> {args.batch / min(timings):,.0f} msgs/s per core")
    print(f"  all-distinct batch: {cold_s * 1000:.1f} ms -> {args.batch / cold_s:,.0f} msgs/s per core")
    if real_rate is not None:
        print(f"  real lines (Loghub, 8 systems interleaved): median {real_rate:,.0f} msgs/s per core")
    print(f"  wall-clock median {percentile(wall, 50) * 1000:.1f} ms/batch (depends on machine load)")
    print(
        f"model memory: {model_bytes / 2**20:.1f} MiB held by Python after load (peak {load_peak / 2**20:.1f} MiB), "
        f"process RSS +{rss_after - rss_before:.1f} MiB; artifact on disk {path.stat().st_size / 1024:.0f} KiB"
    )
    print(
        json.dumps(
            {
                "bench": "nlp",
                "model_version": classifier.version,
                "median_msgs_per_s_per_core": round(args.batch / median),
                "best_msgs_per_s_per_core": round(args.batch / min(timings)),
                "distinct_msgs_per_s_per_core": round(args.batch / cold_s),
                "real_msgs_per_s_per_core": round(real_rate) if real_rate is not None else None,
                "model_mib": round(model_bytes / 2**20, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
