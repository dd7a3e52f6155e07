"""The general header reader: time, level, program, pid, host, thread and key=value pairs of any line.

What runs when no dedicated detector recognises a line, so it is written for formats nobody showed us. It
reads the head of the line (a bounded window, so a 1 MB line costs what a short one does) field by field:
a field that proves a header (a timestamp, a level word, ``<PRI>``, a ``[bracket]``, a ``prog[pid]:`` tag)
commits the weaker ones seen before it (numbers, a host name, separators); the first field that fits no
header shape starts the message. A ``prog:`` tag or a ``logger:`` ends the header, as it does in syslog and
log4j layouts.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, tzinfo

from core.contract import LEVEL_ALIASES
from streaming.formats._common import ANGLED_LEVEL, Attributes, event
from streaming.formats.model import RawEvent
from streaming.formats.stamps import Stamp, epoch_time, find_time

__all__ = ["HEADER_WINDOW", "parse_header"]

logger = logging.getLogger(__name__)

HEADER_WINDOW = 256
_KV_WINDOW = 1024
_MAX_FIELDS = 24
_MAX_ATTRIBUTES = 32
# Letters that are a level only where a level stands (between header fields); V and A as logcat uses them.
_LETTERS = {"V": "TRACE", "D": "DEBUG", "I": "INFO", "W": "WARN", "E": "ERROR", "F": "CRITICAL", "A": "CRITICAL"}
_WORD_LEVELS = {name: level for name, level in LEVEL_ALIASES.items() if len(name) > 1}
# bunyan/pino numeric levels, only when a key names them (level=30).
_NUMERIC_LEVELS = {"10": "TRACE", "20": "DEBUG", "30": "INFO", "40": "WARN", "50": "ERROR", "60": "CRITICAL"}
# RFC 5424 severities 0..7.
_SEVERITY_LEVELS = ("CRITICAL", "CRITICAL", "CRITICAL", "ERROR", "WARN", "INFO", "INFO", "DEBUG")
_TIME_KEYS = frozenset(("time", "ts", "timestamp", "@timestamp", "t", "date", "datetime"))
_LEVEL_KEYS = frozenset(("level", "lvl", "severity", "loglevel", "log.level", "priority", "levelname"))
_MESSAGE_KEYS = frozenset(("msg", "message"))

# "|" glued between fields is a boundary as a space is ("2024-12-23 22:15:29.606|INFO|billing|...").
_SPACE = re.compile(r"[ \t|]+")
_PRI = re.compile(r"<(\d{1,3})>(?:1 )?")
# One level of nesting: Zookeeper's "[QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774]".
_BRACKET = re.compile(r"\[((?:[^\[\]\n]|\[[^\[\]\n]{0,64}\]){0,200})\]")
# prog[pid]: with spaces inside the name only before capitalised words (macOS "Microsoft Word[123]:"),
# and an optional "([456])" after it ("sandboxd[129] ([456]):").
_TAG_PID = re.compile(
    r"([^\s\[\]:\"=<>{}]{1,64}(?: [A-Z][^\s\[\]:\"=<>{}]{0,32}){0,3})\[(\d{1,10})\](?: ?\(\[?(\d{1,10})\]?\))?"
    r"(:?)(?=[ \t]|$)",
    re.ASCII,
)
# prog: or a logger/file name with a colon, optionally :line; also "logger - " and "logger : ".
_TAG = re.compile(r"([\w.$/@()<>#-]{1,128}?)(?::(\d{1,7}))?(?::|[ \t]+[-:|](?=[ \t]))(?=[ \t]|$)", re.ASCII)
# The source line that ends a header: glog's and klog's "config.cc:27]", zap's "pkg/server.go:87<TAB>".
_SOURCE_LINE = re.compile(r"([\w.$/-]{1,128}):(\d{1,7})(?:\](?=[ \t]|$)|(?=\t))", re.ASCII)
# A source line in braces is a header field that more may follow (Airflow's "{scheduler_job.py:123} INFO - ").
_BRACED_SOURCE_LINE = re.compile(r"\{([\w.$/-]{1,128}):(\d{1,7})\}(?=[ \t]|$)", re.ASCII)
# A level inside the bracket that holds the time ("[2024-01-01 12:00:00,123: INFO/MainProcess]").
_LEVEL_IN_BRACKET = re.compile(r"(?<![A-Za-z])([A-Z]{4,8})(?![a-z])", re.ASCII)
# A logger named by its package path after the level ("INFO nova.api.server [req-1] ...", "INFO [main]
# org.apache.catalina.startup.Catalina.start ..."): three dotted parts at least, so "config.yaml" is not one.
_DOTTED_LOGGER = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*){2,}", re.ASCII)
# ... unless it is a host name ("INFO api.example.com responded"): the last part a common top-level domain.
_HOST_ENDINGS = frozenset("com net org io dev app cloud local lan internal corp edu gov uk de fr eu".split())
_WORD = re.compile(r"[^\s|]{1,128}")
_HOSTLIKE = re.compile(r"(?:[a-z0-9][a-z0-9_.-]{0,62}|[\w-]{1,63}(?:\.[\w-]{1,63})+|[0-9a-fA-F:]{2,39})", re.ASCII)
_IDENTIFIER = re.compile(r"[a-z][a-z0-9]*(?:[._][a-z0-9]+)+", re.ASCII)
# Machine codes in capitals: node names, facilities, components ("R02-M1-N0-C:J12-U11 RAS KERNEL INFO").
_CODE = re.compile(r"[A-Z0-9][A-Z0-9_.:/-]{1,63}", re.ASCII)
_NUMBER = re.compile(r"#?\d{1,10}", re.ASCII)
_DATE_ONLY = re.compile(r"\d{4}[-./]\d\d[-./]\d\d", re.ASCII)
_CLOCK_ONLY = re.compile(r"\d\d:\d\d:\d\d(?:[.,]\d{1,9})?", re.ASCII)
_SPACED = (" - ", " : ", " | ", "\t- ", "  - ", "  : ")
_SEPARATORS = frozenset(("-", "--", "---", "|", ":", "::", ">", ">>", "*", "~", "--->", "->", "=>", ","))
_KV = re.compile(r'(?<![^\s,;{(])([A-Za-z_@][\w.@-]{0,63})=("(?:[^"\\\n]|\\.){0,1024}"|[^\s"]{0,1024})', re.ASCII)
_LEVEL_ANYWHERE = re.compile(
    r"(?<![\w/.-])(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|CRIT|CRITICAL|FATAL|SEVERE|ALERT|EMERG)"
    r"(?![\w/.-])",
    re.ASCII,
)
_MESSAGE_LEVEL = re.compile(r"([A-Za-z]{3,11})(?::|(?=[ \t]))", re.ASCII)


def _word_level(word: str) -> str | None:
    return _WORD_LEVELS.get(word.upper()) if 3 <= len(word) <= 11 else None


def _kv_value(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"':
        return raw[1:-1].replace('\\"', '"')
    return raw.rstrip(",;")


def _pid(text: str) -> int | str:
    return int(text) if text.isdigit() else text


class _Reader:
    """One pass over a line's head; the fields found so far and where the message starts."""

    def __init__(self, line: str, now: datetime, zone: tzinfo) -> None:
        self.line = line
        self.now = now
        self.zone = zone
        newline = line.find("\n", 0, HEADER_WINDOW)
        self.end = newline if newline >= 0 else min(len(line), HEADER_WINDOW)
        self.stamp: Stamp | None = find_time(line, self.end, now, zone)
        self.timestamp = self.stamp.time if self.stamp is not None else None
        self.level: str | None = None
        self.service: str | None = None
        self.host: str | None = None
        self.logger: str | None = None
        self.attributes: Attributes = {}
        self.message_start = 0
        self.message: str | None = None
        # Weak fields wait here until a strong one proves they were header: (kind, text).
        self.pending: list[tuple[str, str]] = []
        self.last = ""  # the kind of the last committed field

    def commit(self, kind: str, end: int) -> None:
        numbers = 0
        for weak_kind, text in self.pending:
            if weak_kind == "host" and self.host is None:
                self.host = text
            elif weak_kind == "number":
                numbers += 1
                name = "pid" if "pid" not in self.attributes else "tid"
                if numbers <= 2 and name not in self.attributes:
                    self.attributes[name] = _pid(text.lstrip("#"))
        self.pending.clear()
        self.message_start = end
        self.last = kind

    def earlier_than_stamp(self, start: int) -> bool:
        """Whether a time found at ``start`` comes before any the line already gave (the first one wins)."""
        return self.timestamp is None or (self.stamp is not None and start < self.stamp.start)

    def bracket(self, content: str, start: int, end: int) -> bool:
        """Read a ``[...]`` field; False when it is not a header field."""
        stripped = content.strip()
        if self.stamp is not None and start < self.stamp.start and self.stamp.end <= end:
            if self.level is None:
                rest = self.line[self.stamp.end : end - 1]
                found = (_word_level(m.group(1)) for m in _LEVEL_IN_BRACKET.finditer(rest))
                self.level = next((level for level in found if level is not None), None)
            return True
        level = _word_level(stripped)
        if level is not None and self.level is None:
            self.level = level
            return True
        epoch = epoch_time(stripped)
        if epoch is not None and self.earlier_than_stamp(start):
            self.timestamp = epoch
            return True
        if not stripped:
            return False
        if stripped.isdigit():
            self.attributes.setdefault("pid" if self.service is not None else "thread", _pid(stripped))
        elif stripped.startswith("pid ") and stripped[4:].split(":")[0].isdigit():
            self.attributes.setdefault("pid", int(stripped[4:].split(":")[0]))
        elif "=" in stripped and " " not in stripped:
            key, _, value = stripped.partition("=")
            self.attributes.setdefault(key, value)
        elif self.level is None and "thread" not in self.attributes:
            self.attributes["thread"] = stripped  # log4j's "[%t] %-5p": a thread stands before the level
        elif self.logger is None:
            self.logger = stripped  # "[component]" after the level
        else:
            self.attributes.setdefault("context", stripped)
        return True

    def tag(self, pos: int) -> int | None:
        """Read ``prog[pid]:``, ``prog:`` or ``logger:``/``logger -``; returns where the header ends."""
        line = self.line
        m = _TAG_PID.match(line, pos, self.end)
        if m is not None:
            name, pid, other, colon = m.groups()
            level = _word_level(name)
            if level is not None:  # asterisk's "NOTICE[1638]": a level with its thread id
                if self.level is None:
                    self.level = level
                self.attributes.setdefault("thread", _pid(pid))
                return m.end() if colon else -m.end()
            if " " in name and self.host is None and self.last == "time":
                host, _, name = name.partition(" ")  # "Mmm dd hh:mm:ss host Microsoft Word[1]:"
                self.host = host
            self.service = name
            self.attributes["pid"] = _pid(pid)
            if other is not None:
                self.attributes["context"] = _pid(other)
            return m.end()
        m = _SOURCE_LINE.match(line, pos, self.end)
        if m is not None and (self.last or self.pending):
            self.logger = m.group(1)
            self.attributes["line"] = int(m.group(2))
            return m.end()
        m = _TAG.match(line, pos, self.end)
        if m is None or _word_level(m.group(1)) is not None or m.group(1).isdigit() or m.group(1) in _SEPARATORS:
            return None
        name = m.group(1)
        channel, _, last = name.rpartition(".")
        level = _word_level(last) if channel and last.isupper() else None
        if level is not None:  # Monolog's "channel.LEVEL: message"
            if self.level is None:
                self.level = level
            self.logger = channel
            return m.end()
        if self.level is not None or "." in name.strip("."):
            self.logger = name  # log4j "%p %c: %m", or a Java class / file name
        else:
            self.service = name  # syslog "host prog: msg"
        if m.group(2) is not None:
            self.attributes["line"] = int(m.group(2))
        return m.end()

    def word(self, word: str, start: int, end: int) -> str | None:
        """Classify one bare word; returns 'strong', 'weak' or None (the message starts here)."""
        bare = word.rstrip(":|")
        level = _word_level(bare)
        if level is not None and level == self.level and bare.isupper() and (self.last or self.pending):
            return "strong"  # the level again in words, after its letter (Ruby's "I, [...] INFO -- prog: ...")
        if level is not None and self.level is None:
            # Upper case is a level anywhere in the header; any case once a header field stands before it,
            # or when a colon or bar closes it ("Error: ..."), since "error" also starts ordinary sentences.
            if bare.isupper() or self.last or self.pending or bare != word:
                self.level = level
                return "strong"
            return None
        letter = word[:-1] if word.endswith(",") else word
        if len(letter) == 1 and letter in _LETTERS and self.level is None:
            after = _skip(self.line, end, self.end)
            nxt = _WORD.match(self.line, after, self.end)
            # First on the line, a letter is a level only before a bracketed time (CUPS "E [08/Jun/2013:...]",
            # Ruby "I, [2019-01-04 ... #123]"); after header fields, before a tag, a bracket or a number.
            stamped = self.stamp is not None and self.line.startswith("[", after) and self.stamp.start == after + 1
            if (
                (self.last or self.pending)
                and nxt is not None
                and (nxt.group().endswith(":") or nxt.group()[0] in "[(" or nxt.group().isdigit())
                or (start == 0 and stamped)
            ):
                self.level = _LETTERS[letter]
                return "strong"
            return None
        epoch = epoch_time(word)
        if epoch is not None:
            if self.earlier_than_stamp(start) and (start == 0 or self.last or self.pending):
                self.timestamp = epoch
                return "strong"
            return None
        if _DATE_ONLY.fullmatch(word) or _CLOCK_ONLY.fullmatch(word):
            return "strong"
        if word in _SEPARATORS:
            self.pending.append(("sep", word))
            return "weak"
        if _NUMBER.fullmatch(word) and _SOURCE_LINE.match(self.line, _skip(self.line, end, self.end), self.end):
            self.pending.append(("number", word))  # glog's thread id before its source line
            return "weak"
        if (
            self.level is not None
            and self.last in ("word", "bracket")
            and _DOTTED_LOGGER.fullmatch(word)
            and word.rpartition(".")[2].lower() not in _HOST_ENDINGS
        ):
            if self.logger is not None:  # "LEVEL [thread] logger": the bracket was the thread
                self.attributes.setdefault("thread", self.logger)
            self.logger = word
            return "strong"
        if self.level is not None or len(self.pending) >= 6:
            return None
        if _NUMBER.fullmatch(word):
            self.pending.append(("number", word))
            return "weak"
        if _HOSTLIKE.fullmatch(word) and not any(kind == "host" for kind, _ in self.pending):
            self.pending.append(("host", word))
            return "weak"
        if _IDENTIFIER.fullmatch(word):
            self.pending.append(("field", word))  # machine names like "unix.hw", not prose
            return "weak"
        if self.timestamp is not None and _CODE.fullmatch(word) and not word.isdigit():
            # Header only if a time or level follows, as every weak field: "GET /index.html" stays the message.
            self.pending.append(("field", word))
            return "weak"
        return None

    def keyed(self, key: str, value: str) -> bool:
        """A ``key=value`` naming the time, level or message; False for any other key."""
        lower = key.lower()
        if lower in _TIME_KEYS:
            if self.timestamp is None:
                stamp = find_time(value, len(value), self.now, self.zone)
                self.timestamp = stamp.time if stamp is not None else epoch_time(value)
            return True
        if lower in _LEVEL_KEYS:
            level = _NUMERIC_LEVELS.get(value) or _word_level(value) or _LETTERS.get(value.upper())
            if level is not None and self.level is None:
                self.level = level
            return True
        if lower in _MESSAGE_KEYS:
            self.message = value
            return True
        return False

    def read(self) -> None:
        line, end = self.line, self.end
        pos = 0
        if line.startswith("<"):
            m = _PRI.match(line, 0, end)
            if m is not None and int(m.group(1)) <= 191:
                pri = int(m.group(1))
                self.level = _SEVERITY_LEVELS[pri & 7]
                self.attributes["severity"] = pri & 7
                self.commit("pri", m.end())
                pos = m.end()
        stamp = self.stamp
        if stamp is not None and stamp.start <= 1 and line[:1] in _LETTERS and line[1:2].isdigit():
            self.level = _LETTERS[line[0]]  # glog: the level letter is glued to the date
            pos = stamp.start
        for _ in range(_MAX_FIELDS):
            pos = _skip(line, pos, end)
            if pos >= end:
                break
            if stamp is not None and pos == stamp.start:
                pos = stamp.end
                self.commit("time", pos)
                continue
            if line[pos] == "[":
                m = _BRACKET.match(line, pos, end)
                if m is not None and self.bracket(m.group(1), m.start(), m.end()):
                    pos = m.end()
                    self.commit("bracket", pos)
                    continue
                break
            m = _BRACED_SOURCE_LINE.match(line, pos, end) if line[pos] == "{" and self.last else None
            if m is not None:
                self.logger, self.attributes["line"] = m.group(1), int(m.group(2))
                pos = m.end()
                self.commit("bracket", pos)
                continue
            m = ANGLED_LEVEL.match(line, pos, end) if line[pos] == "<" and self.level is None else None
            if m is not None and (level := _word_level(m.group(1))) is not None:
                self.level = level
                pos = m.end()
                self.commit("level", pos)
                continue
            m = _WORD.match(line, pos, end)
            if m is None:
                break
            word = m.group()
            # The tag shapes need a ':' in the word, a '[' ahead or a spaced separator after it.
            maybe_tag = ":" in word or line.find("[", pos, pos + 100) >= 0 or line.startswith(_SPACED, m.end())
            tag_end = self.tag(pos) if maybe_tag else None
            if tag_end is not None:
                if tag_end < 0:  # a level with its thread id; more header may follow
                    pos = -tag_end
                    self.commit("level", pos)
                    continue
                self.commit("tag", tag_end)
                if line[tag_end - 1] == "|":  # "time | service | LEVEL | message": more header follows
                    pos = tag_end
                    continue
                break
            if "=" in word:
                kv = _KV.match(line, pos)
                if kv is not None and self.keyed(kv.group(1), _kv_value(kv.group(2))):
                    pos = kv.end()
                    self.commit("kv", pos)
                    continue
                break
            kind = self.word(word, pos, m.end())
            if kind is None:
                break
            pos = m.end()
            if kind == "strong":
                self.commit("word", pos)
                if word.endswith(":"):
                    break
        # Separators right after the last header field belong to the header ("- msg", "| msg").
        trailing = self.message_start
        while True:
            trailing = _skip(line, trailing, end)
            m = _WORD.match(line, trailing, end)
            if m is None or m.group() not in _SEPARATORS:
                break
            trailing = m.end()
            self.message_start = trailing

    def pairs(self) -> None:
        """key=value pairs of the first line into attributes (bounded); header fields win on a clash."""
        end = self.line.find("\n", 0, _KV_WINDOW)
        for count, m in enumerate(_KV.finditer(self.line, 0, end if end >= 0 else _KV_WINDOW)):
            if count >= _MAX_ATTRIBUTES:
                break
            key, value = m.group(1), _kv_value(m.group(2))
            if self.keyed(key, value):
                continue
            self.attributes.setdefault(key, value)


