from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.preprocess import (
    MAX_MESSAGE_CHARS,
    display_token,
    fill_wildcards,
    mask,
    mask_texts,
    normalize,
    split_token,
    to_arrow,
    tokenize,
    wildcard_of,
)


@pytest.mark.parametrize(
    ("raw", "placeholder", "gone"),
    [
        ("connect from 192.168.10.20:5432 refused", "zzip", "192.168"),
        ("peer fe80::1ff:fe23:4567:890a down", "zzip", "fe23"),
        ("req 3f2a9c1e-1234-4abc-9def-0123456789ab done", "zzid", "3f2a9c1e"),
        ("object 0x7ffd5e8c at fault", "zzid", "7ffd"),
        ("commit 9fceb02d0ae598e95dc970b74767f19372d61af8 pushed", "zzid", "9fceb02"),
        ("mail to jane.doe@example.com bounced", "zzemail", "jane"),
        ("GET https://shop.example.com/cart?id=7 failed", "zzurl", "shop.example"),
        ("cannot open /var/lib/app/data/index.db", "zzpath", "/var/lib"),
        ("cannot open C:\\Windows\\system32\\drivers", "zzpath", "Windows"),
        ("at 2024-03-01T10:11:12.123Z started", "zztime", "2024"),
        ("Mar 12 10:11:12 host sshd started", "zztime", "10:11:12"),
        ("took 345ms", "zznum", "345"),
        ("resolved db-01.internal.corp", "zzhost", "db-01"),
        ("mac 00:1a:2b:3c:4d:5e seen", "zzid", "00:1a"),
    ],
)
def test_mask_replaces_values_with_placeholders(raw: str, placeholder: str, gone: str) -> None:
    masked = mask(raw)
    assert placeholder in normalize(raw)
    assert gone not in masked


@pytest.mark.parametrize(
    "raw",
    [
        "Failed password for invalid user admin from 10.0.0.1 port 22 ssh2",
        "Accepted publickey for deploy from 10.0.0.5 port 4242 ssh2",
        "authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4 user=root",
        "User 'mallory' logged in",
        "login: username=alice@example.org",
    ],
)
def test_mask_hides_user_names(raw: str) -> None:
    masked = mask(raw)
    for name in ("admin", "deploy", "root", "mallory", "alice"):
        assert name not in masked
    assert "zzuser" in masked or "zzemail" in masked


def test_words_after_user_that_are_not_names_are_kept() -> None:
    assert normalize("check pass; user unknown") == ["check", "pass", "user", "unknown"]
    assert "authentication" in normalize("user authentication failed")


def test_http_status_codes_are_kept_as_words() -> None:
    assert "zzhttp403" in normalize('"GET /admin HTTP/1.1" 403 153')
    assert "zzhttp429" in normalize("upstream returned status=429")


def test_tokens_split_camel_and_snake_case_and_keep_units() -> None:
    assert split_token("NullPointerException") == ("null", "pointer", "exception")
    assert split_token("HTTPServerError") == ("http", "server", "error")
    assert split_token("max_connections") == ("max", "connection")
    assert split_token("345ms") == ("zznum", "ms")
    assert normalize("finished in 4.5s, then 10 mins, heap 512M") == [
        "finish",
        "in",
        "zznum",
        "second",
        "then",
        "zznum",
        "minute",
        "heap",
        "zznum",
        "mb",
    ]
    assert split_token("sha256") == ("sha256",)
    assert split_token("ord8F3K2J9X") == ("zzid",)


def test_display_token_names_placeholders() -> None:
    assert display_token("from zzip") == "from <ip>"


def test_odd_inputs_are_coerced_not_rejected() -> None:
    out = mask_texts([None, b"bytes \xff here", 42, float("nan"), "ok \ud800 surrogate", ""])
    assert len(out) == 6
    assert out[0] == "" and out[3] == ""


def test_long_messages_are_truncated() -> None:
    arr = to_arrow(["x" * (MAX_MESSAGE_CHARS * 3)])
    assert len(arr[0].as_py()) == MAX_MESSAGE_CHARS


def test_arrow_and_pandas_inputs_are_accepted() -> None:
    import pandas as pd

    assert mask_texts(pd.Series(["a 1.2.3.4", None])) == mask_texts(["a 1.2.3.4", ""])
    assert mask_texts(pa.chunked_array([["a 1.2.3.4"], ["b"]])) == mask_texts(["a 1.2.3.4", "b"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=300), max_size=20))
def test_masking_keeps_one_output_per_input(messages: list[str]) -> None:
    out = mask_texts(messages)
    assert len(out) == len(messages)
    for text in out:
        for word in tokenize(text):
            assert word.isascii() and word.isalnum() and word == word.lower() and len(word) >= 2


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("10.0.0.1", "<ip>"),
        ("345 ms", "<num_ms>"),
        ("12%", "<num_pct>"),
        ("10.0.0.1#53", "<ip><num>"),
        ("0x7ffd5e8c", "<id>"),
        ("bob@example.com", "<email>"),
    ],
)
def test_a_typed_wildcard_stands_for_what_the_masker_makes_of_its_value(value: str, kind: str) -> None:
    assert wildcard_of(mask(value)) == kind
    assert tokenize(mask(fill_wildcards(f"took {kind} now"))) == tokenize(mask(f"took {value} now"))


@pytest.mark.parametrize("value", ["bob", "", "1 2 3 4", "blk_x"])
def test_a_value_without_one_kind_stays_an_untyped_wildcard(value: str) -> None:
    # A word is the value itself, and a list of numbers has no one kind.
    assert wildcard_of(mask(value)) == "<*>"


def test_fill_wildcards_leaves_other_angle_brackets() -> None:
    assert fill_wildcards("<ok> <*> <ipx> <num_>") == "<ok> <*> <ipx> <num_>"
    assert fill_wildcards("for <user> from <ip>") == "for  zzuser  from  zzip "
