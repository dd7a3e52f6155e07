"""``producers/`` stands alone: its pyproject builds the right package tree, and nothing in it imports
a third-party package other than kafka-python."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import kafka

REPO = Path(__file__).resolve().parents[2]


def _build_lib(tmp_path: Path) -> Path:
    """What ``pip install ./producers`` would put in site-packages, built by setuptools from a copy."""
    src = tmp_path / "src"
    shutil.copytree(REPO / "producers", src, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build"))
    out = tmp_path / "lib"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import setuptools; setuptools.setup()",
            "-q",
            "build_py",
            "--build-lib",
            str(out),
            "egg_info",
            "--egg-base",
            str(tmp_path),
        ],
        cwd=src,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out


def test_pyproject_builds_the_package_with_its_subpackages_and_only_kafka_python(tmp_path: Path) -> None:
    lib = _build_lib(tmp_path)
    for rel in (
        "producers/__init__.py",
        "producers/py.typed",
        "producers/demo/__main__.py",
        "producers/loadgen/__main__.py",
        "producers/producer.py",
    ):
        assert (lib / rel).is_file(), rel
    assert not (lib / "producers" / "pyproject.toml").exists()
    (egg_info,) = tmp_path.glob("*.egg-info")
    sections = (egg_info / "requires.txt").read_text().split("\n\n")
    assert sections[0].split() == ["kafka-python<3,>=2.2"]
    assert "[fast]\nconfluent-kafka<3,>=2.5" in sections


def test_installed_tree_imports_and_runs_with_kafka_python_as_the_only_third_party_package(tmp_path: Path) -> None:
    lib = _build_lib(tmp_path)
    # The installed package plus kafka-python, and nothing else from this environment's site-packages.
    os.symlink(Path(kafka.__file__).parent, lib / "kafka")
    script = textwrap.dedent(
        """
        import sys
        sys.path = [p for p in sys.path if "site-packages" not in p and "dist-packages" not in p]
        sys.path.insert(0, sys.argv[1])
        import importlib, pkgutil, producers
        assert producers.__file__.startswith(sys.argv[1]), producers.__file__
        for info in pkgutil.walk_packages(producers.__path__, "producers."):
            importlib.import_module(info.name)
        from producers import LogProducer
        p = LogProducer("standalone", bootstrap_servers="127.0.0.1:9", close_timeout_s=0.2)
        assert p.emit("INFO", "queued while Kafka is unreachable")
        assert p.close(0.2) == 1
        from producers import ProducerConfigError
        try:
            LogProducer("standalone", transport="confluent")
        except ProducerConfigError as exc:
            print(exc, file=sys.stderr)
        else:
            raise AssertionError("transport='confluent' was accepted without confluent-kafka")
        from producers.demo.__main__ import main
        sys.exit(main(["--dry-run", "--duration", "1", "--rate", "20", "--quiet", "--seed", "3"]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", script, str(lib)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count('"service":') >= 5
    assert done.stderr.strip() == (
        "Producer option transport='confluent' needs the confluent-kafka package: "
        "install it with pip install 'logwatch-producers[fast]'."
    )
