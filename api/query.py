"""The search query language: a small, safe subset of Lucene syntax, parsed here and never passed raw to ES.

One parse gives two things that agree: an Elasticsearch query (for ``/logs/search``) and a Python predicate
(for the live tail, where documents come from Kafka and never meet Elasticsearch).

Syntax::

    timeout                   a word in the message or exception message
    "connection reset"        a phrase
    time*                     a word prefix
    service:checkout          a field (keyword fields: exact; level and category are case-insensitive)
    template_id:ID            the logs of one message template (``template:"a <*> b"``: by its text)
    service:check*            a field prefix or wildcard (* and ?)
    host:*                    the field exists
    redactions:>0             numeric comparison (>, >=, <, <=) on numeric fields
    a b  /  a AND b           both (AND is the default)
    a OR b, NOT a, -a, ( )    either, negation, grouping

Anything else (regular expressions, fuzzy ~, boosts ^, ranges in brackets, scripts) is not part of the
language. A wildcard may not start with ``*`` or ``?`` on fields with about one value per log line (the message,
ids, templates, attributes), where it would walk the whole terms dictionary, and a query holds at most
``MAX_WILDCARDS`` of them; so a query stays cheap for Elasticsearch, and cannot fail with a 500.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from api.errors import QuerySyntaxError
from core.contract import normalise_level

__all__ = [
    "Node",
    "Text",
    "Field",
    "And",
    "Or",
    "Not",
    "parse",
    "to_es",
    "to_predicate",
    "tokenize_text",
    "KEYWORD_FIELDS",
    "TEXT_FIELDS",
    "NUMERIC_FIELDS",
    "MAX_QUERY_CHARS",
    "MAX_WILDCARDS",
    "level_value",
]

MAX_QUERY_CHARS = 2000
MAX_DEPTH = 20
MAX_CLAUSES = 100
MAX_WILDCARDS = 5
# Elasticsearch does not index keyword values longer than this (ignore_above), so they never match.
KEYWORD_MAX_CHARS = 1024

KEYWORD_FIELDS = frozenset(
    {
        "event_id",
        "level",
        "service",
        "host",
        "logger",
        "env",
        "version",
        "trace_id",
        "span_id",
        "category",
        "model_version",
        "format",
        "template_id",
        "template",
        "exception.type",
        "kafka.topic",
        "message.keyword",
    }
)
TEXT_FIELDS = frozenset({"message", "exception.message", "exception.stacktrace"})
NUMERIC_FIELDS = frozenset({"category_confidence", "redactions", "kafka.partition", "kafka.offset"})
# The whole-number types of those fields in streaming.es_index's mapping (integer, long): Elasticsearch refuses a
# range whose bound lies outside its field's type, though the question has an answer.
_WHOLE_NUMBER_RANGE = {
    "redactions": (-(2**31), 2**31 - 1),
    "kafka.partition": (-(2**31), 2**31 - 1),
    "kafka.offset": (-(2**63), 2**63 - 1),
}
DEFAULT_TEXT_FIELDS = ("message", "exception.message")
# Fields with few distinct values, where a leading wildcard only walks a small terms dictionary.
_FEW_VALUES_FIELDS = frozenset(
    {"level", "service", "host", "logger", "env", "version", "category", "model_version", "format", "kafka.topic"}
)
_UPPER_FIELDS = frozenset({"level"})
_LOWER_FIELDS = frozenset({"category"})
_FIELD_RE = re.compile(r"^(attributes\.[\w.\-]+|[a-z_][\w.]*)$")
# Close to the standard analyzer for the common cases: words, with dots and apostrophes inside kept.
_TOKEN_RE = re.compile(r"\w+(?:[.'’]\w+)*")


@dataclass(frozen=True)
class Text:
    """Words or a phrase in the default text fields (or one text field)."""

    text: str
    prefix: bool = False
    field: str | None = None


@dataclass(frozen=True)
class Field:
    """A condition on one keyword or numeric field. ``op``: eq, wildcard, exists, gt, gte, lt, lte."""

    field: str
    op: str
    value: str | float = ""


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Node = Text | Field | And | Or | Not


@dataclass(frozen=True)
class _Tok:
    kind: str  # word, phrase, lparen, rparen, and, or, not
    text: str
    pos: int


def _lex(query: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c == "(":
            toks.append(_Tok("lparen", c, i))
            i += 1
        elif c == ")":
            toks.append(_Tok("rparen", c, i))
            i += 1
        elif c == '"':
            end = query.find('"', i + 1)
            if end < 0:
                raise QuerySyntaxError(f'The quote at position {i} is never closed: add the closing " or remove it.', i)
            toks.append(_Tok("phrase", query[i + 1 : end], i))
            i = end + 1
        elif c == "-" and i + 1 < n and not query[i + 1].isspace() and query[i + 1] not in ")":
            toks.append(_Tok("not", c, i))
            i += 1
        else:
            start = i
            while i < n and not query[i].isspace() and query[i] not in '()"':
                i += 1
            # field:"a phrase" keeps its quotes attached to the field.
            if query[i - 1] == ":" and i < n and query[i] == '"':
                end = query.find('"', i + 1)
                if end < 0:
                    raise QuerySyntaxError(
                        f'The quote at position {i} is never closed: add the closing " or remove it.', i
                    )
                toks.append(_Tok("word", query[start:i] + query[i : end + 1], start))
                i = end + 1
                continue
            word = query[start:i]
            kind = {"AND": "and", "OR": "or", "NOT": "not", "&&": "and", "||": "or"}.get(word, "word")
            toks.append(_Tok(kind, word, start))
    return toks


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.toks = _lex(query)
        self.i = 0
        self.clauses = 0
        self.wildcards = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def parse(self) -> Node | None:
        if not self.toks:
            return None
        node = self.or_expr(0)
        tok = self.peek()
        if tok is not None:  # only an unmatched ')' can stop or_expr early
            raise QuerySyntaxError(f"Unexpected ')' at position {tok.pos}: remove it or add the matching '('.", tok.pos)
        return node

    def or_expr(self, depth: int) -> Node:
        children = [self.and_expr(depth)]
        while (tok := self.peek()) is not None and tok.kind == "or":
            self.i += 1
            self._need_operand(tok)
            children.append(self.and_expr(depth))
        return children[0] if len(children) == 1 else Or(tuple(children))

    def and_expr(self, depth: int) -> Node:
        children = [self.unary(depth)]
        while (tok := self.peek()) is not None and tok.kind not in ("or", "rparen"):
            if tok.kind == "and":
                self.i += 1
                self._need_operand(tok)
            children.append(self.unary(depth))
        return children[0] if len(children) == 1 else And(tuple(children))

    def _need_operand(self, op: _Tok) -> None:
        nxt = self.peek()
        if nxt is None or nxt.kind in ("rparen", "and", "or"):
            raise QuerySyntaxError(
                f"'{op.text}' at position {op.pos} has nothing after it: add a term or remove the operator.",
                op.pos,
            )

    def unary(self, depth: int) -> Node:
        # A loop, not recursion: a chain of thousands of NOT/- must be a syntax answer, not a RecursionError.
        negated = False
        while (tok := self.peek()) is not None and tok.kind == "not":
            self.i += 1
            self._need_operand(tok)
            negated = not negated
        node = self.primary(depth)
        return Not(node) if negated else node

    def primary(self, depth: int) -> Node:
        tok = self.peek()
        assert tok is not None
        if tok.kind in ("and", "or"):
            raise QuerySyntaxError(
                f"'{tok.text}' at position {tok.pos} has nothing before it: add a term or remove it.",
                tok.pos,
            )
        if tok.kind == "rparen":
            raise QuerySyntaxError(f"Unexpected ')' at position {tok.pos}: remove it or add the matching '('.", tok.pos)
        self.clauses += 1
        if self.clauses > MAX_CLAUSES:
            raise QuerySyntaxError(
                f"The query has more than {MAX_CLAUSES} terms: split it into simpler searches.", tok.pos
            )
        self.i += 1
        if tok.kind == "lparen":
            if depth >= MAX_DEPTH:
                raise QuerySyntaxError(
                    f"Parentheses nest over {MAX_DEPTH} deep at position {tok.pos}: flatten the query.",
                    tok.pos,
                )
            if (nxt := self.peek()) is None or nxt.kind == "rparen":
                raise QuerySyntaxError(
                    f"The '(' at position {tok.pos} is empty or never closed: put terms inside or remove it.",
                    tok.pos,
                )
            node = self.or_expr(depth + 1)
            close = self.peek()
            if close is None or close.kind != "rparen":
                raise QuerySyntaxError(
                    f"The '(' at position {tok.pos} is never closed: add a ')' or remove it.", tok.pos
                )
            self.i += 1
            return node
        if tok.kind == "phrase":
            return _text(tok.text, tok.pos, None)
        node = _word(tok.text, tok.pos)
        if isinstance(node, Field) and node.op == "wildcard":
            self.wildcards += 1
            if self.wildcards > MAX_WILDCARDS:
                raise QuerySyntaxError(
                    f"The query has more than {MAX_WILDCARDS} wildcard terms (at position {tok.pos}): "
                    "use exact values or split the search.",
                    tok.pos,
                )
        return node


def _text(text: str, pos: int, field: str | None) -> Node:
    prefix = text.endswith("*") and len(text) > 1
    body = text[:-1] if prefix else text
    if not tokenize_text(body):
        raise QuerySyntaxError(
            f"'{text}' at position {pos} has no letters or digits to search for: remove it.",
            pos,
        )
    return Text(body, prefix=prefix, field=field)


def _word(word: str, pos: int) -> Node:
    field, sep, value = word.partition(":")
    if not sep or not field or field.startswith("*"):
        return _text(word, pos, None)
    if not _FIELD_RE.match(field) or not _known(field):
        raise QuerySyntaxError(
            f"Unknown field '{field}' at position {pos}: use one of {', '.join(sorted(_PUBLIC_FIELDS))} "
            f'or attributes.NAME, or quote the text to search for it ("{word}").',
            pos,
        )
    if value.startswith('"') and value.endswith('"') and len(value) >= 2:
        value, quoted = value[1:-1], True
    else:
        quoted = False
    if not value:
        raise QuerySyntaxError(f"'{field}:' at position {pos} has no value: write {field}:VALUE.", pos)
    if field in TEXT_FIELDS:
        return _text(value, pos, field) if not quoted else Text(value, field=field)
    if field in NUMERIC_FIELDS:
        return _numeric(field, value, pos)
    if value == "*" and not quoted:
        return Field(field, "exists")
    if field in _UPPER_FIELDS:
        value = level_value(value)
    elif field in _LOWER_FIELDS:
        value = value.lower()
    if not quoted and ("*" in value or "?" in value):
        if value[0] in "*?" and field not in _FEW_VALUES_FIELDS:
            raise QuerySyntaxError(
                f"'{field}:{value}' at position {pos} starts with a wildcard, which '{field}' does not allow: "
                "start with the known characters, or search the words of the message instead.",
                pos,
            )
        return Field(field, "wildcard", value)
    return Field(field, "eq", value)


def level_value(level: str) -> str:
    """The level a query or filter means: an alias (WARNING, ERR, E, FATAL...) as its level, anything else in
    upper case, so a level that does not exist matches nothing rather than failing the request.

    :param level: the level as written in the query or the ``level`` parameter.
    """
    return normalise_level(level) or level.strip().upper()


def _numeric(field: str, value: str, pos: int) -> Node:
    if value == "*":
        return Field(field, "exists")
    op = "eq"
    for prefix, name in ((">=", "gte"), ("<=", "lte"), (">", "gt"), ("<", "lt")):
        if value.startswith(prefix):
            op, value = name, value[len(prefix) :]
            break
    try:
        number = float(value)
    except ValueError:
        raise QuerySyntaxError(
            f"'{field}' takes a number, but got '{value}' at position {pos}: write e.g. {field}:>0.", pos
        ) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise QuerySyntaxError(f"'{field}' takes a finite number at position {pos}: write e.g. {field}:1.", pos)
    low, high = _WHOLE_NUMBER_RANGE.get(field, (number, number))
    if op != "eq" and not low <= number <= high:
        # Every value the field can hold lies on one side of the number: the same condition at the type's end.
        above = number > high
        if op in ("gt", "gte"):
            return Field(field, "gt", high) if above else Field(field, "gte", low)
        return Field(field, "lte", high) if above else Field(field, "lt", low)
    return Field(field, op, number)


_PUBLIC_FIELDS = (KEYWORD_FIELDS | TEXT_FIELDS | NUMERIC_FIELDS) - {"message.keyword"}


def _known(field: str) -> bool:
    return (
        field in KEYWORD_FIELDS
        or field in TEXT_FIELDS
        or field in NUMERIC_FIELDS
        or (field.startswith("attributes.") and len(field) > len("attributes."))
    )


def parse(query: str) -> Node | None:
    """Parse query text; None means "everything".

    :param query: text in the syntax above.
    :raises QuerySyntaxError: with one sentence naming the position and the fix.
    """
    if len(query) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(
            f"The query is {len(query)} characters long, more than {MAX_QUERY_CHARS}: shorten it.", 0
        )
    return _Parser(query).parse()


# ---------------------------------------------------------------------------------------------- to ES


def to_es(node: Node | None) -> dict[str, Any]:
    """The Elasticsearch query for a parsed node (``match_all`` for None)."""
    if node is None:
        return {"match_all": {}}
    if isinstance(node, And):
        return {
            "bool": {
                "filter": [to_es(c) for c in node.children if not isinstance(c, Not)],
                "must_not": [to_es(c.child) for c in node.children if isinstance(c, Not)],
            }
        }
    if isinstance(node, Or):
        return {"bool": {"should": [to_es(c) for c in node.children], "minimum_should_match": 1}}
    if isinstance(node, Not):
        return {"bool": {"must_not": [to_es(node.child)]}}
    if isinstance(node, Text):
        fields = [node.field] if node.field else list(DEFAULT_TEXT_FIELDS)
        kind = "phrase_prefix" if node.prefix else "phrase"
        return {"multi_match": {"query": node.text, "fields": fields, "type": kind}}
    if node.op == "exists":
        return {"exists": {"field": node.field}}
    if node.op == "wildcard":
        return {"wildcard": {node.field: {"value": node.value}}}
    if node.op == "eq":
        return {"term": {node.field: node.value}}
    return {"range": {node.field: {node.op: node.value}}}


# --------------------------------------------------------------------------------------- to predicate


def tokenize_text(text: str) -> list[str]:
    """Lower-cased words the way the live tail compares text (close to ES's standard analyzer)."""
    return _TOKEN_RE.findall(text.lower())


def _lookup(doc: dict[str, Any], path: str) -> Any:
    value: Any = doc
    if path == "message.keyword":
        path = "message"
    if path.startswith("attributes."):  # attribute names may themselves contain dots
        attrs = doc.get("attributes")
        name = path[len("attributes.") :]
        if isinstance(attrs, dict) and name in attrs:
            return attrs[name]
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _as_keywords(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        if v is None:
            continue
        out.append(v if isinstance(v, str) else json.dumps(v))
    return out


def _contains(words: list[str], needle: list[str], prefix: bool) -> bool:
    if not needle:
        return False
    last = len(needle) - 1
    for i in range(len(words) - last):
        if words[i : i + last] == needle[:last] and (
            words[i + last].startswith(needle[last]) if prefix else words[i + last] == needle[last]
        ):
            return True
    return False


def _wildcard_matcher(value: str) -> Callable[[str], bool]:
    """A glob test without backtracking: ES wildcard knows only ``*`` and ``?``; everything else is literal.

    One regex with ``.*`` per star backtracks exponentially (``*?*?*?*?*?*x`` took a minute per line on the
    tail's event loop). Here each piece between stars is a fixed-length pattern; the first is anchored at the
    start, the last at the end, and those between are taken at their leftmost place, which is always right
    for globs because the star after a piece can absorb whatever the piece did not. The cost is at most
    value length times pattern length, and values over ``KEYWORD_MAX_CHARS`` are not compared at all.
    """
    pieces = [re.compile("".join("." if c == "?" else re.escape(c) for c in p), re.DOTALL) for p in value.split("*")]
    sizes = [len(p) for p in value.split("*")]
    if len(pieces) == 1:
        return lambda v: len(v) <= KEYWORD_MAX_CHARS and pieces[0].fullmatch(v) is not None
    head, middle, tail = pieces[0], pieces[1:-1], pieces[-1]

    def matches(v: str) -> bool:
        end = len(v) - sizes[-1]
        if len(v) > KEYWORD_MAX_CHARS or end < sizes[0] or not head.match(v) or not tail.fullmatch(v, end):
            return False
        pos = sizes[0]
        for piece in middle:
            found = piece.search(v, pos, end)
            if found is None:
                return False
            pos = found.end()
        return True

    return matches


def to_predicate(node: Node | None) -> Callable[[dict[str, Any]], bool]:
    """A function that tells whether a document (as indexed) matches the parsed query."""
    if node is None:
        return lambda doc: True
    if isinstance(node, And):
        preds = [to_predicate(c) for c in node.children]
        return lambda doc: all(p(doc) for p in preds)
    if isinstance(node, Or):
        preds = [to_predicate(c) for c in node.children]
        return lambda doc: any(p(doc) for p in preds)
    if isinstance(node, Not):
        pred = to_predicate(node.child)
        return lambda doc: not pred(doc)
    if isinstance(node, Text):
        fields = [node.field] if node.field else list(DEFAULT_TEXT_FIELDS)
        needle, prefix = tokenize_text(node.text), node.prefix

        def text_pred(doc: dict[str, Any]) -> bool:
            for f in fields:
                value = _lookup(doc, f)
                if isinstance(value, str) and _contains(tokenize_text(value), needle, prefix):
                    return True
            return False

        return text_pred
    field, op, target = node.field, node.op, node.value
    if op == "exists":
        return lambda doc: bool(_as_keywords(_lookup(doc, field)))
    if op in ("eq", "wildcard") and field not in NUMERIC_FIELDS:
        if op == "wildcard":
            matches = _wildcard_matcher(str(target))
            return lambda doc: any(matches(v) for v in _as_keywords(_lookup(doc, field)))
        return lambda doc: str(target) in _as_keywords(_lookup(doc, field))
    number = float(target)
    compare: Callable[[float], bool] = {
        "eq": lambda v: v == number,
        "gt": lambda v: v > number,
        "gte": lambda v: v >= number,
        "lt": lambda v: v < number,
        "lte": lambda v: v <= number,
    }[op]

    def numeric_pred(doc: dict[str, Any]) -> bool:
        value = _lookup(doc, field)
        try:
            return value is not None and not isinstance(value, bool) and compare(float(value))
        except (TypeError, ValueError):
            return False

    return numeric_pred
