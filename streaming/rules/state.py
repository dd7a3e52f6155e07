"""The rules' state across windows and batches, and its file under the query's checkpoint folder.

The file sits inside the Spark checkpoint (``<checkpoint>/alert_state/state.json``), so the two are deleted
together and never disagree about which batch came last. It is replaced atomically after every batch.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from streaming.rules.aggregate import Sample
from streaming.rules.errors import RulesError

__all__ = ["Window", "Episode", "Group", "RuleState", "State", "StateStore", "merge_samples"]

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1


def merge_samples(old: list[Sample], new: tuple[Sample, ...] | list[Sample], *, latest: bool = False) -> list[Sample]:
    """The three earliest (or ``latest``) distinct samples of both lists, in time order."""
    merged = sorted(set(old) | set(new))
    return merged[-3:] if latest else merged[:3]


@dataclass
class Window:
    """Counts of one group over a span of event time: matched events, hits among them, the earliest 3 samples.

    The state keeps panes (one slide long; a whole window for tumbling windows); a window is a sum of panes.
    """

    total: int = 0
    hits: int = 0
    samples: list[Sample] = field(default_factory=list)


@dataclass
class Episode:
    """An open alert: ``start_ms`` is the window start (silence: last event time) its alert_id derives from.

    ``last_ms`` is the start of the latest window that met the condition (windowed rules).
    """

    start_ms: int
    last_ms: int


@dataclass
class Group:
    """The state of one rule for one group value (e.g. one service)."""

    first_ms: int
    last_ms: int
    windows: dict[int, Window] = field(default_factory=dict)  # panes by start (epoch ms)
    episode: Episode | None = None
    seen: int = 0
    latest: list[Sample] = field(default_factory=list)


@dataclass
class RuleState:
    fingerprint: str
    groups: dict[str, Group] = field(default_factory=dict)


@dataclass
class State:
    """Everything the rules remember; ``pending`` holds alerts of ``batch_id`` not yet confirmed by Kafka."""

    batch_id: int = -1
    max_event_ms: int | None = None
    # Event time since which the pipeline has delivered events caught up and without a gap: silence counts
    # only from here, so the pipeline's own outage or backlog never looks like a service's silence.
    live_since_ms: int | None = None
    rules: dict[str, RuleState] = field(default_factory=dict)
    pending: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": FORMAT_VERSION,
            "batch_id": self.batch_id,
            "max_event_ms": self.max_event_ms,
            "live_since_ms": self.live_since_ms,
            "pending": self.pending,
            "rules": {
                name: {"fingerprint": rs.fingerprint, "groups": {k: _group_json(g) for k, g in rs.groups.items()}}
                for name, rs in self.rules.items()
            },
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> State:
        return cls(
            batch_id=int(raw["batch_id"]),
            max_event_ms=raw["max_event_ms"],
            live_since_ms=raw.get("live_since_ms"),  # absent from states saved before it existed
            pending=list(raw["pending"]),
            rules={
                name: RuleState(rs["fingerprint"], {k: _group_from(g) for k, g in rs["groups"].items()})
                for name, rs in raw["rules"].items()
            },
        )


def _samples_from(raw: list[list[Any]]) -> list[Sample]:
    return [(int(ts), str(event), str(msg)) for ts, event, msg in raw]


def _group_json(g: Group) -> dict[str, Any]:
    return {
        "first_ms": g.first_ms,
        "last_ms": g.last_ms,
        "windows": {str(start): [w.total, w.hits, w.samples] for start, w in g.windows.items()},
        "episode": [g.episode.start_ms, g.episode.last_ms] if g.episode else None,
        "seen": g.seen,
        "latest": g.latest,
    }


def _group_from(raw: dict[str, Any]) -> Group:
    episode = raw["episode"]
    return Group(
        first_ms=int(raw["first_ms"]),
        last_ms=int(raw["last_ms"]),
        windows={int(s): Window(int(t), int(h), _samples_from(smp)) for s, (t, h, smp) in raw["windows"].items()},
        episode=Episode(int(episode[0]), int(episode[1])) if episode else None,
        seen=int(raw["seen"]),
        latest=_samples_from(raw["latest"]),
    )


class StateStore:
    """Loads and atomically replaces ``state.json`` in ``folder``.

    :param folder: normally ``<var>/checkpoints/index/alert_state``.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / "state.json"

    def load(self) -> State:
        """The saved state, or a fresh one when there is none yet.

        :raises RulesError: the file exists but cannot be read (the checkpoint folder is damaged).
        """
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return State()
        except (OSError, ValueError) as exc:
            raise RulesError(
                f"Cannot read the rules state {self.path} ({exc}); delete {self.folder.parent} to start afresh."
            ) from exc
        if not isinstance(raw, dict) or raw.get("version") != FORMAT_VERSION:
            logger.warning('rules state has another format version, starting afresh path="%s"', self.path)
            return State()
        try:
            return State.from_json(raw)
        except (KeyError, TypeError, ValueError) as exc:
            raise RulesError(
                f"The rules state {self.path} is damaged ({exc!r}); delete {self.folder.parent} to start afresh."
            ) from exc

    def save(self, state: State) -> None:
        """Write the state and make it durable before returning (write, fsync, rename)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as out:
            json.dump(state.to_json(), out, ensure_ascii=False, separators=(",", ":"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path)
