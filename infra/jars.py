"""Resolves a service's jars from Maven Central with a pom kept in infra/, once per pom content."""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
from pathlib import Path

from infra.errors import SetupError

__all__ = ["fetch_jars", "classpath"]

logger = logging.getLogger(__name__)

SETTINGS = Path(__file__).resolve().parent / "maven-settings.xml"


def fetch_jars(pom: Path, dest: Path) -> None:
    """Copy the pom's runtime dependencies into ``dest``; a no-op when ``dest`` already matches the pom.

    :param pom: the pom declaring the dependencies.
    :param dest: folder that will hold exactly those jars.
    """
    stamp = dest / ".pom.sha256"
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    if dest.exists():
        shutil.rmtree(dest)
    logger.info('resolving jars pom="%s" dest="%s"', pom, dest)
    cmd = [
        "mvn",
        "-q",
        "-B",
        "-s",
        str(SETTINGS),
        "-f",
        str(pom),
        "dependency:copy-dependencies",
        f"-DoutputDirectory={dest}",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-15:])
        raise SetupError(f"Maven could not resolve {pom.name} (is Maven Central reachable?):\n{tail}")
    stamp.write_text(digest)


def classpath(dest: Path) -> str:
    """The Java classpath of every jar in ``dest``."""
    return ":".join(str(p) for p in sorted(dest.glob("*.jar")))
