"""The time zone a record's zone-less timestamps are read in: the service's own (by Kafka key), else the default."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from zoneinfo import ZoneInfo

from core.config import StreamingConfig

__all__ = ["UTC_ONLY", "Zones"]


def _zone(name: str) -> tzinfo:
    return UTC if name == "UTC" else ZoneInfo(name)  # datetime.UTC: the parsers' fast path


@dataclass(frozen=True)
class Zones:
    default: tzinfo = UTC
    by_service: Mapping[str, tzinfo] = field(default_factory=dict)

    @classmethod
    def from_config(cls, streaming: StreamingConfig) -> Zones:
        """``streaming.time_zone`` and ``streaming.service_time_zones`` (validated when the config loaded)."""
        return cls(
            _zone(streaming.time_zone),
            {service: _zone(zone) for service, zone in streaming.zones_by_service.items()},
        )

    def of(self, service: str | None) -> tzinfo:
        """The zone of a record whose Kafka key is ``service``."""
        return self.by_service.get(service, self.default) if service else self.default


# Every zone-less time read as UTC: the default where no configuration is at hand (tests, tools).
UTC_ONLY = Zones()
