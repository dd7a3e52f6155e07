"""Templates: pure and stable ids, what is masked, bounded time on huge or hostile input, grouping quality."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.eval_templates import grouping_accuracy
from streaming.templates import MAX_TEMPLATED_CHARS, RULES, WILDCARD, Template, Templater, template_of

MESSAGES = [
    "Connection from 10.0.0.7:51234 closed after 12ms",
    "user=alice logged in from host web-01",
    "Receiving block blk_-1608999687919862906 src: /10.250.19.102:54106",
]


def test_template_is_a_named_tuple_of_a_16_hex_id_and_the_text() -> None:
    found = template_of("Connection from 10.0.0.7:51234 closed after 12ms")
    assert isinstance(found, Template) and found == (found.id, found.text)
    assert found.text == "Connection from <*> closed after <*>"
    assert len(found.id) == 16 and int(found.id, 16) >= 0


def test_template_id_is_the_same_in_a_fresh_process_with_another_hash_seed() -> None:
    script = (
        "import json, sys; from streaming.templates import template_of; "
        "print(json.dumps([list(template_of(m)) for m in json.loads(sys.argv[1])]))"
    )
    here = [list(template_of(message)) for message in MESSAGES]
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", script, json.dumps(MESSAGES)], env=env, capture_output=True, text=True, check=True
        )
        assert json.loads(out.stdout) == here


def test_template_does_not_depend_on_what_was_seen_before() -> None:
    fresh, used = Templater(), Templater()
    for message in ["noise 1", "other noise x=2", *MESSAGES] * 3:
        used.template_of(message)
    assert [fresh.template_of(m) for m in MESSAGES] == [used.template_of(m) for m in MESSAGES]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "PacketResponder 1 for block blk_38865049064139660 terminating",
            "PacketResponder <*> for block <*> terminating",
        ),
        ("Received connection request /10.10.34.11:45307", "Received connection request <*>"),
        ("Failed password for root from 218.188.2.4 port 4312 ssh2", "Failed password for root from <*> port <*>"),
        ("took 35 ms, stored 12.5 KB, free 400 MB", "took <*>, stored <*>, free <*>"),
        ("acquire lock=233570404, flags=0x1, tag=ready, uid=10037", "acquire lock=<*>, flags=<*>, tag=<*>, uid=<*>"),
        ("logname= uid=0 euid=0 ruser= rhost=host.example.org", "logname=<*> uid=<*> euid=<*> ruser=<*> rhost=<*>"),
        ("connection from 1.2.3.4 () at Fri Jun 17 20:55:07 2005", "connection from <*> (<*>) at <*>"),
        ("session 0f8e6a2c-5b1d-4c7e-9a3f-2d1b0c9e8f7a expired", "session <*> expired"),
        ("mail sent to bob@example.com", "mail sent to <*>"),
        ("Error loading ./runtime_malloc: no such file", "Error loading <*>: no such file"),
        ("Loading class org.apache.spark.Executor now", "Loading class <*> now"),
        ('tag="View Lock" set', 'tag="<*>" set'),
        ("chip FF:F2:9F:16:E2:8A:00:0D changed", "chip <*> changed"),
        ("login password=[REDACTED:password] ok", "login password=<*> ok"),
        ("card [REDACTED:credit_card] declined", "card <*> declined"),
        ("  spaced\tout   words  ", "spaced out words"),
        ("", ""),
    ],
)
def test_variables_are_masked(message: str, expected: str) -> None:
    assert template_of(message).text == expected


def test_constant_words_and_punctuation_stay() -> None:
    message = "Registered signal handlers for [TERM, HUP, INT]"
    assert template_of(message).text == message


def test_same_template_same_id_different_template_different_id() -> None:
    assert template_of("took 3 ms").id == template_of("took 4000 ms").id
    assert template_of("took 3 ms").id != template_of("slept 3 ms").id


def test_a_1_mb_line_is_templated_from_its_first_4_kb_in_bounded_time() -> None:
    huge = "x" * 1_000_000
    started = time.perf_counter()
    found = template_of(huge)
    assert time.perf_counter() - started < 0.5
    assert found.text == WILDCARD and len(found.id) == 16
    words = ("word " * 300_000).strip()
    started = time.perf_counter()
    text = template_of(words).text
    assert time.perf_counter() - started < 0.5
    assert len(text) <= MAX_TEMPLATED_CHARS + len(WILDCARD) and text.endswith(" " + WILDCARD)
    # Everything past the first 4 KB is the same variable: two long lines that differ only there share an id.
    assert template_of(words + " tail A").id == template_of(words + " tail B").id


def test_hostile_long_tokens_do_not_backtrack() -> None:
    for token in ("(" * 4000, "=" * 4000, "a." * 2000, "'" * 4000, "[" + "a:" * 2000, '"' + "a" * 4000):
        started = time.perf_counter()
        template_of(token)
        assert time.perf_counter() - started < 0.5, token[:10]


def test_control_characters_and_lone_surrogates_never_raise() -> None:
    for message in ("\x00\x01\x1b[31mred\x1b[0m \x7f", "bad \udcff byte", "\ud800", "tab\there\r\n", "\u2028 sep"):
        found = template_of(message)
        assert len(found.id) == 16 and isinstance(found.text, str)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_string_gives_a_template_and_the_same_one_twice(message: str) -> None:
    first = template_of(message)
    assert Templater().template_of(message) == first
    assert len(first.id) == 16


def test_unknown_rule_names_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown template rules"):
        Templater(["digit", "nope"])
    assert Templater(RULES).rules == frozenset(RULES)


def test_grouping_accuracy_counts_a_line_only_when_its_group_is_exact() -> None:
    assert grouping_accuracy(["a", "a", "b"], [1, 1, 2]) == 1.0
    assert grouping_accuracy(["a", "a", "a"], [1, 1, 2]) == 0.0  # merged: no line is right
    assert grouping_accuracy(["a", "b", "c"], [1, 1, 2]) == pytest.approx(1 / 3)  # split: only the singleton


def _synthetic() -> tuple[list[str], list[str]]:
    """A small made-up log of 12 templates in several styles, each filled with varied values."""
    templates = [
        ("worker {n} started in {ms} ms", "start"),
        ("GET /api/v1/items/{n} returned {n} in {ms}ms", "get"),
        ("user={u} action=login ip={ip} result=ok", "login"),
        ("user={u} action=logout ip={ip} result=ok", "logout"),
        ("Disk /dev/sd{c}{n} usage at {n}%", "disk"),
        ("Job {hex} finished: {n} records, {n} KB written", "job"),
        ("connection to {ip}:{port} refused", "refused"),
        ("connection to {ip}:{port} established", "established"),
        ("cache miss for key session:{hex}", "miss"),
        ("Shutting down gracefully", "shutdown"),
        ("Retrying request {n} of {n} after {ms} ms backoff", "retry"),
        ("Loaded config from /etc/app/{c}{n}.yaml at {day} {mon} {n} {time}", "config"),
    ]
    users, days, months = ["alice", "bob", "carol", "dave"], ["Mon", "Tue", "Sat"], ["Jan", "Jun", "Dec"]
    messages, truth = [], []
    for i in range(240):
        pattern, name = templates[i % len(templates)]
        values = {
            "n": str((i * 7919) % 10007),
            "ms": str(i % 97 + 1),
            "u": users[i % 4],
            "ip": f"10.{i % 256}.{(i * 3) % 256}.{(i * 7) % 256}",
            "port": str(1024 + i),
            "hex": f"{i * 2654435761 % 2**32:08x}",
            "c": "abc"[i % 3],
            "day": days[i % 3],
            "mon": months[i % 3],
            "time": f"{i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d}",
        }
        messages.append(pattern.format(**values))
        truth.append(name)
    return messages, truth


def test_grouping_accuracy_floor_on_a_synthetic_log() -> None:
    messages, truth = _synthetic()
    ours = grouping_accuracy([template_of(message).id for message in messages], truth)
    # Known weakness, kept in the fixture on purpose: every key=value value is a variable, so action=login and
    # action=logout share a template (2 of 12 templates wrong); all the others must come out exact.
    assert ours == pytest.approx(10 / 12)
