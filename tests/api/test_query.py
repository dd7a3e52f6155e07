"""The query language: parsing, errors that say where, and ES/Python translations that agree."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.errors import QuerySyntaxError
from api.query import And, Field, Not, Or, Text, parse, to_es, to_predicate
from core.config import REPO_ROOT

DOC = {
    "message": "Payment declined for order 42: card expired",
    "service": "checkout",
    "level": "ERROR",
    "category": "business",
    "host": "web-1",
    "redactions": 2,
    "category_confidence": 0.91,
    "exception": {"type": "CardError", "message": "expired card"},
    "attributes": {"user.id": "alice", "status": 402, "retry": True},
}


def test_query_empty_is_everything() -> None:
    assert parse("") is None
    assert parse("   ") is None
    assert to_es(None) == {"match_all": {}}
    assert to_predicate(None)(DOC)


def test_query_words_default_to_and() -> None:
    node = parse("payment declined")
    assert node == And((Text("payment"), Text("declined")))


def test_query_precedence_and_binds_tighter_than_or() -> None:
    node = parse("a b OR c")
    assert node == Or((And((Text("a"), Text("b"))), Text("c")))


def test_query_fields_negation_groups_and_prefix() -> None:
    node = parse('service:checkout -level:info (timeout OR "connection reset") time*')
    assert node == And(
        (
            Field("service", "eq", "checkout"),
            Not(Field("level", "eq", "INFO")),
            Or((Text("timeout"), Text("connection reset"))),
            Text("time", prefix=True),
        )
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("level:warning", Field("level", "eq", "WARN")),
        ("category:Security", Field("category", "eq", "security")),
        ("host:*", Field("host", "exists")),
        ("service:check*", Field("service", "wildcard", "check*")),
        ("redactions:>0", Field("redactions", "gt", 0.0)),
        ("category_confidence:<=0.5", Field("category_confidence", "lte", 0.5)),
        ('service:"a b"', Field("service", "eq", "a b")),
        ("attributes.user.id:alice", Field("attributes.user.id", "eq", "alice")),
        ("message:card", Text("card", field="message")),
        ("NOT timeout", Not(Text("timeout"))),
    ],
)
def test_query_field_forms(query: str, expected: object) -> None:
    assert parse(query) == expected


@pytest.mark.parametrize(
    ("query", "position", "words"),
    [
        ("(timeout", 0, "never closed"),
        ("timeout)", 7, "Unexpected ')'"),
        ('"unclosed', 0, "never closed"),
        ("a AND", 2, "nothing after it"),
        ("OR b", 0, "nothing before it"),
        ("foo:bar", 0, "Unknown field 'foo'"),
        ("service:", 0, "has no value"),
        ("redactions:lots", 0, "takes a number"),
        ("()", 0, "empty"),
        ("a -", 2, "no letters or digits"),
    ],
)
def test_query_syntax_error_says_where_and_what_to_do(query: str, position: int, words: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse(query)
    assert info.value.position == position
    assert words in info.value.detail
    assert ":" in info.value.detail and info.value.detail.endswith(".")


def test_query_too_long_or_too_deep_is_refused() -> None:
    with pytest.raises(QuerySyntaxError, match="longer|characters"):
        parse("a " * 1500)
    with pytest.raises(QuerySyntaxError, match="deep"):
        parse("(" * 30 + "a" + ")" * 30)


@pytest.mark.parametrize(
    ("query", "matches"),
    [
        ("payment", True),
        ("PAYMENT declined", True),
        ('"declined for order"', True),
        ('"order declined"', False),
        ("pay*", True),
        ("expired", True),
        ("-expired", False),
        ("service:checkout level:error", True),
        ("service:check*", True),
        ("service:web", False),
        ("host:*", True),
        ("logger:*", False),
        ("redactions:>1 category_confidence:>=0.9", True),
        ("redactions:>2", False),
        ("attributes.user.id:alice", True),
        ("attributes.status:402", True),
        ("attributes.retry:true", True),
        ("exception.type:CardError", True),
        ("refund OR card", True),
        ("refund OR (timeout AND card)", False),
    ],
)
def test_query_predicate_matches_documents_like_search(query: str, matches: bool) -> None:
    assert to_predicate(parse(query))(DOC) is matches


def test_query_to_es_uses_only_safe_clauses() -> None:
    es = to_es(parse('service:checkout -level:debug ("reset by peer" OR time*) redactions:>0 host:*'))
    text = repr(es)
    for unsafe in ("query_string", "regexp", "script", "fuzzy"):
        assert unsafe not in text
    assert {"term": {"service": "checkout"}} in es["bool"]["filter"]
    assert {"bool": {"must_not": [{"term": {"level": "DEBUG"}}]}} not in es["bool"]["filter"]
    assert es["bool"]["must_not"] == [{"term": {"level": "DEBUG"}}]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab:()"-* ORANDNOT\\service.level>0')), max_size=40))
def test_query_any_input_parses_or_raises_a_syntax_error(text: str) -> None:
    try:
        node = parse(text)
    except QuerySyntaxError as exc:
        assert 0 <= exc.position <= len(text)
        return
    to_es(node)
    to_predicate(node)(DOC)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_query_arbitrary_unicode_never_crashes(text: str) -> None:
    try:
        node = parse(text)
    except QuerySyntaxError:
        return
    to_predicate(node)(DOC)


REDOS_LINE = (
    "Payment authorized for order ord_42 amount=42.50 currency=EUR customer=c_1337 card=visa "
    "latency_ms=87 request_id=5e8f0c1d2b3a49f6a7e8d9c0b1a2f3e4 region=eu-west-1 attempt=1"
)


def test_query_tail_wildcard_is_linear_not_backtracking() -> None:
    # Audit H1: `*?` pairs became `.*.` in one regex, which backtracks exponentially (5 pairs: ~60 s per line).
    # The child process would run for years before the fix; a generous timeout only bounds a hang.
    code = (
        "from api.query import parse, to_predicate\n"
        f"doc = {{'message': {REDOS_LINE!r}, 'attributes': {{'note': {REDOS_LINE!r} * 5}}}}\n"
        "for q in ('message.keyword:ord' + '*?' * 12 + '*qqq', 'attributes.note:Pay' + '*?' * 12 + '*qqq'):\n"
        "    assert to_predicate(parse(q))(doc) is False\n"
        "assert to_predicate(parse('message.keyword:Pay*?*?*ord_42*attempt=?'))(doc) is True\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("pattern", "value", "matches"),
    [
        ("a*b?c", "aXXbYc", True),
        ("a*b?c", "abc", False),
        ("*", "", True),
        ("?", "", False),
        ("a**c", "ac", True),
        ("*a*a*a", "aaa", True),
        ("*a*a*a", "aab", False),
        ("a.b*", "a.bc", True),
        ("a.b*", "axbc", False),
        ("[ab]*", "[ab]x", True),
        ("x?", "x\n", True),
    ],
)
def test_query_wildcard_semantics_stay_those_of_es(pattern: str, value: str, matches: bool) -> None:
    assert to_predicate(parse(f"service:{pattern}"))({"service": value}) is matches


def test_query_wildcard_ignores_values_es_does_not_index() -> None:
    # ES keeps keyword values up to 1,024 characters (ignore_above); the tail agrees with search.
    assert to_predicate(parse("message.keyword:x*"))({"message": "x" * 1025}) is False
    assert to_predicate(parse("message.keyword:x*"))({"message": "x" * 1024}) is True


@pytest.mark.parametrize(
    "query", ["message.keyword:*timeout*", "attributes.user:?lice", "trace_id:*abc", "event_id:?x"]
)
def test_query_leading_wildcard_on_per_line_fields_is_refused(query: str) -> None:
    # Audit M2: a leading wildcard walks the whole terms dictionary of a field with one value per line.
    with pytest.raises(QuerySyntaxError, match="starts with a wildcard"):
        parse(query)


def test_query_leading_wildcard_on_small_fields_and_wildcard_count() -> None:
    assert parse("service:*-api") == Field("service", "wildcard", "*-api")
    assert parse("message.keyword:Payment*") == Field("message.keyword", "wildcard", "Payment*")
    parse(" ".join(f"service:a{i}*" for i in range(5)))
    with pytest.raises(QuerySyntaxError, match="wildcard"):
        parse(" ".join(f"service:a{i}*" for i in range(6)))


@pytest.mark.parametrize("query", ["-" * 1999 + "x", "NOT " * 499 + "x"])
def test_query_long_negation_chain_is_no_recursion_error(query: str) -> None:
    # Audit L2: one recursion per NOT raised RecursionError, so /logs/search answered 500.
    node = parse(query)
    assert node == Not(Text("x"))  # an odd number of negations
    assert parse("NOT NOT x") == Text("x")
    to_es(node)
    to_predicate(node)(DOC)
