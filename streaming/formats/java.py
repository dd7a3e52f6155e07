"""JVM logging layouts: log4j/logback patterns, Spark/Hadoop, Zookeeper, Spring Boot, Kafka, Elasticsearch.

Also Hadoop HDFS's compact ``yyMMdd HHmmss`` layout, kept as its own format ("hdfs").
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, tzinfo

from streaming.formats._common import Attributes, event, level_of, make_time, micros
from streaming.formats.model import RawEvent

__all__ = ["parse_bracketed", "parse_hdfs", "parse_java_after_time", "parse_short_date"]

logger = logging.getLogger(__name__)

# Level words as JVM loggers print them (log4j, logback, java.util.logging); longest first.
_LEVEL = r"(WARNING|WARN|INFO|DEBUG|TRACE|ERROR|FATAL|SEVERE|CRITICAL|NOTICE|FINEST|FINER|FINE|CONFIG)"
_LOGGER = r"([\w$.]{1,256})"

# Zookeeper: %d{ISO8601} - %-5p [%t:%C{1}@%L] - %m. The thread name may itself hold brackets and
# colons ("QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181"), so the class is the last ':Name@line'.
_ZOOKEEPER = re.compile(r" - " + _LEVEL + r" *\[([^\n]{0,512}?):" + _LOGGER + r"@(\d{1,7})\] - ?", re.ASCII)
# Python's "%(asctime)s - %(name)s - %(levelname)s - %(message)s"; names rarely hold " - ".
_PY_ASCTIME = re.compile(r" - ([^\n]{1,256}?) - " + _LEVEL + r" - ?", re.ASCII)
# Level first: "%d %-5p [%t] %c: %m" (Hadoop), "%d %p %c{1}:%L - %m", Spring Boot
# "%d  INFO 1234 --- [app] [main] c.e.App : %m".
_LEVEL_FIRST = re.compile(
    r" +" + _LEVEL + r" +(?:(\d{1,10}) +--- +)?(?:\[([^\]\n]{0,256})\] +)?(?:\[([^\]\n]{0,256})\] +)?"
    r"(?:" + _LOGGER + r"(?::(\d{1,7}))? *[:-](?: +|$))?",
    re.ASCII,
)
# Thread first, logback's default: "%d [%thread] %-5level %logger{36} - %msg".
_THREAD_FIRST = re.compile(
    r" +\[([^\]\n]{0,256})\] +" + _LEVEL + r" +(?:" + _LOGGER + r"(?::(\d{1,7}))? +- ?)?", re.ASCII
)
# Spark and other log4j 1 defaults: "%d{yy/MM/dd HH:mm:ss} %p %c{1}: %m".
_SHORT_DATE = re.compile(
    r"(\d\d)/(\d\d)/(\d\d) (\d\d):(\d\d):(\d\d)(?:[.,](\d{1,6}))? +" + _LEVEL + r" +(?:" + _LOGGER + r": ?)?",
    re.ASCII,
)
_HDFS = re.compile(r"(\d\d)(\d\d)(\d\d) (\d\d)(\d\d)(\d\d) (\d{1,10}) " + _LEVEL + r" +" + _LOGGER + r": ?", re.ASCII)
# Kafka "[%d] %p %m (%c)" and Elasticsearch "[%d][%-5p][%-25c{1.}] [%node_name] %m".
_KAFKA = re.compile(r" " + _LEVEL + r" ", re.ASCII)
_KAFKA_LOGGER = re.compile(r" \(" + _LOGGER + r"\)$", re.ASCII)
_ELASTIC = re.compile(r"\[" + _LEVEL + r" *\]\[([^\]\n]{1,256}?) *\](?: \[([^\]\n]{1,256})\])? ?", re.ASCII)


def _thread(attributes: Attributes, thread: str | None) -> None:
    if thread is not None and thread.strip():
        attributes["thread"] = thread.strip()


def _line_number(attributes: Attributes, line_no: str | None) -> None:
    if line_no is not None:
        attributes["line"] = int(line_no)


def parse_java_after_time(line: str, pos: int, timestamp: datetime | None) -> RawEvent | None:
    """The part of a log4j-style line after its leading ``yyyy-MM-dd HH:mm:ss`` time, or None.

    :param pos: where the time ended.
    :param timestamp: the already parsed time.
    """
    attributes: Attributes = {}
    if line.startswith(" - ", pos):
        m = _ZOOKEEPER.match(line, pos, pos + 1024)
        if m is not None:
            _thread(attributes, m.group(2))
            _line_number(attributes, m.group(4))
            return event("log4j", line, line[m.end() :], timestamp=timestamp, level=level_of(m.group(1)),
                         logger=m.group(3), attributes=attributes)  # fmt: skip
        m = _PY_ASCTIME.match(line, pos, pos + 1024)
        if m is not None:
            return event("python", line, line[m.end() :], timestamp=timestamp, level=level_of(m.group(2)),
                         logger=m.group(1).strip(), attributes=attributes)  # fmt: skip
        return None
    m = _LEVEL_FIRST.match(line, pos, pos + 1024)
    if m is not None:
        service = None
        if m.group(2) is not None:  # Spring Boot: "PID --- [app] [thread]" or "PID --- [thread]"
            attributes["pid"] = int(m.group(2))
            if m.group(4) is not None:
                service = (m.group(3) or "").strip() or None
                _thread(attributes, m.group(4))
            else:
                _thread(attributes, m.group(3))
        else:
            _thread(attributes, m.group(3))
            if m.group(4) is not None:
                attributes["context"] = m.group(4)
        _line_number(attributes, m.group(6))
        return event("log4j", line, line[m.end() :], timestamp=timestamp, level=level_of(m.group(1)),
                     service=service, logger=m.group(5), attributes=attributes)  # fmt: skip
    m = _THREAD_FIRST.match(line, pos, pos + 1024)
    if m is not None:
        _thread(attributes, m.group(1))
        _line_number(attributes, m.group(4))
        return event("log4j", line, line[m.end() :], timestamp=timestamp, level=level_of(m.group(2)),
                     logger=m.group(3), attributes=attributes)  # fmt: skip
    return None


def parse_short_date(line: str, zone: tzinfo = UTC) -> RawEvent | None:
    """Spark/log4j 1 ``yy/MM/dd HH:mm:ss LEVEL logger: msg``, or None."""
    m = _SHORT_DATE.match(line)
    if m is None:
        return None
    g = m.groups()
    timestamp = make_time(2000 + int(g[0]), int(g[1]), int(g[2]), int(g[3]), int(g[4]), int(g[5]),
                          micros(g[6]), zone)  # fmt: skip
    return event("log4j", line, line[m.end() :], timestamp=timestamp, level=level_of(g[7]), logger=g[8])


def parse_hdfs(line: str, zone: tzinfo = UTC) -> RawEvent | None:
    """Hadoop HDFS ``yyMMdd HHmmss PID LEVEL logger: msg`` (as in Loghub's HDFS set), or None."""
    m = _HDFS.match(line)
    if m is None:
        return None
    g = m.groups()
    timestamp = make_time(2000 + int(g[0]), int(g[1]), int(g[2]), int(g[3]), int(g[4]), int(g[5]), 0, zone)
    return event("hdfs", line, line[m.end() :], timestamp=timestamp, level=level_of(g[7]), logger=g[8],
                 attributes={"pid": int(g[6])})  # fmt: skip


def parse_bracketed(line: str, pos: int, timestamp: datetime | None) -> RawEvent | None:
    """Kafka's ``[time] LEVEL msg (logger)`` or Elasticsearch's ``[time][LEVEL][logger] [node] msg``.

    :param pos: just after the ``]`` that closes the time.
    """
    m = _ELASTIC.match(line, pos, pos + 1024)
    if m is not None:
        attributes: Attributes = {}
        if m.group(3) is not None:
            attributes["node"] = m.group(3)
        return event("log4j", line, line[m.end() :], timestamp=timestamp, level=level_of(m.group(1)),
                     logger=m.group(2).strip(), attributes=attributes)  # fmt: skip
    m = _KAFKA.match(line, pos, pos + 16)
    if m is None:
        return None
    end = len(line)
    logger = None
    # The logger closes the first line; a stack trace may follow on the next ones.
    first_nl = line.find("\n", m.end())
    tail_end = first_nl if first_nl >= 0 else end
    tail = _KAFKA_LOGGER.search(line, max(m.end(), tail_end - 300), tail_end)
    message = line[m.end() :]
    if tail is not None:
        logger = tail.group(1)
        message = line[m.end() : tail.start()] + line[tail_end:]
    return event("log4j", line, message, timestamp=timestamp, level=level_of(m.group(1)), logger=logger)
