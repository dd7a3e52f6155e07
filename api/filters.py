"""The filters shared by search, stats, trends and the live tail: query text plus field filters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Query

from api.query import Node, level_value, parse, to_es, to_predicate
from api.timerange import TimeRange

__all__ = ["LogFilter", "log_filter", "split_values"]

MAX_VALUES = 50


def split_values(values: list[str] | None) -> tuple[str, ...]:
    """Repeated and comma-separated parameter values, deduplicated in order (``service=a,b&service=c``)."""
    out: dict[str, None] = {}
    for value in values or []:
        for part in value.split(","):
            if part.strip():
                out[part.strip()] = None
    return tuple(out)[:MAX_VALUES]


@dataclass(frozen=True)
class LogFilter:
    """Query text (parsed) and the one-click field filters."""

    q: str = ""
    node: Node | None = None
    service: tuple[str, ...] = ()
    level: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    host: tuple[str, ...] = ()

    @classmethod
    def build(
        cls,
        q: str = "",
        service: list[str] | None = None,
        level: list[str] | None = None,
        category: list[str] | None = None,
        host: list[str] | None = None,
    ) -> LogFilter:
        """Parse and normalise the parameters.

        :raises QuerySyntaxError: when ``q`` cannot be parsed.
        """
        return cls(
            q=q,
            node=parse(q),
            service=split_values(service),
            level=tuple(dict.fromkeys(level_value(v) for v in split_values(level))),
            category=tuple(v.lower() for v in split_values(category)),
            host=split_values(host),
        )

    def _fields(self) -> list[tuple[str, tuple[str, ...]]]:
        return [
            ("service", self.service),
            ("level", self.level),
            ("category", self.category),
            ("host", self.host),
        ]

    def es_query(self, time_range: TimeRange | None = None, time_field: str = "timestamp") -> dict[str, Any]:
        """The bool query (filter context only: results are sorted by time, scores are never needed)."""
        clauses: list[dict[str, Any]] = []
        if time_range is not None:
            clauses.append(
                {
                    "range": {
                        time_field: {
                            "gte": int(time_range.start.timestamp() * 1000),
                            "lte": int(time_range.end.timestamp() * 1000),
                            "format": "epoch_millis",
                        }
                    }
                }
            )
        for name, values in self._fields():
            if values:
                clauses.append({"terms": {name: list(values)}})
        if self.node is not None:
            clauses.append(to_es(self.node))
        return {"bool": {"filter": clauses}}

    def predicate(self) -> Callable[[dict[str, Any]], bool]:
        """The same filters as a function of one document, for the live tail."""
        text = to_predicate(self.node)
        fields = [(name, frozenset(values)) for name, values in self._fields() if values]

        def match(doc: dict[str, Any]) -> bool:
            for name, allowed in fields:
                if doc.get(name) not in allowed:
                    return False
            return text(doc)

        return match

    def as_params(self) -> dict[str, Any]:
        return {
            "q": self.q,
            "service": list(self.service),
            "level": list(self.level),
            "category": list(self.category),
            "host": list(self.host),
        }


async def log_filter(
    q: Annotated[
        str,
        Query(
            max_length=2000,
            description='Query text: words, "phrases", field:value, '
            "AND/OR/NOT, -term, (groups), prefix*, redactions:>0.",
        ),
    ] = "",
    service: Annotated[list[str] | None, Query(description="Service name(s); repeat or comma-separate.")] = None,
    level: Annotated[list[str] | None, Query(description="Level(s): TRACE DEBUG INFO WARN ERROR CRITICAL.")] = None,
    category: Annotated[list[str] | None, Query(description="security, performance, business, general.")] = None,
    host: Annotated[list[str] | None, Query(description="Host name(s).")] = None,
) -> LogFilter:
    """FastAPI dependency: the shared filter parameters (a coroutine: see :func:`api.state.get_state`)."""
    return LogFilter.build(q, service, level, category, host)
