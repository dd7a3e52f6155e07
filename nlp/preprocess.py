"""Turn raw log messages into the token stream the model sees.

Two stages, both shared by training and inference so they can never drift apart:

1. ``mask_array``: replace variable values (URLs, e-mails, timestamps, ids, IPs, paths, user names,
   numbers) with placeholder words such as ``zzip``. It runs RE2 regular expressions through
   pyarrow.compute over a whole batch at once, because per-message Python regexes cost about
   ten times more and ``classify_batch`` must keep up with a Spark stream.
2. ``split_token``: split one whitespace token into lower-case words (camelCase, snake_case,
   punctuation). It is cached per distinct token: log text is highly repetitive, so a batch of
   thousands of messages has only a few hundred distinct tokens once values are masked.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Final

import pyarrow as pa
import pyarrow.compute as pc

from nlp.errors import NlpError

__all__ = [
    "MAX_MESSAGE_CHARS",
    "PLACEHOLDERS",
    "display_token",
    "fill_wildcards",
    "mask",
    "mask_array",
    "mask_texts",
    "normalize",
    "split_token",
    "to_arrow",
    "tokenize",
    "wildcard_of",
]

logger = logging.getLogger(__name__)

# The topic of a log line is in its first few kilobytes; longer messages (stack dumps, payloads)
# only add cost, and a 1 MB message must not stall a micro-batch.
MAX_MESSAGE_CHARS: Final = 4096

# Rows joined into one string per regex call; bounds the joined string at a few MB.
_JOIN_ROWS: Final = 2048
_NEWLINE: Final = pa.scalar("\n", type=pa.large_string())

# Placeholder word -> how it is shown to people in `explain` output.
PLACEHOLDERS: Final[dict[str, str]] = {
    "zzurl": "<url>",
    "zzemail": "<email>",
    "zztime": "<time>",
    "zzid": "<id>",
    "zzip": "<ip>",
    "zzhost": "<host>",
    "zzpath": "<path>",
    "zzuser": "<user>",
    "zznum": "<num>",
}

# A template's variable part written as the kind of value it holds (``<ip>``, ``<num_ms>``: a number of
# milliseconds), so training on a template sees the placeholders a real line of it would give. Kinds are the
# placeholders' names; a number may carry its unit (any word the masker keeps after ``zznum_``).
_KINDS: Final = "|".join(name[1:-1] for name in PLACEHOLDERS.values())
_TYPED_WILDCARD: Final = re.compile(f"<(?:({_KINDS})|num_([a-z]+))>")

_MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_TIME_RE = "|".join(
    [
        r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?",
        rf"\d{{1,2}}/{_MONTH}/\d{{4}}(?::\d{{2}}:\d{{2}}:\d{{2}})?(?: [+-]\d{{4}})?",
        rf"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),? )?{_MONTH} +\d{{1,2}},?(?: \d{{4}})? +\d{{2}}:\d{{2}}:\d{{2}}"
        r"(?:[.,]\d+)?(?: \d{4})?",
        r"\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?",
        r"\d{4}[/.]\d{2}[/.]\d{2}",
        r"\d{2}/\d{2}/\d{4}",
    ]
)
_TLDS = "com|net|org|io|local|internal|lan|corp|cloud|dev|svc|edu|gov|int|de|uk|fr|nl|cn|ru|jp|us|eu"
# Words that follow "user" in prose and are not a name ("user unknown", "user session").
_USER_STOPWORDS = (
    "unknown|not|authentication|authenticated|session|sessions|account|accounts|agent|id|ids|name|names|data|"
    "profile|profiles|request|requests|has|is|was|were|with|from|in|on|to|for|and|or|the|a|an|does|did|"
    "logged|login|logins|logout|must|cannot|can|could|may|already|successfully|failed|list|lookup|database|"
    "interface|info|information|details|cache|store|service|preferences|settings|role|roles|group|groups|"
    "quota|limit|limits|directory|mode|space|namespace|context|permissions|privileges|creation|created|"
    "deleted|updated|registration|registered|signed|sign|search|searches|searched|record|records|token|tokens|"
    "credential|credentials|password|passwords|exists|found|locked|unlocked|disabled|enabled|removed|added|"
    "changed|count|activity|event|events|access|object|lock|process|processes|time|table|facing|input|"
    "specified|provided|requested|via|at|as|of|by|zzuser|zzemail|zzip|zznum|zzid"
)

# (pattern, rewrite) pairs applied in order. Order matters: URLs contain paths and hosts, timestamps
# contain numbers, IPs contain numbers, and user names are matched by the words around them.
_MASKS: Final[list[tuple[str, str]]] = [
    (r"(?i)\b[a-z][a-z0-9+.-]{1,15}://[^\s\"'<>]+", " zzurl "),
    (r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b", " zzemail "),
    (rf"\b(?:{_TIME_RE})\b", " zztime "),
    (
        r"(?i)\b(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        r"|[0-9a-f]{2}(?:[:-][0-9a-f]{2}){5}|0x[0-9a-f]+|[0-9a-f]{7,})\b",
        " zzid ",
    ),
    (
        r"(?i)\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b|\b(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,5})?"
        r"|::1\b|\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5}|/\d{1,2})?\b",
        " zzip ",
    ),
    (rf"(?i)\b(?:[a-z0-9-]+\.)+(?:{_TLDS})\b", " zzhost "),
    (r"(?m)(^|[\s(\[{=\"'<,:])(?:~|\.{1,2})?(?:/[A-Za-z0-9_.@%+~=,:-]+)+/?(?:\?[^\s\"']*)?", r"\1 zzpath "),
    (r"\b[A-Za-z]:\\[^\s\"']*", " zzpath "),
    (
        r"(?i)(HTTP/\d(?:\.\d)?\"? +|\bstatus(?:[ _-]?code)?[=:]? *\"?|\bcode[=:] *|\bresponse(?:[ _-]code)?[=:] *)"
        r"([1-5]\d\d)\b",
        r"\1 zzhttp\2 ",
    ),
    (
        r"(?i)\b(user|username|user_name|usr|login|ruser|principal|uname)(=|: ?)[\"']?[^\s\"',;)\]}&]+[\"']?",
        r"\1\2 zzuser ",
    ),
    (rf"(?i)\b(user|username)( +)({_USER_STOPWORDS})\b", r"\1_\3"),
    (r"(?i)\b(user|username)( +)[\"'`]?[A-Za-z0-9._@\\$-]+[\"'`]?", r"\1 zzuser "),
    (r"(?i)\b(for|by)( +)[A-Za-z0-9._@-]+( +from +zzip)\b", r"\1 zzuser\3"),
    (r"%", " pct "),
    # The unit stays glued to the placeholder (zznum_ms) so split_token can keep it: "took 5s" and
    # "took 5 seconds" must both say "second", and one-letter units would otherwise be dropped.
    (r"(?m)(^|[^A-Za-z0-9.])[-+]?\d+(?:[.,]\d+)*([A-Za-z]*)", r"\1 zznum_\2 "),
]

# Units after a number -> one canonical word (matching the stemmed spelled-out word).
_UNITS: Final[dict[str, str]] = {
    **dict.fromkeys(["s", "sec", "secs", "second", "seconds"], "second"),
    **dict.fromkeys(["m", "min", "mins", "minute", "minutes"], "minute"),
    **dict.fromkeys(["h", "hr", "hrs", "hour", "hours"], "hour"),
    **dict.fromkeys(["d", "day", "days"], "day"),
    **dict.fromkeys(["ms", "msec", "msecs", "millis", "milliseconds"], "ms"),
    **dict.fromkeys(["us", "usec", "usecs", "microseconds"], "us"),
    **dict.fromkeys(["k", "kb", "kib"], "kb"),
    **dict.fromkeys(["mb", "mib"], "mb"),
    **dict.fromkeys(["g", "gb", "gib"], "gb"),
    **dict.fromkeys(["t", "tb", "tib"], "tb"),
    **dict.fromkeys(["b", "bytes"], "bytes"),
}

# Abbreviated units written apart from their number ("10 mins") -> the canonical unit word.
_SPELLED_UNITS: Final[dict[str, str]] = {
    k: v for k, v in _UNITS.items() if len(k) >= 3 and k not in {"bytes", "day", "days"} and not k.endswith("b")
}
# Words that may follow zznum as its unit in a typed wildcard (the canonical units, and "%" as masked).
_UNIT_WORDS: Final = frozenset([*_UNITS.values(), "pct"])
# A variable part with more placeholders than this is a list (of block ids, say): no one kind.
_MAX_KINDS: Final = 3
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_PART = re.compile(r"[A-Za-z0-9]+")
_UNIT = re.compile(r"^[0-9]+([A-Za-z]*)$")
# Letters then a short number are names, not ids: sha256, x509, eth0, ssh2, log4j is handled below.
_NAME_WITH_DIGITS = re.compile(r"^[A-Za-z]+[0-9]{1,3}[A-Za-z]?$")


def _stem(word: str) -> str:
    """Strip the commonest English inflections so 'blocked', 'blocking' and 'blocks' share a feature.

    Deliberately light (no suffixes beyond -s/-es/-ies/-ed/-ied/-ing): measured +0.3 macro-F1 points on
    template-grouped cross-validation, while heavier stemming merged unrelated words.
    """
    if len(word) <= 4 or not word.isalpha() or word.startswith("zz"):
        return word
    if word.endswith(("ies", "ied")) and len(word) > 5:
        return word[:-3] + "y"
    if word.endswith("ing") and len(word) > 6:
        return word[:-3]
    if word.endswith("ed") and len(word) > 5:
        return word[:-2]
    if word.endswith("es") and len(word) > 5 and word[-3] in "sxzh":
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _coerce(message: object) -> str:
    """Return a valid str for anything a caller may hand us (None, NaN, bytes, lone surrogates)."""
    if message is None or (isinstance(message, float) and math.isnan(message)):
        return ""
    if isinstance(message, bytes | bytearray | memoryview):
        return bytes(message).decode("utf-8", "replace")
    text = message if isinstance(message, str) else str(message)
    # Lone surrogates (from surrogateescape decoding) are not encodable as UTF-8 for Arrow.
    return text.encode("utf-8", "replace").decode("utf-8")


def to_arrow(messages: Iterable[object] | pa.Array | pa.ChunkedArray) -> pa.LargeStringArray:
    """Convert a batch of messages to a large_string Arrow array, truncated to MAX_MESSAGE_CHARS.

    :param messages: strings, or anything else (None, bytes, numbers), which is coerced rather
        than rejected, because one odd record must never fail a whole micro-batch.
    """
    if isinstance(messages, pa.ChunkedArray):
        messages = messages.combine_chunks()
    if isinstance(messages, pa.Array):
        arr = messages if messages.type == pa.large_string() else messages.cast(pa.large_string())
    else:
        items = messages if isinstance(messages, list | tuple) else list(messages)
        try:
            arr = pa.array(items, type=pa.large_string(), from_pandas=True)
        except (pa.ArrowException, TypeError, ValueError, UnicodeError):
            arr = pa.array([_coerce(m) for m in items], type=pa.large_string())
    arr = pc.fill_null(arr, "")
    return pc.utf8_slice_codeunits(arr, 0, MAX_MESSAGE_CHARS)


def mask_array(arr: pa.LargeStringArray) -> pa.LargeStringArray:
    """Replace variable values in every message of ``arr`` by placeholder words.

    Rows are joined with newlines into one string per chunk and each expression runs once over it:
    RE2's per-call overhead, not its scanning, dominates on short log lines (measured 30% faster).
    No pattern can match a newline, and newlines inside messages become spaces first.

    :param arr: messages as produced by :func:`to_arrow`.
    """
    arr = pc.replace_substring(pc.replace_substring(arr, "\n", " "), "\r", " ")
    chunks = []
    for start in range(0, len(arr), _JOIN_ROWS):
        part = arr.slice(start, _JOIN_ROWS)
        offsets = pa.array([0, len(part)], type=pa.int64())
        joined = pc.binary_join(pa.LargeListArray.from_arrays(offsets, part), _NEWLINE)
        for pattern, rewrite in _MASKS:
            joined = pc.replace_substring_regex(joined, pattern, rewrite)
        rows = pc.list_flatten(pc.split_pattern(joined, "\n"))
        if len(rows) != len(part):
            raise NlpError(f"Masking changed the batch size from {len(part)} to {len(rows)}: please report this bug.")
        chunks.append(rows)
    if not chunks:
        return arr
    return chunks[0] if len(chunks) == 1 else pa.concat_arrays(chunks)


def mask_texts(messages: Iterable[object]) -> list[str]:
    """Mask a batch and return plain strings (the first step of the training pipeline).

    :param messages: raw messages.
    """
    return [str(s) for s in mask_array(to_arrow(messages)).to_pylist()]


def mask(message: object) -> str:
    """Mask one message; for people and tests (batch callers use :func:`mask_array`).

    :param message: one raw message.
    """
    return mask_texts([message])[0]


@lru_cache(maxsize=262_144)
def split_token(raw: str) -> tuple[str, ...]:
    """Split one whitespace-delimited token into model words.

    camelCase and acronyms are split (``NullPointerException`` -> null pointer exception), letters
    are lower-cased, punctuation separates words, a number left over after masking becomes
    ``zznum`` (keeping its unit: ``345ms`` -> zznum ms), letter-digit mixes that are not short
    names like ``sha256`` become ``zzid``, single characters are dropped (they carry no topic), and
    words lose common inflections (``blocked`` -> block).

    :param raw: one token of masked text.
    """
    out: list[str] = []
    if raw.startswith("zznum_"):
        # Masked number with its unit (see _MASKS): upper-case M is megabytes, lower-case m minutes.
        suffix = raw[6:]
        out.append("zznum")
        if suffix:
            word = "mb" if suffix == "M" else _UNITS.get(suffix.lower(), suffix.lower())
            if len(word) >= 2 and word.isalpha():
                out.append(_stem(word) if word not in _UNITS.values() else word)
        return tuple(out)
    for part in _PART.findall(raw):
        if part.isalpha():
            for word in _CAMEL.sub(" ", part).lower().split():
                if len(word) >= 2:
                    out.append(_SPELLED_UNITS.get(word) or _stem(word))
            continue
        unit = _UNIT.match(part)
        if unit is not None:
            # "345ms" -> <num> ms: the unit says what was measured, the value does not matter.
            out.append("zznum")
            if len(unit.group(1)) >= 2:
                out.append(unit.group(1).lower())
        elif len(part) <= 4 or _NAME_WITH_DIGITS.match(part):
            out.append(part.lower())
        else:
            out.append("zzid")
    return tuple(out)


def tokenize(text: str) -> list[str]:
    """Split masked text into model words (the vectorizer's tokenizer).

    :param text: output of :func:`mask`.
    """
    out: list[str] = []
    for raw in text.split():
        out.extend(split_token(raw))
    return out


def normalize(message: object) -> list[str]:
    """Mask and tokenize one raw message: exactly the words the model sees.

    :param message: one raw message.
    """
    return tokenize(mask(message))


def display_token(token: str) -> str:
    """Show a model feature to people: placeholders become ``<ip>``-style names.

    :param token: a vocabulary entry (one word, or two separated by a space).
    """
    return " ".join(PLACEHOLDERS.get(part, part) for part in token.split(" "))


def wildcard_of(masked: str) -> str:
    """Name the kind of value a template's variable part held, from its masked text in a real line.

    The placeholders in it, in order, become typed wildcards (``zzip`` -> ``<ip>``, a number followed by
    its unit -> ``<num_ms>``); words are dropped, since they are the value itself. ``<*>`` when no
    placeholder is there (a name, a word) or more than a few (a list: no stable kind).

    :param masked: the text a variable part became in :func:`mask` of a real message.
    """
    words = tokenize(masked)
    kinds: list[str] = []
    for index, word in enumerate(words):
        if word in PLACEHOLDERS:
            unit = words[index + 1] if word == "zznum" and index + 1 < len(words) else ""
            kinds.append(PLACEHOLDERS[word][:-1] + (f"_{unit}>" if unit in _UNIT_WORDS else ">"))
    return "".join(kinds) if 0 < len(kinds) <= _MAX_KINDS else "<*>"


def fill_wildcards(text: str) -> str:
    """Put back, for each typed wildcard of :func:`wildcard_of`, the placeholder the masker gives its value.

    :param text: a template with typed wildcards (``Failed password for <user> from <ip>``).
    """
    return _TYPED_WILDCARD.sub(lambda m: f" zz{m[1]} " if m[1] else f" zznum_{m[2]} ", text)
