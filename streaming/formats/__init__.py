"""Raw log lines in common formats (syslog, Apache/Nginx, log4j, Python, logcat, ...) to event fields.

Pure Python, so it runs inside the parse stage's pandas UDF and is unit-tested without Spark.
"""

from __future__ import annotations

from streaming.formats.detect import parse_line
from streaming.formats.model import FORMATS, RawEvent

__all__ = ["FORMATS", "RawEvent", "parse_line"]
