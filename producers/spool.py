"""Disk spool: events that could not be delivered wait here, bounded, and are replayed later.

Files are ``<time_ns>-<pid>-<rand>.seg`` in one folder, each a run of records framed as
``crc32, key length, value length, key, value``. A segment is held under ``flock`` by exactly one process
at a time: the one writing it, or the one replaying it. A segment whose writer died is unlocked, so the
next producer that starts with the same folder claims it and sends it (at-least-once: a crash between
delivery and deletion can repeat a segment's events).
"""

from __future__ import annotations

import logging
import os
import secrets
import struct
import time
import zlib
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from producers.errors import SpoolError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock; spooling is then unavailable
    fcntl = None  # type: ignore[assignment]

__all__ = ["Spool", "Segment", "SUFFIX"]

logger = logging.getLogger(__name__)

SUFFIX = ".seg"
_HEADER = struct.Struct(">III")


@dataclass(eq=False)
class Segment:
    """One spool file held (locked) by this process."""

    path: Path
    fd: int
    own: bool
    size: int = 0
    written: int = 0
    loaded: int = 0
    resolved: int = 0
    sealed: bool = False

    @property
    def done(self) -> bool:
        return self.sealed and self.resolved >= self.loaded


def _lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


class Spool:
    """A bounded folder of segments; only the sender thread calls it.

    :param directory: the folder (created if missing).
    :param max_bytes: bound of all segments in the folder together.
    :param segment_bytes: a segment is sealed once it reaches this size.
    :param fsync: fsync after each write.
    """

    def __init__(self, directory: Path, max_bytes: int, segment_bytes: int, fsync: bool = False) -> None:
        if fcntl is None:
            raise SpoolError("spool_dir needs a POSIX system (flock); leave spool_dir unset here.")
        try:
            directory.mkdir(parents=True, exist_ok=True)
            probe = directory / f".probe-{os.getpid()}-{secrets.token_hex(4)}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise SpoolError(
                f"Spool folder {directory} is not writable ({exc.strerror}); "
                f"fix its permissions or choose another spool_dir."
            ) from exc
        self.directory = directory
        self.max_bytes = max_bytes
        self.segment_bytes = segment_bytes
        self.fsync = fsync
        self._writer: Segment | None = None
        self._sealed: deque[Segment] = deque()
        self._disk_bytes = self._scan_bytes()

    # ---- writing --------------------------------------------------------------------------------

    def write(self, records: list[tuple[bytes, bytes]]) -> int:
        """Append records; returns how many were written before the folder's bound was reached.

        :raises OSError: the disk refused the write.
        """
        # Counted again before each write: other processes (pre-fork workers) may share the folder and its bound.
        self._disk_bytes = self._scan_bytes()
        written = 0
        chunk: list[bytes] = []
        chunk_bytes = 0
        for key, value in records:
            frame = _HEADER.pack(zlib.crc32(value, zlib.crc32(key)), len(key), len(value)) + key + value
            if self._disk_bytes + chunk_bytes + len(frame) > self.max_bytes:
                break
            writer = self._writer
            if writer is None or writer.size + chunk_bytes + len(frame) > self.segment_bytes:
                self._flush_chunk(chunk, chunk_bytes)
                chunk, chunk_bytes = [], 0
                if writer is not None and writer.size > 0:
                    self._seal_writer()
                if self._writer is None:
                    self._writer = self._new_segment()
            chunk.append(frame)
            chunk_bytes += len(frame)
            written += 1
        self._flush_chunk(chunk, chunk_bytes)
        return written

    def _flush_chunk(self, chunk: list[bytes], chunk_bytes: int) -> None:
        if not chunk or self._writer is None:
            return
        writer = self._writer
        data = b"".join(chunk)
        os.lseek(writer.fd, writer.size, os.SEEK_SET)
        view = memoryview(data)
        while view:
            n = os.write(writer.fd, view)
            view = view[n:]
        if self.fsync:
            os.fsync(writer.fd)
        writer.size += chunk_bytes
        writer.written += len(chunk)
        self._disk_bytes += chunk_bytes

    def _new_segment(self) -> Segment:
        name = f"{time.time_ns():020d}-{os.getpid()}-{secrets.token_hex(4)}"
        tmp = self.directory / f".{name}.tmp"
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        # Lock before the file gets its visible name, so no other process can claim it half-written.
        _lock(fd)
        final = self.directory / f"{name}{SUFFIX}"
        os.rename(tmp, final)
        return Segment(final, fd, own=True)

    def _seal_writer(self) -> None:
        writer = self._writer
        if writer is not None:
            self._writer = None
            if writer.size == 0:
                self._delete(writer)
            else:
                writer.sealed = True
                self._sealed.append(writer)

    # ---- replaying ------------------------------------------------------------------------------

    def has_pending(self) -> bool:
        """True if a segment may be waiting (ours, or one on disk we have not tried yet)."""
        return (
            bool(self._sealed)
            or (self._writer is not None and self._writer.size > 0)
            or any(p.suffix == SUFFIX for p in self._listdir())
        )

    def claim_next(self) -> Segment | None:
        """The oldest segment this process can replay now: left by a dead process, or its own."""
        own_paths = {s.path for s in self._sealed}
        if self._writer is not None:
            own_paths.add(self._writer.path)
        self._disk_bytes = self._scan_bytes()
        for path in sorted(p for p in self._listdir() if p.suffix == SUFFIX):
            if path in own_paths:
                if self._writer is not None and path == self._writer.path:
                    self._seal_writer()
                for own in self._sealed:
                    if own.path == path:
                        self._sealed.remove(own)
                        own.sealed = True
                        return own
                continue
            claimed = self._claim_foreign(path)
            if claimed is not None:
                return claimed
        return None

    def _claim_foreign(self, path: Path) -> Segment | None:
        try:
            fd = os.open(path, os.O_RDWR)
        except OSError:
            return None
        if not _lock(fd):
            os.close(fd)
            return None
        try:
            # Another process may have replayed and deleted it between our listing and our lock.
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except OSError:
            same = False
        if not same:
            os.close(fd)
            return None
        size = os.fstat(fd).st_size
        return Segment(path, fd, own=False, size=size, sealed=True)

    def read(self, seg: Segment) -> tuple[list[tuple[bytes, bytes]], int]:
        """The records of a claimed segment, and how many bytes at its end were unreadable."""
        data = os.pread(seg.fd, max(seg.size, os.fstat(seg.fd).st_size), 0)
        out: list[tuple[bytes, bytes]] = []
        pos = 0
        while pos + _HEADER.size <= len(data):
            crc, klen, vlen = _HEADER.unpack_from(data, pos)
            start = pos + _HEADER.size
            end = start + klen + vlen
            if end > len(data):
                break
            key, value = data[start : start + klen], data[start + klen : end]
            if zlib.crc32(value, zlib.crc32(key)) != crc:
                break
            out.append((key, value))
            pos = end
        seg.loaded = len(out)
        return out, len(data) - pos

    def release(self, seg: Segment) -> None:
        """Delete a segment whose records are all resolved."""
        self._delete(seg)

    def forget(self, seg: Segment) -> None:
        """Unlock a claimed segment without deleting it: another process (or a later start) replays it."""
        self._close_fd(seg)

    def _delete(self, seg: Segment) -> None:
        try:
            os.unlink(seg.path)
            self._disk_bytes = max(0, self._disk_bytes - seg.size)
        except OSError:
            pass
        self._close_fd(seg)

    # ---- lifecycle ------------------------------------------------------------------------------

    def close(self) -> None:
        """Unlock everything: what is still on disk is for the next process."""
        self._seal_writer()
        while self._sealed:
            self._close_fd(self._sealed.popleft())

    def forget_after_fork(self) -> None:
        """In a forked child: the parent owns these files; drop our copies of its descriptors."""
        segments = list(self._sealed)
        if self._writer is not None:
            segments.append(self._writer)
        for seg in segments:
            self._close_fd(seg)
        self._sealed.clear()
        self._writer = None

    @staticmethod
    def _close_fd(seg: Segment) -> None:
        if seg.fd >= 0:
            try:
                os.close(seg.fd)
            except OSError:
                pass
            seg.fd = -1

    def _listdir(self) -> list[Path]:
        try:
            return list(self.directory.iterdir())
        except OSError:
            return []

    def _scan_bytes(self) -> int:
        total = 0
        for path in self._listdir():
            if path.suffix == SUFFIX:
                try:
                    total += path.stat().st_size
                except OSError:
                    pass
            elif path.name.endswith(".tmp"):
                self._remove_stale_tmp(path)
        return total

    @staticmethod
    def _remove_stale_tmp(path: Path) -> None:
        # A .tmp file is renamed right after creation, before any data: an unlocked one is debris.
        try:
            fd = os.open(path, os.O_RDWR)
        except OSError:
            return
        try:
            if _lock(fd):
                path.unlink(missing_ok=True)
        finally:
            os.close(fd)

    @property
    def disk_bytes(self) -> int:
        return self._disk_bytes
