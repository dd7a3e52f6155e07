"""Python logging's default layout ``LEVEL:logger:message``, and uvicorn's ``LEVEL:     message``.

The ``%(asctime)s - %(name)s - %(levelname)s - %(message)s`` layout starts with a time and is
recognised in :mod:`streaming.formats.java`, next to the log4j layouts it has to be told apart from.
"""

from __future__ import annotations

import logging
import re

from streaming.formats._common import event, level_of
from streaming.formats.model import RawEvent

__all__ = ["parse_python_default"]

logger = logging.getLogger(__name__)

_DEFAULT = re.compile(
    r"(DEBUG|INFO|WARNING|ERROR|CRITICAL|WARN|FATAL|NOTICE|TRACE):(?:( +)|([^:\s][^:\n]{0,255}):)",
    re.ASCII,
)


def parse_python_default(line: str) -> RawEvent | None:
    """``WARNING:root:disk almost full`` or uvicorn's ``INFO:     127.0.0.1:5 - "GET / HTTP/1.1" 200``."""
    m = _DEFAULT.match(line)
    if m is None:
        return None
    return event("python", line, line[m.end() :], level=level_of(m.group(1)), logger=m.group(3))