def _skip(line: str, pos: int, end: int) -> int:
    m = _SPACE.match(line, pos, end)
    return m.end() if m is not None else pos


def parse_header(line: str, now: datetime, zone: tzinfo = UTC) -> RawEvent:
    """Always an event: whatever header fields the line has, and the message after them.

    :param line: a stripped, non-empty line (a record may hold more lines; only the first is read).
    :param now: the reference time for year-less timestamps.
    :param zone: the zone of timestamps that name none.
    """
    reader = _Reader(line, now, zone)
    reader.read()
    if "=" in line[: min(len(line), _KV_WINDOW)]:
        reader.pairs()
    message = reader.message if reader.message else line[reader.message_start :].lstrip(" \t|")
    if reader.level is None:
        m = _MESSAGE_LEVEL.match(message)
        word = m.group(1) if m is not None else ""
        if m is not None and (word.isupper() or message.startswith(":", m.end(1))):
            reader.level = _word_level(word)
    if reader.level is None:
        m = _LEVEL_ANYWHERE.search(line, 0, min(len(line), HEADER_WINDOW // 2))
        reader.level = _WORD_LEVELS.get(m.group(1)) if m is not None else None
    return event("plain", line, message, timestamp=reader.timestamp, level=reader.level, service=reader.service,
                 host=reader.host, logger=reader.logger, attributes=reader.attributes)  # fmt: skip
