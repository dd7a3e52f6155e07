"""Search API latency on a large index, next to the same Elasticsearch queries sent directly, and the live tail.

Run: ``.venv/bin/python -m bench.bench_api [--es-url URL] [--kafka HOST:PORT] [--docs N] [--requests N]``.
Without ``--es-url``/``--kafka`` it starts its own Elasticsearch and Kafka (:class:`infra.teststack.TestStack`,
1-2 min). Documents go to indices ``bench_logs-*`` with the index template of ``streaming.es_index``, kept and
reused by the next run when they hold N documents made with the same template (``--reload`` loads afresh);
the tail uses a temporary topic, never the configured classified topic. The API reads both through its
configuration (``INDICES_LOGS``, ``TOPICS_CLASSIFIED``).

Figures:
- bulk load: documents per second of the load (Python ``parallel_bulk``, refresh off), and Elasticsearch's
  CPU per document, which other processes on the machine do not inflate; a reused index reports the figures
  of its own load.
- ``/logs/search`` and ``/logs/trends``: p50/p95/p99 at ``--concurrency`` clients (default 8) over a mix of
  queries (:func:`bench.stats.percentile`), through the API (``python -m api`` in its own process, as deployed)
  and the identical Elasticsearch bodies sent straight to Elasticsearch with the same HTTP client; the ratio
  is API/ES at p95. The paths take turns in ``--rounds`` rounds, so a change in the machine's load (other work
  shares its cores) falls on all alike. Beside the latencies, CPU milliseconds per request of Elasticsearch
  and of the API process (when Elasticsearch runs on this machine): where the time goes. The fixed ranges
  repeat, so Elasticsearch answers the histograms from its request cache; the row ``trends moving`` moves each
  histogram's range by a millisecond per request, as a dashboard's ``now-15m`` does, so they are computed.
  The ``/logs/trends`` row also sends the bodies through :mod:`bench.bare_proxy`, in the same rounds: the same
  server and client libraries passing requests on and nothing else, so its ratio to Elasticsearch is the
  floor of any Python API here (a cached histogram costs Elasticsearch about 1 ms of CPU, as little as the hop);
  and through :mod:`bench.bare_proxy`'s trends hop, which answers ``/logs/trends`` from the same parameters with
  the API's own body and reshaping functions but no framework, client library, authentication or logging: the
  floor of any API that rewrites Elasticsearch's answer.
  Each row is measured after a warm-up: batches of ``--warmup`` requests (default 1,000) straight to
  Elasticsearch until its CPU per request is within 10 % of the batch before (at most 10 batches; wall time
  per request when it runs elsewhere), then one batch through the hop. A node that has just started and
  bulk-loaded has not compiled its search code yet, and on 2 cores its first searches cost two to three times
  what they cost later (Elasticsearch CPU per search of the mix: 16 ms after 100 warm-up requests, 11 ms after
  1,000, 7 ms on a node warmed for minutes; per cached histogram 3.1 ms after 1,000, 0.9 ms warm), which is a
  cold start, not the latency of a running deployment.
- live tail: documents produced to Kafka, delivered to one WebSocket client with a filter; delivered per
  second and produce-to-browser latency p50/p95. kafka-python's producer builds its batches in Python (about
  20 µs of CPU an event), so the producer rather than the tail may be the limit: both rates are printed.

Ends with one JSON line of the same figures.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import httpx
from elasticsearch import Elasticsearch
from elasticsearch.helpers import parallel_bulk

from api.filters import LogFilter
from api.routers.search import search_body
from api.routers.stats import DEFAULT_BUCKETS, DEFAULT_SPLIT, trends_body
from api.timerange import choose_interval_ms, resolve_range
from bench.stats import cpu_seconds, percentile
from core.config import REPO_ROOT
from core.contract import Topics, rfc3339
from infra.teststack import free_port
from streaming.es_index import ensure_template, index_name, index_template

__all__ = ["main"]

PREFIX = "bench_logs"
JSON_HEADERS = {"Content-Type": "application/json"}
SERVICES = [
    f"svc-{n}"
    for n in (
        "checkout",
        "auth",
        "search",
        "cart",
        "billing",
        "inventory",
        "gateway",
        "email",
        "recs",
        "profile",
        "orders",
        "payments",
    )
]
HOSTS = [f"web-{i:02d}" for i in range(1, 11)]
LEVELS = ["INFO"] * 70 + ["DEBUG"] * 12 + ["WARN"] * 10 + ["ERROR"] * 7 + ["CRITICAL"]
TEMPLATES = {
    "security": [
        "Failed login for user {u} from 10.0.{a}.{b}",
        "Access denied to /admin for user {u}",
        "Invalid API key presented by client {u}",
        "TLS handshake failed with peer 10.0.{a}.{b}",
    ],
    "performance": [
        "Request to /api/items took {n} ms, above the latency budget",
        "GC pause of {n} ms",
        "Upstream timeout after {n} ms calling inventory",
        "Queue backlog at {n} messages",
    ],
    "business": [
        "Order {n} paid by customer {u} total {a}.{b} EUR",
        "Payment declined for order {n}",
        "User {u} signed up from campaign spring",
        "Refund issued for order {n}",
    ],
    "general": [
        "Worker {a} started",
        "Configuration reloaded from /etc/app/{u}.yaml",
        "Cache warmed with {n} entries",
        "Scheduled job cleanup finished in {n} ms",
    ],
}


def generate(count: int, end: datetime, span: timedelta, seed: int = 7) -> Iterator[dict[str, Any]]:
    rnd = random.Random(seed)
    categories = list(TEMPLATES)
    for i in range(count):
        ts = end - span * rnd.random()
        category = categories[rnd.randrange(4)]
        message = rnd.choice(TEMPLATES[category]).format(
            u=f"user{rnd.randrange(5000)}", a=rnd.randrange(256), b=rnd.randrange(256), n=rnd.randrange(100000)
        )
        stamp = ts.isoformat()
        yield {
            "_index": index_name(ts, PREFIX),
            "_id": f"b{i}",
            "_source": {
                "event_id": f"b{i}",
                "timestamp": stamp,
                "level": rnd.choice(LEVELS),
                "service": rnd.choice(SERVICES),
                "host": rnd.choice(HOSTS),
                "logger": f"app.{category}",
                "message": message,
                "attributes": {"request_id": f"r{i}"},
                "category": category,
                "category_confidence": round(rnd.uniform(0.4, 1.0), 3),
                "model_version": "bench",
                "ingested_at": stamp,
                "processed_at": stamp,
                "format": "json",
                "redactions": 0,
                "kafka": {"topic": Topics().logs, "partition": i % 3, "offset": i // 3},
            },
        }


def template_fingerprint() -> str:
    """A digest of the index template, so indices made with another template are never reused."""
    text = json.dumps(index_template(PREFIX), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def es_pid(es: Elasticsearch) -> int | None:
    """The process id of the Elasticsearch node when it runs on this machine (its CPU is then measurable)."""
    nodes = es.nodes.info(node_id="_local", metric="process")["nodes"]
    pid = next(iter(nodes.values()))["process"]["id"]
    try:
        here = b"elasticsearch" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        here = False
    return pid if here else None


def cpu_ms(pid: int | None) -> float:
    """User plus system CPU time of a process so far, in ms (0 for None or a process that is gone)."""
    return 0.0 if pid is None else 1000 * cpu_seconds([pid])


def seed(es: Elasticsearch, count: int, pid: int | None, reload: bool) -> tuple[datetime, dict[str, Any]]:
    """Index ``count`` documents over the 24 h before now, unless a previous run left exactly that many made
    with the current template; returns the newest time and the load's figures.
    """
    ensure_template(es, PREFIX)
    es.indices.refresh(index=f"{PREFIX}-*", allow_no_indices=True, ignore_unavailable=True)
    existing = es.indices.get_mapping(index=f"{PREFIX}-*", allow_no_indices=True, ignore_unavailable=True)
    metas = [m["mappings"].get("_meta", {}) for m in existing.values()]
    fingerprint = template_fingerprint()
    if not reload and metas and all(m.get("template") == fingerprint for m in metas):
        if es.count(index=PREFIX)["count"] == count:
            newest = es.search(index=PREFIX, size=0, aggs={"max": {"max": {"field": "timestamp"}}})
            anchor = datetime.fromtimestamp(newest["aggregations"]["max"]["value"] / 1000, UTC)
            load = metas[0].get("load", {})
            shown = ", ".join(f"{k} {v}" for k, v in load.items())
            print(f"reusing {count:,} documents in {PREFIX}-* (newest {rfc3339(anchor)}); their load: {shown}")
            return anchor, load
    if existing:  # by name: Elasticsearch refuses wildcard deletes (action.destructive_requires_name)
        es.indices.delete(index=",".join(existing))
    end = datetime.now(UTC)
    days = {index_name(end - timedelta(hours=h), PREFIX) for h in range(0, 25)}
    for name in sorted(days):  # no refreshes while loading: one at the end
        es.indices.create(
            index=name, settings={"refresh_interval": "-1"}, mappings={"_meta": {"template": fingerprint}}
        )
    started, cpu_before = time.perf_counter(), cpu_ms(pid)
    done = 0
    for ok, _ in parallel_bulk(
        es.options(request_timeout=120),
        generate(count, end, timedelta(hours=24)),
        thread_count=2,
        chunk_size=5000,
        queue_size=4,
    ):
        done += ok
    es.indices.put_settings(index=f"{PREFIX}-*", settings={"refresh_interval": "1s"})
    es.indices.refresh(index=f"{PREFIX}-*")
    elapsed = time.perf_counter() - started
    load = {"bulk_docs_per_s": round(done / elapsed)}
    line = f"indexed {done:,} documents in {elapsed:.0f} s ({done / elapsed:,.0f} docs/s)"
    if pid is not None:
        load["bulk_es_cpu_us_per_doc"] = round((cpu_ms(pid) - cpu_before) * 1000 / done, 1)
        line += f", Elasticsearch CPU {load['bulk_es_cpu_us_per_doc']} us per document"
    size = es.indices.stats(index=f"{PREFIX}-*", metric="store")["_all"]["total"]["store"]["size_in_bytes"]
    load["store_mb"] = round(size / 2**20)
    print(f"{line}; {load['store_mb']} MiB on disk")
    es.indices.put_mapping(index=f"{PREFIX}-*", meta={"template": fingerprint, "load": load})
    return end, load


def variants(anchor: datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The search and trends parameter mixes, with absolute ranges ending at the newest document."""

    def rng(hours: float) -> dict[str, str]:
        return {"from": rfc3339(anchor - timedelta(hours=hours)), "to": rfc3339(anchor)}

    searches = [
        {**rng(0.25)},
        {**rng(1), "q": "timeout"},
        {**rng(24), "q": "service:svc-checkout level:error"},
        {**rng(24), "q": '"payment declined" OR refund'},
        {**rng(6), "category": "security"},
        {**rng(1), "q": "user4* -level:debug"},
        {**rng(24), "host": "web-03", "q": "latency"},
        {**rng(24), "sort": "asc"},
    ]
    trends = [
        {**rng(0.25)},
        {**rng(1)},
        {**rng(6), "split": "level"},
        {**rng(24)},
        {**rng(24), "q": "level:error OR level:critical", "split": "service"},
    ]
    return searches, trends


