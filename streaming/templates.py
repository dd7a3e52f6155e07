"""The template behind a log message: its variable parts masked as ``<*>``, and a stable id for that text.

``template_of`` is a pure function of the message, so the same template gets the same id on every Spark worker,
after a restart and in a re-run batch, with no shared state. An online miner such as Drain (drain3) learns its
clusters from the order of the lines it has seen, so two workers (or a re-run) can give one line two ids.

How a message becomes a template, token by whitespace-separated token:

- whitespace runs become one space, and only the first ``MAX_TEMPLATED_CHARS`` characters count: a longer
  message's template ends in ``<*>`` standing for the rest (this bounds the time a 1 MB line takes);
- a token is cut at punctuation (``, ; : = ( ) [ ] { } " ' < > |``) into pieces; a piece is a variable when it
  holds a digit (numbers, ids, IPs, ports, hex, ``blk_-123``, ``12ms``, ``node-7``), a ``/`` (paths, URLs),
  an ``@`` (emails), at least two dots (host names, Java classes), when it is the value of ``key=value``, a
  weekday or month name, or a MAC-style ``aa:bb:cc`` run; ``key=`` with no value, ``()`` and ``[]`` hold a
  ``<*>`` (an empty value is still a value); a redaction marker (``[REDACTED:kind]``) is a variable;
- adjacent variables joined only by punctuation (``<*>:<*>``) become one, and a unit after a variable
  (``<*> KB``, ``<*> ms``) joins it.

The rules are generic: none names a product or a log format. Which rule was added while looking at which
Loghub system, and what each rule is worth per system, is measured by ``python -m bench.eval_templates``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import NamedTuple

__all__ = ["MAX_TEMPLATED_CHARS", "RULES", "WILDCARD", "Template", "Templater", "template_of"]

WILDCARD = "<*>"
# Only this prefix of a message is templated: it keeps a 1 MB line to the cost of a long ordinary one.
MAX_TEMPLATED_CHARS = 4096
# The masking rules, all on in production; the evaluation (bench.eval_templates) switches them one by one.
RULES = ("digit", "path", "email", "dotted", "names", "kv", "empty", "mac", "quoted", "redacted", "units", "runs")
# Memo size: past it a memo is emptied and refills with what the stream holds now.
_CACHE_LIMIT = 100_000
# Whole messages are remembered only up to this length and count (bounded memory: about 20 MB at most).
_MEMO_MAX_CHARS = 1024
_MESSAGE_CACHE_LIMIT = 20_000

_SEPARATORS = ",;:=()[]{}\"'<>|"
_PIECES = re.compile(f"([{re.escape(_SEPARATORS)}]+)")
# Characters that make a token worth a closer look; a token with none of them is a constant word or a name.
_TRIGGERS = frozenset("0123456789/@=.([" + _SEPARATORS)
_DIGITS = frozenset("0123456789")
_SEPARATOR_SET = frozenset(_SEPARATORS)
_NAMES = frozenset(
    "mon tue wed thu fri sat sun monday tuesday wednesday thursday friday saturday sunday jan feb mar apr may "
    "jun jul aug sep sept oct nov dec january february march april june july august september october november "
    "december".split()
)
_UNITS = frozenset(
    "b kb mb gb tb kib mib gib tib bytes ms us µs ns s sec secs seconds m min mins minutes h hrs hours %".split()
)
# A unit token as it stands after a number (``12 KB,``): only then is the fold pass worth running.
_UNIT_TOKENS = frozenset(
    form + tail for unit in _UNITS for form in (unit, unit.upper(), unit.capitalize()) for tail in ("", ",", ";", ")")
)
_UNIT_ALTERNATIVES = "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True))
_DOTTED = re.compile(r"[\w$-]+(?:\.[\w$-]+){2,}")
_QUOTED = re.compile(r"\"[^\"]{0,256}\"|(?<!\w)'[^'\s][^']{0,255}'(?!\w)")
_REDACTED = re.compile(r"\[REDACTED:\w+\]")
_MAC = re.compile(r"(?<![\w:])[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){2,}(?![\w:])")
_EMPTY = re.compile(r"=(?=[,;&)\]}]|$)|\(\)|\[\]")
_EMPTY_FILLED = {"=": "=<*>", "()": "(<*>)", "[]": "[<*>]"}
_PUNCTUATED_RUN = re.compile(r"<\*>(?:[^\w\s<]*<\*>)+")


class Template(NamedTuple):
    """A message's template: ``text`` with variables as ``<*>``, and ``id``, 16 hex chars of its hash."""

    id: str
    text: str


