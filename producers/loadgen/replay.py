"""Raw log files as they are: which files, which service name, which lines.

Real logs for this come from Loghub (Zhu et al., "Loghub: A Large Collection of System Log Datasets for
AI-driven Log Analytics", ISSRE 2023; Jiang et al., ISSTA 2024), e.g. the samples in ``../shared/data/loghub``
beside a checkout of the repository (``--replay ../shared/data/loghub``).
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, cast

__all__ = ["log_files", "service_for", "read_lines", "interleave"]

_SKIP_NAMES = {"license", "citation", "readme", "notice", "changelog"}
_LOG_SUFFIXES = {".log", ".txt", ".out", ".err", ""}


def _is_log(path: Path) -> bool:
    name = path.name.lower()
    if name.startswith(".") or path.stem.lower() in _SKIP_NAMES or name in _SKIP_NAMES:
        return False
    if ".log." in name or name.endswith((".log.gz", ".txt.gz")):
        return True
    return path.suffix.lower() in _LOG_SUFFIXES


def log_files(paths: list[Path]) -> list[Path]:
    """The log files named by ``paths``: a file as given, a folder's log files (recursively, sorted).

    :raises FileNotFoundError: a path does not exist.
    """
    out: list[Path] = []
    for path in paths:
        if path.is_file():
            out.append(path)
        elif path.is_dir():
            out.extend(p for p in sorted(path.rglob("*")) if p.is_file() and _is_log(p))
        else:
            raise FileNotFoundError(f"Replay path {path} does not exist; pass a log file or a folder of them.")
    return out


def service_for(path: Path) -> str:
    """A service name (the Kafka key) from a file name: ``Apache_2k.log`` -> ``apache``."""
    name = path.name.lower()
    for suffix in (".gz", ".log", ".txt", ".out", ".err"):
        name = name.removesuffix(suffix)
    name = re.split(r"[._]", name, maxsplit=1)[0]
    name = re.sub(r"[^a-z0-9-]+", "-", name).strip("-")
    return name or "replay"


def _open(path: Path) -> IO[bytes]:
    if path.suffix == ".gz":
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def read_lines(path: Path) -> Iterator[bytes]:
    """Each non-blank line's bytes without its terminator (LF or CRLF); nothing else is changed."""
    with _open(path) as f:
        for raw in f:
            line = raw.rstrip(b"\n")
            if line.endswith(b"\r"):
                line = line[:-1]
            if line.strip():
                yield line


def interleave(files: list[Path]) -> Iterator[tuple[str, bytes]]:
    """(service, line) taking one line from each file in turn, as concurrent services would log."""
    streams = [(service_for(p), read_lines(p)) for p in files]
    while streams:
        alive = []
        for service, lines in streams:
            line = next(lines, None)
            if line is not None:
                yield service, line
                alive.append((service, lines))
        streams = alive