def es_bodies(searches: list[dict[str, Any]], trends: list[dict[str, Any]]) -> tuple[list[Any], list[Any]]:
    """The exact bodies the API sends for each variant (built by the API's own functions)."""

    def parts(p: dict[str, Any]) -> tuple[LogFilter, Any]:
        filters = LogFilter.build(
            p.get("q", ""),
            [p["service"]] if "service" in p else None,
            [p["level"]] if "level" in p else None,
            [p["category"]] if "category" in p else None,
            [p["host"]] if "host" in p else None,
        )
        return filters, resolve_range(p["from"], p["to"])

    s_bodies = []
    for p in searches:
        filters, time_range = parts(p)
        s_bodies.append(search_body(filters, time_range, sort=p.get("sort", "desc"), size=50))
    t_bodies = []
    for p in trends:
        filters, time_range = parts(p)
        step = choose_interval_ms(time_range.span_ms, DEFAULT_BUCKETS)
        t_bodies.append(trends_body(filters, time_range, step, p.get("split", DEFAULT_SPLIT)))
    return s_bodies, t_bodies


async def load(requests: list[tuple[str, str, Any]], total: int, concurrency: int) -> list[float]:
    """Send ``total`` requests (cycling through ``requests``) from ``concurrency`` clients; latencies in ms.

    aiohttp rather than httpx: httpx took 3.5 ms of CPU per request here, more than Elasticsearch answering a
    cached histogram, and on two cores the client's CPU is taken from the servers it measures.
    """
    latencies: list[float] = []
    counter = iter(range(total))
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as client:

        async def worker() -> None:
            for i in counter:
                method, url, body = requests[i % len(requests)]
                started = time.perf_counter()
                if method == "GET":
                    response = await client.get(url, params=body)
                else:
                    response = await client.post(url, data=json.dumps(body), headers=JSON_HEADERS)
                async with response:
                    text = await response.text()
                latencies.append((time.perf_counter() - started) * 1000)
                if response.status != 200:
                    raise RuntimeError(f"{url} answered {response.status}: {text[:200]}")

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def pct(samples: list[float]) -> tuple[float, float, float]:
    return percentile(samples, 50), percentile(samples, 95), percentile(samples, 99)


