"""A dependency-free progress bar: redrawn in place on a terminal, a line every few seconds otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress", "human"]


def human(n: float) -> str:
    """12345 -> '12.3k'."""
    for unit, size in (("M", 1e6), ("k", 1e3)):
        if abs(n) >= size:
            return f"{n / size:.1f}{unit}"
    return f"{n:.0f}"


class Progress:
    """Shows elapsed share, events, achieved rate and delivery counters.

    :param total_s: planned duration (None: unknown, no bar).
    :param stream: where to draw; default stderr.
    :param enabled: False draws nothing.
    """

    def __init__(self, total_s: float | None, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.total_s = total_s
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._period_s = 0.25 if self.tty else 5.0
        self._next = 0.0
        self._width = 0

    def update(self, elapsed_s: float, done: int, sent: int, dropped: int, force: bool = False) -> None:
        now = time.monotonic()
        if not self.enabled or (now < self._next and not force):
            return
        self._next = now + self._period_s
        rate = done / elapsed_s if elapsed_s > 0 else 0.0
        if self.total_s:
            share = min(1.0, elapsed_s / self.total_s)
            filled = int(share * 24)
            bar = f"[{'#' * filled}{'.' * (24 - filled)}] {share * 100:3.0f}% "
        else:
            bar = ""
        text = (
            f"{bar}{elapsed_s:6.1f}s  {human(done):>7} ev  {human(rate):>7} ev/s  "
            f"sent {human(sent)}  dropped {human(dropped)}"
        )
        if self.tty:
            pad = max(0, self._width - len(text))
            self.stream.write("\r" + text + " " * pad)
            self._width = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled and self.tty and self._width:
            self.stream.write("\n")
            self.stream.flush()
