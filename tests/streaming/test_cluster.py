"""The streaming job on a Spark standalone cluster: a master and two workers from pyspark's own distribution.

Real Kafka and Elasticsearch (the session's, under names of this test's own), real Spark daemons (infra.spark_cluster).
The workers run in a mount namespace where the driver's state folder and the configured model do not exist, as on
other hosts: the model reaches the executors only through the driver (streaming.shipped_model). The rules state
needs no such care: the rules fold their counts on the driver (streaming.rules.evaluate, in foreachBatch).

A killed worker's task is run again within its batch (Spark does not count a lost executor against
``spark.task.maxFailures``): the second test makes sure a first attempt that had sent part of its records does not
get them sent twice.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch, NotFoundError
from kafka import KafkaProducer

from core.config import REPO_ROOT
from core.contract import Indices, Topics
from infra import kafka_broker, spark_cluster
from infra.spark_cluster import SparkCluster
from infra.teststack import TestStack, free_port
from nlp.artifact import metadata_path, read_metadata
from nlp.model import TrainConfig
from nlp.training import train
from tests.streaming.test_pipeline import SERVICES, read_all, valid_event, wait_for

pytestmark = pytest.mark.integration

EVENTS = 10_000


@dataclass
class ClusterJob:
    stack: TestStack
    cluster: SparkCluster
    topics: Topics
    index: str
    model: Path
    es: Elasticsearch


@pytest.fixture(scope="module")
def job(kafka_bootstrap: str, es_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClusterJob]:
    tag = uuid.uuid4().hex[:6]
    topics = Topics(
        logs=f"k{tag}.in", classified=f"k{tag}.out", dlq=f"k{tag}.dlq", alerts=f"k{tag}.al", alerts_dlq=f"k{tag}.ald"
    )
    indices = Indices(logs=f"k{tag}_docs", alerts=f"k{tag}_alerts", silences=f"k{tag}_mute", corrections=f"k{tag}_fix")
    kafka_broker.create_topics(kafka_bootstrap, topics)
    stack = TestStack(tmp_path_factory.mktemp("cluster-driver"), topics=topics, indices=indices)
    # The driver's own copy of the trained model, in its state folder.
    model = stack.var_dir / "models" / "classifier.joblib"
    model.parent.mkdir()
    for path in (stack.home.model_path, metadata_path(stack.home.model_path)):
        shutil.copy(path, model.parent / path.name)
    hidden = (stack.var_dir, stack.home.model_path.parent)
    cluster = spark_cluster.start(
        stack.supervisor,
        tmp_path_factory.mktemp("cluster-workers"),
        (free_port(), free_port()),
        [free_port(), free_port()],
        hidden=hidden,
    )
    env = {"SPARK_MASTER": cluster.master_url, "NLP_MODEL_PATH": str(model), "SPARK_MAX_OFFSETS_PER_TRIGGER": "1500"}
    try:
        stack.supervisor.start(stack.streaming_service(kafka_bootstrap, es_url, **env))
        yield ClusterJob(stack, cluster, topics, indices.logs, model, Elasticsearch(es_url, request_timeout=30))
    finally:
        stack.supervisor.stop("streaming")
        spark_cluster.stop(stack.supervisor, cluster)


def produce(bootstrap: str, topic: str, values: list[bytes]) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20)
    for i, value in enumerate(values):
        producer.send(topic, key=SERVICES[i % 5].encode(), value=value)
    producer.flush(timeout=60)
    producer.close()


def count(es: Elasticsearch, index: str, run: str) -> int:
    try:
        es.indices.refresh(index=index)
        return int(es.count(index=index, query={"term": {"attributes.run": run}})["count"])
    except NotFoundError:  # nothing indexed yet
        return 0


def versions(es: Elasticsearch, index: str, run: str) -> dict[str, int]:
    found = es.search(
        index=index,
        size=0,
        query={"term": {"attributes.run": run}},
        aggs={"v": {"terms": {"field": "model_version", "size": 10}}},
    )
    return {b["key"]: b["doc_count"] for b in found["aggregations"]["v"]["buckets"]}


def exists_for(pid: int, path: Path) -> bool:
    """Whether ``path`` exists in the mount namespace of process ``pid``."""
    return (Path(f"/proc/{pid}/root") / str(path).lstrip("/")).exists()


def app_cores(cluster: SparkCluster) -> int:
    """Cores the master has given to running applications (the job's executors)."""
    with urllib.request.urlopen(cluster.status_url, timeout=5) as response:
        return sum(int(app["cores"]) for app in json.load(response)["activeapps"])


def test_ten_thousand_events_exactly_once_through_a_killed_worker_with_the_model_shipped_by_the_driver(
    job: ClusterJob, kafka_bootstrap: str
) -> None:
    supervisor, es, index = job.stack.supervisor, job.es, job.index
    workers = [supervisor.pid(name) for name in job.cluster.workers]
    assert None not in workers
    for pid in workers:
        assert pid is not None
        assert job.model.exists() and not exists_for(pid, job.model)
        assert not exists_for(pid, job.stack.home.model_path) and not exists_for(pid, job.stack.var_dir / "spark")
    version = read_metadata(job.model)["version"]
    wait_for(lambda: app_cores(job.cluster) == 2, 60, "the job's executors on both workers")

    produce(kafka_bootstrap, job.topics.logs, [valid_event(i, "cluster") for i in range(EVENTS)])
    wait_for(lambda: count(es, index, "cluster") >= 1_500, 300, "the first batches")
    # The worker and all it launched (its executor, the executor's Python workers), as when its host dies.
    supervisor.signal(job.cluster.workers[0], signal.SIGKILL)
    killed_at = count(es, index, "cluster")
    assert killed_at < EVENTS, "the stream ended before the kill"
    wait_for(lambda: count(es, index, "cluster") >= EVENTS, 600, f"{EVENTS} documents after the kill")
    time.sleep(3)  # a duplicate or a stray dead letter would show up by now
    assert count(es, index, "cluster") == EVENTS, f"killed at {killed_at}"
    assert versions(es, index, "cluster") == {version: EVENTS}
    found = sources(kafka_bootstrap, job.topics.classified)
    assert len(found) == EVENTS and max(Counter(found).values()) == 1
    assert read_all(kafka_bootstrap, job.topics.dlq) == []
    assert app_cores(job.cluster) == 1  # the job went on with the surviving worker's executor

    # Retrained on the driver: the next batches classify with the new version, on the executors.
    retrained = train(out=job.model, force=True, config=TrainConfig(alpha=0.5)).metadata["version"]
    assert retrained != version
    produce(kafka_bootstrap, job.topics.logs, [valid_event(i, "retrained") for i in range(300)])
    wait_for(lambda: count(es, index, "retrained") >= 300, 120, "300 documents after retraining")
    assert versions(es, index, "retrained") == {retrained: 300}
    log = supervisor.log_path("streaming").read_text()
    assert f'model shipped to the executors version="{retrained}"' in log


def sources(bootstrap: str, topic: str) -> list[str]:
    """The source record (partition/offset) of each document on ``topic``."""
    docs = [json.loads(r.value)["kafka"] for r in read_all(bootstrap, topic)]
    return [f"{d['partition']}/{d['offset']}" for d in docs]


def test_a_task_run_again_within_its_batch_sends_nothing_twice(
    kafka_bootstrap: str, es_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Spark runs a lost executor's task again within its batch, whatever ``spark.task.maxFailures`` says (the
    kill above did that); the attempt before may have sent part of the task's records. Here it certainly has:
    the first attempt dies after two frames (retried_task.py, on ``local[1,2]``, which retries a task once)."""
    tag = uuid.uuid4().hex[:6]
    topics = Topics(
        logs=f"r{tag}.in", classified=f"r{tag}.out", dlq=f"r{tag}.dlq", alerts=f"r{tag}.al", alerts_dlq=f"r{tag}.ald"
    )
    indices = Indices(logs=f"r{tag}_docs", alerts=f"r{tag}_alerts", silences=f"r{tag}_mute", corrections=f"r{tag}_fix")
    kafka_broker.create_topics(kafka_bootstrap, topics)
    produce(kafka_bootstrap, topics.logs, [valid_event(i, "retried") for i in range(300)])
    stack = TestStack(tmp_path_factory.mktemp("retried"), topics=topics, indices=indices)
    env = {
        **os.environ,
        **stack.names_env(),
        "LOGWATCH_VAR_DIR": str(stack.var_dir),
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "ES_URL": es_url,
        "SPARK_MASTER": "local[1,2]",
        "NLP_MODEL_PATH": str(stack.home.model_path),
    }
    script = Path(__file__).with_name("retried_task.py")
    done = subprocess.run(
        [sys.executable, str(script)], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "the first attempt dies after sending two frames" in done.stderr
    found = sources(kafka_bootstrap, topics.classified)
    assert len(found) == 300 and max(Counter(found).values()) == 1