def serve(argv: list[str], env: dict[str, str], log_path: Path, ready_url: str) -> subprocess.Popen[bytes]:
    """Start a server process and wait until ``ready_url`` answers 200 (its output goes to ``log_path``)."""
    log = open(log_path, "wb")  # noqa: SIM115 (lives as long as the process)
    proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO_ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(ready_url, timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError(f"{argv[2]} did not start; see {log_path}")


def start_api(es_url: str, kafka: str, topic: str, var_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "ES_URL": es_url,
        "INDICES_LOGS": PREFIX,
        "KAFKA_BOOTSTRAP_SERVERS": kafka,
        "API_PORT": str(port),
        "API_HOST": "127.0.0.1",
        "API_RATE_LIMIT_PER_S": "0",
        "TOPICS_CLASSIFIED": topic,
        "API_WS_QUEUE_SIZE": "100000",
        "LOGWATCH_VAR_DIR": str(var_dir),
    }
    url = f"http://127.0.0.1:{port}"
    return serve([sys.executable, "-m", "api"], env, var_dir / "api.log", f"{url}/auth/me"), url


def start_proxy(es_url: str, var_dir: Path, trends: bool = False) -> tuple[subprocess.Popen[bytes], str]:
    """:mod:`bench.bare_proxy` in front of ``es_url``: the pass-through hop, or with ``trends`` the hop that
    answers ``/logs/trends`` over the benchmark's indices."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "bench.bare_proxy", es_url, str(port), *(["--trends", PREFIX] if trends else [])]
    log = var_dir / ("trends_hop.log" if trends else "proxy.log")
    return serve(argv, dict(os.environ), log, f"{url}/" if not trends else f"{url}/logs/trends"), url


def bench_http(
    api: tuple[str, int],
    proxy: tuple[str, int],
    reshape: tuple[str, int],
    es_url: str,
    es_process: int | None,
    anchor: datetime,
    total: int,
    concurrency: int,
    rounds: int,
    warmup: int,
) -> dict[str, float | None]:
    """Print the latency table of the API next to Elasticsearch; returns its figures in ms.

    :param api: the API's URL and process id.
    :param proxy: the URL and process id of :mod:`bench.bare_proxy` in front of ``es_url``.
    :param reshape: the URL and process id of :mod:`bench.bare_proxy`'s trends hop.
    :param es_process: Elasticsearch's process id when it runs on this machine, else None.
    :param rounds: the paths of a row take turns this many times, ``total / rounds`` requests each time.
    :param warmup: requests per warm-up batch (see the module's docstring).
    """
    api_url, api_process = api
    proxy_url, proxy_process = proxy
    reshape_url, reshape_process = reshape
    processes = {"ES": None, "API": api_process, "proxy": proxy_process, "reshape": reshape_process}
    figures: dict[str, float | None] = {}
    searches, trends = variants(anchor)
    s_bodies, t_bodies = es_bodies(searches, trends)
    es_search = f"{es_url}/{PREFIX}/_search?ignore_unavailable=true&allow_no_indices=true"
    Requests = list[tuple[str, str, Any]]

    def fixed(api_path: str, params: list[dict[str, Any]], bodies: list[Any]) -> Any:
        def make(via: str, round_no: int, n: int) -> Requests:
            if via in ("API", "reshape"):
                return [("GET", f"{api_url if via == 'API' else reshape_url}{api_path}", p) for p in params]
            base = es_search.replace(es_url, proxy_url, 1) if via == "proxy" else es_search
            return [("POST", base, b) for b in bodies]

        return make

    def moving(via: str, round_no: int, n: int) -> Requests:
        """Histograms whose range ends a few ms earlier at every request, as a dashboard's now-15m moves: each
        body is new, so Elasticsearch computes it instead of answering from its request cache."""
        out: Requests = []
        for i in range(n):
            shift = timedelta(milliseconds=2 * (round_no * n + i) + (via == "API") + 1)
            params = variants(anchor - shift)[1][i % len(trends)]
            if via == "API":
                out.append(("GET", f"{api_url}/logs/trends", params))
            else:
                out.append(("POST", es_search, es_bodies([], [params])[1][0]))
        return out

    # (row, requests, the paths measured beside Elasticsearch): for the cached histograms also the two bare hops,
    # the least any Python hop costs, in the same rounds so that all meet Elasticsearch in the same state.
    cases = [
        ("/logs/search", fixed("/logs/search", searches, s_bodies), ("API",)),
        ("/logs/trends", fixed("/logs/trends", trends, t_bodies), ("API", "proxy", "reshape")),
        ("trends moving", moving, ("API",)),
    ]
    print(
        f"\n{total} requests per path and row in {rounds} rounds taking turns, {concurrency} concurrent clients, "
        f"mixes of {len(searches)} searches and {len(trends)} histograms (15 min to 24 h); 'trends moving': the "
        "histograms with a range that moves by a millisecond at every request, so never from the request cache; "
        "'proxy': the same requests as ES through bench.bare_proxy, a Python hop that only passes them on; "
        "'reshape': bench.bare_proxy's hop answering /logs/trends as the API does, without a framework"
    )
    print(
        f"{'':14} {'via':7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>7} {'ES cpu ms/req':>14} {'hop cpu':>8}"
    )
    per_round = max(1, total // rounds)
    for name, make, hops in cases:
        # Warm caches, connections and the JVM's compiled code: batches straight to Elasticsearch until its cost
        # per request settles, then one through each hop. Round numbers past the measured ones: the moving
        # ranges of the warm-up are never measured, and each batch's are new.
        costs: list[float] = []
        while len(costs) < 10 and (len(costs) < 2 or abs(costs[-1] - costs[-2]) > 0.1 * costs[-2]):
            es0, started = cpu_ms(es_process), time.perf_counter()
            asyncio.run(load(make("ES", rounds + 1 + len(costs), warmup), warmup, concurrency))
            spent_ms = cpu_ms(es_process) - es0 if es_process is not None else (time.perf_counter() - started) * 1000
            costs.append(spent_ms / warmup)
        for hop in hops:
            asyncio.run(load(make(hop, rounds + 1, warmup), warmup, concurrency))
        what = "CPU" if es_process is not None else "wall time"
        trail = " -> ".join(f"{c:.1f}" for c in costs)
        print(f"{name:14} warm-up: {len(costs)} x {warmup} requests, Elasticsearch {what} ms per request {trail}")
        paths = ("ES", *hops)
        lat: dict[str, list[float]] = {via: [] for via in paths}
        spent = {via: {"s": 0.0, "es": 0.0, "hop": 0.0} for via in paths}
        for r in range(rounds):
            for via in paths[r % len(paths) :] + paths[: r % len(paths)]:  # each path goes first in turn
                es0, hop0, started = cpu_ms(es_process), cpu_ms(processes[via]), time.perf_counter()
                lat[via] += asyncio.run(load(make(via, r + 1, per_round), per_round, concurrency))
                spent[via]["s"] += time.perf_counter() - started
                spent[via]["es"] += cpu_ms(es_process) - es0
                spent[via]["hop"] += cpu_ms(processes[via]) - hop0
        rows = {via: pct(samples) for via, samples in lat.items()}
        key = name.strip("/").replace("/", "_").replace(" ", "_")
        for via, (p50, p95, p99) in rows.items():
            n = len(lat[via])
            es_cpu = spent[via]["es"] / n if es_process is not None else None
            hop_cpu = spent[via]["hop"] / n if via != "ES" else None
            cpu_text = f"{es_cpu:14.1f}" if es_cpu is not None else f"{'-':>14}"
            cpu_text += f" {hop_cpu:8.1f}" if hop_cpu is not None else f" {'':8}"
            print(f"{name:14} {via:7} {p50:8.1f} {p95:8.1f} {p99:8.1f} {n / spent[via]['s']:7.0f} {cpu_text}")
            sub = f"{key}_{via.lower()}"
            figures.update(
                {f"{sub}_p50_ms": round(p50, 1), f"{sub}_p95_ms": round(p95, 1), f"{sub}_p99_ms": round(p99, 1)}
            )
            # Elasticsearch's CPU per request sent directly and through each hop, each hop's own per request.
            figures[f"{key}_es_cpu_ms_{'direct' if via == 'ES' else 'via_' + via.lower()}"] = (
                round(es_cpu, 2) if es_cpu is not None else None
            )
            if hop_cpu is not None:
                figures[f"{key}_{via.lower()}_cpu_ms"] = round(hop_cpu, 2)
        ratio = rows["API"][1] / rows["ES"][1]
        figures[f"{key}_ratio_p95"] = round(ratio, 2)
        verdict = "meets" if rows["API"][1] <= 100 else "misses"
        line = f"{name:14} API/ES p95 x{ratio:.2f}; API p95 {verdict} the 100 ms aim"
        if "proxy" in rows:
            floors = {hop: rows[hop][1] / rows["ES"][1] for hop in ("proxy", "reshape")}
            figures.update({f"{key}_{hop}_ratio_p95": round(floor, 2) for hop, floor in floors.items()})
            line += (
                f"; proxy/ES p95 x{floors['proxy']:.2f}, what any Python hop costs here; reshape/ES "
                f"x{floors['reshape']:.2f}, any that rewrites the answer"
            )
        print(line)
    return figures


def bench_tail(api_url: str, kafka: str, topic: str, count: int) -> dict[str, float]:
    """Print the live tail's delivery rate and latency; returns them."""
    from kafka import KafkaProducer
    from websockets.sync.client import connect

    ws_url = api_url.replace("http://", "ws://") + "/ws/logs?service=svc-checkout,svc-auth"
    received: list[float] = []
    latencies: list[float] = []
    with connect(ws_url, max_size=None) as ws:
        json.loads(ws.recv(timeout=10))  # hello
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # wait until the hub's consumer sits at the end of the topic
            message = json.loads(ws.recv(timeout=30))
            if message.get("type") == "status" and message.get("tail") == "live":
                break
        producer = KafkaProducer(bootstrap_servers=kafka, linger_ms=5, batch_size=256 * 1024)
        services = ["svc-checkout", "svc-auth", "svc-search", "svc-cart"]
        produced_s: list[float] = []

        def produce() -> None:
            started = time.perf_counter()
            for i in range(count):
                doc = {
                    "event_id": f"t{i}",
                    "timestamp": datetime.now(UTC).isoformat(),
                    "level": "INFO",
                    "service": services[i % 4],
                    "message": f"tail benchmark line {i}",
                    "category": "general",
                    "sent_at": time.time(),
                }
                producer.send(topic, json.dumps(doc).encode())
            producer.flush(60)
            produced_s.append(time.perf_counter() - started)

        thread = threading.Thread(target=produce)
        started = time.perf_counter()
        thread.start()
        wanted = count // 2
        while len(received) < wanted:
            try:
                message = json.loads(ws.recv(timeout=30))
            except TimeoutError:
                break
            if message["type"] == "logs":
                now = time.time()
                for doc in message["items"]:
                    received.append(now)
                    latencies.append((now - doc["sent_at"]) * 1000)
        thread.join()
        producer.close(10)
    elapsed = (received[-1] - (received[0] - 0.0)) if len(received) > 1 else 0.0
    total_s = time.perf_counter() - started
    p50, p95, _ = pct(latencies) if latencies else (0.0, 0.0, 0.0)
    print(
        f"\nlive tail: {count:,} produced in {produced_s[0]:.1f} s ({count / produced_s[0]:,.0f}/s, kafka-python), "
        f"{len(received):,} of {wanted:,} matching delivered to the WebSocket in {total_s:.1f} s "
        f"({len(received) / total_s:,.0f}/s); produce-to-client latency p50 {p50:.0f} ms, p95 {p95:.0f} ms"
        f" (first-to-last delivery span {elapsed:.1f} s)"
    )
    return {
        "tail_delivered_per_s": round(len(received) / total_s),
        "tail_p50_ms": round(p50),
        "tail_p95_ms": round(p95),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--es-url")
    parser.add_argument("--kafka")
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=1200, help="per path and row")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=6, help="the paths of a row take turns this many times")
    parser.add_argument(
        "--warmup",
        type=int,
        default=1000,
        help="requests per warm-up batch; batches are sent until Elasticsearch's cost per request settles",
    )
    parser.add_argument("--reload", action="store_true", help="load the documents even if a previous run left them")
    parser.add_argument("--tail-docs", type=int, default=20_000)
    args = parser.parse_args(argv)

    stack = None
    work = Path(tempfile.mkdtemp(prefix="bench_api_"))
    if not args.es_url or not args.kafka:
        from infra.teststack import TestStack

        stack = TestStack(work / "var")
        print("starting Elasticsearch and Kafka for the benchmark ...")
        args.es_url = args.es_url or stack.start_elasticsearch()
        args.kafka = args.kafka or stack.start_kafka()
    api_proc = proxy_proc = reshape_proc = None
    topic = f"bench-tail-{uuid.uuid4().hex[:8]}"
    from kafka.admin import KafkaAdminClient, NewTopic

    admin = None
    try:
        admin = KafkaAdminClient(bootstrap_servers=args.kafka)
        admin.create_topics([NewTopic(topic, 3, 1)])
        es = Elasticsearch(args.es_url, request_timeout=120)
        es_process = es_pid(es)
        anchor, bulk = seed(es, args.docs, es_process, args.reload)
        api_proc, api_url = start_api(args.es_url, args.kafka, topic, work)
        proxy_proc, proxy_url = start_proxy(args.es_url, work)
        reshape_proc, reshape_url = start_proxy(args.es_url, work, trends=True)
        print(
            f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
            "(everything, Elasticsearch included, shares them)"
        )
        figures = bench_http(
            (api_url, api_proc.pid),
            (proxy_url, proxy_proc.pid),
            (reshape_url, reshape_proc.pid),
            args.es_url,
            es_process,
            anchor,
            args.requests,
            args.concurrency,
            args.rounds,
            args.warmup,
        )
        figures.update(bench_tail(api_url, args.kafka, topic, args.tail_docs))
        print(json.dumps({"bench": "api", "docs": args.docs, **bulk, **figures}))
    finally:
        if admin is not None:
            try:  # a fresh client: the first one's idle connection may have been closed by the broker by now
                admin.close()
                cleanup = KafkaAdminClient(bootstrap_servers=args.kafka)
                cleanup.delete_topics([topic])
                cleanup.close()
            except Exception as exc:  # leaving a temporary topic behind is not worth failing the run
                print(f"could not delete topic {topic}: {exc}", file=sys.stderr)
        for proc in (api_proc, proxy_proc, reshape_proc):
            if proc is not None:
                proc.terminate()
                proc.wait(15)
        if stack is not None:
            stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