class Templater:
    """Turns messages into templates with a chosen set of rules; production uses one with all of them.

    Its memos (per token, per template text, per whole message) are caches of a pure function: they change
    how fast an answer comes, never what it is. Log lines repeat, and so do their words.

    :param rules: the names (from ``RULES``) of the rules to apply.
    :raises ValueError: a rule name is not in ``RULES``.
    """

    def __init__(self, rules: Iterable[str] = RULES) -> None:
        self.rules = frozenset(rules)
        unknown = self.rules - set(RULES)
        if unknown:
            raise ValueError(f"unknown template rules {sorted(unknown)}: use names from RULES {RULES}.")
        on = self.rules.__contains__
        self._digit, self._path, self._email, self._dotted = on("digit"), on("path"), on("email"), on("dotted")
        self._names, self._kv, self._empty, self._mac = on("names"), on("kv"), on("empty"), on("mac")
        self._quoted, self._redacted = on("quoted"), on("redacted")
        folds = ([WILDCARD.replace("*", "\\*")] if on("runs") else []) + (
            [f"(?i:{_UNIT_ALTERNATIVES})(?![\\w<])"] if on("units") else []
        )
        self._fold = re.compile(r"<\*>(?: (?:" + "|".join(folds) + "))+") if folds else None
        self._fold_runs, self._fold_units = on("runs"), on("units")
        self._tokens: dict[str, str] = {}
        self._by_text: dict[str, Template] = {}
        self._by_message: dict[str, Template] = {}

    def forget_lines(self) -> None:
        """Empty the whole-message and template memos, keeping the word memo (benchmarks measure with it)."""
        self._by_message.clear()
        self._by_text.clear()

    def _is_variable(self, piece: str, is_value: bool) -> bool:
        return (
            (is_value and self._kv)
            or (self._digit and not _DIGITS.isdisjoint(piece))
            or (self._path and "/" in piece)
            or (self._email and "@" in piece)
            or (self._names and piece.lower() in _NAMES)
            or (self._dotted and _DOTTED.fullmatch(piece) is not None)
        )

    def _mask_pieces(self, token: str) -> str:
        if self._redacted:
            token = _REDACTED.sub(WILDCARD, token)
        if self._mac:
            token = _MAC.sub(WILDCARD, token)
        if self._empty:
            token = _EMPTY.sub(lambda match: _EMPTY_FILLED[match.group()], token)
        parts = _PIECES.split(token)
        # parts alternates piece, separators, piece, ...: the separators before a piece say if it is a value.
        for index in range(0, len(parts), 2):
            piece = parts[index]
            if not piece or piece == WILDCARD:
                continue
            before = parts[index - 1] if index else ""
            if self._is_variable(piece, before.endswith(("=", '="', "='"))):
                parts[index] = WILDCARD
        return _PUNCTUATED_RUN.sub(WILDCARD, "".join(parts))

    def _mask_token(self, token: str) -> str:
        if _TRIGGERS.isdisjoint(token):
            masked = WILDCARD if self._names and token.lower() in _NAMES else token
        elif _SEPARATOR_SET.isdisjoint(token):
            # The common variable (a number, an id, a path, a host): no punctuation to keep.
            masked = WILDCARD if self._is_variable(token, False) else token
        else:
            masked = self._mask_pieces(token)
        if len(self._tokens) >= _CACHE_LIMIT:
            self._tokens.clear()
        self._tokens[token] = masked
        return masked

    def text(self, message: str) -> str:
        """The message with its variable parts as ``<*>`` (see the module docstring for the rules).

        :param message: the (redacted) log message; any string, control characters and lone surrogates too.
        """
        head = message[:MAX_TEMPLATED_CHARS]
        if self._quoted and ('"' in head or "'" in head):
            head = _QUOTED.sub(lambda match: match.group()[0] + WILDCARD + match.group()[0], head)
        tokens = head.split()
        if len(message) > MAX_TEMPLATED_CHARS and tokens:
            tokens[-1] = WILDCARD  # the last token was probably cut: it and everything after it is one variable
        get = self._tokens.get
        text = " ".join([get(token) or self._mask_token(token) for token in tokens])
        if self._fold is not None and (
            (self._fold_runs and "<*> <*>" in text) or (self._fold_units and not _UNIT_TOKENS.isdisjoint(tokens))
        ):
            return self._fold.sub(WILDCARD, text)
        return text

    def template_of(self, message: str) -> Template:
        """The template of a message and its id: the same on every process, restart and re-run.

        :param message: the (redacted) log message; never raises, whatever the string holds.
        :returns: ``Template(id, text)``; ``id`` is the first 16 hex characters of the BLAKE2b hash of ``text``
            (UTF-8, lone surrogates kept as they are), independent of ``PYTHONHASHSEED`` and of any state.
        """
        found = self._by_message.get(message)
        if found is not None:
            return found
        text = self.text(message)
        found = self._by_text.get(text)
        if found is None:
            digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
            found = Template(digest, text)
            if len(self._by_text) >= _CACHE_LIMIT:
                self._by_text.clear()
            self._by_text[text] = found
        if len(message) <= _MEMO_MAX_CHARS:
            if len(self._by_message) >= _MESSAGE_CACHE_LIMIT:
                self._by_message.clear()
            self._by_message[message] = found
        return found


_DEFAULT = Templater()


def template_of(message: str) -> Template:
    """The template of a message, with every rule: the one function the job calls (see ``Templater``).

    :param message: the (redacted) log message; never raises, whatever the string holds.
    :returns: ``Template(id, text)``, ``id`` 16 hex characters of a BLAKE2b hash of ``text``.
    """
    return _DEFAULT.template_of(message)
