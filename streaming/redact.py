"""Secret redaction: removes credentials, keys, tokens and card numbers from log text before it is stored.

Pure Python, so it runs inside a pandas UDF and is unit-tested without Spark. IP addresses and user
names are deliberately kept: security analysis needs them. Most rules only run when a cheap
lower-case hint ("pass", "://", "eyj" ...) is in the text, so a line without any hint of a secret
costs one lowercasing, one scan for all hints at once and two regex scans (AWS key ids, card-like digits).
Values that only look like secrets in real logs (``auth=0/1``, ``using password: YES``,
``token=Token{a64f992``, ``android.os.BinderProxy@2bd79ce``) are left alone: a marker on every such
line would hide the logs' meaning and teach readers to ignore markers.
"""

from __future__ import annotations

import binascii
import logging
import re
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = ["KINDS", "RedactionConfig", "redact", "redact_fields"]

logger = logging.getLogger(__name__)

# Every kind a marker can name.
KINDS = ("private_key", "url_password", "bearer", "authorization", "cookie", "jwt", "api_key", "aws_key",
         "password", "secret", "credit_card", "email", "unredactable")  # fmt: skip


@dataclass(frozen=True, slots=True)
class RedactionConfig:
    """Which rules run and how a redaction looks.

    :param passwords: ``key=value``, ``key: value``, JSON ``"key": value`` and ``--key value`` where the
        key contains password, passwd, pwd, passphrase, secret, token, API key, access/private/account
        key or credential (``PGPASSWORD``, ``newpassword``, ``accessToken``); a ``{...}`` or ``[...]``
        value is replaced whole. Also ``mysql -pX``, ``sshpass -p X``, ``curl -u user:X``,
        ``redis-cli -a X`` and prose (``the password is X``, ``with password X``).
    :param url_credentials: the password of ``scheme://user:password@host`` (the user stays), a token used as
        the user (``https://<20+ letters and digits>@github.com``) and an Azure SAS signature (``?sig=``).
    :param bearer_tokens: ``Bearer <token>`` anywhere, HTTP Basic credentials anywhere, and other
        ``Authorization:`` header credentials.
    :param cookies: the value of ``Cookie:`` and ``Set-Cookie:`` headers (session cookies are credentials).
    :param jwts: JSON Web Tokens (``eyJ...``) anywhere.
    :param api_keys: vendor key shapes: Stripe, GitHub, GitLab, Slack, Google, OpenAI, npm, SendGrid,
        Telegram bot tokens, Slack webhook URLs.
    :param aws_keys: AWS access key ids (``AKIA...``); their secrets are caught by ``passwords``.
    :param private_keys: PEM/OpenSSH/PGP private key blocks, multi-line.
    :param credit_cards: 13-19 digit card numbers (plain, or grouped by spaces, dashes or dots; JSON
        numbers too) with a card network prefix that pass the Luhn check.
    :param emails: e-mail addresses; off by default since they often are the user name.
    :param marker: the replacement; ``{kind}`` is replaced by one of :data:`KINDS`.
    :param extra_keys: more key names whose values are secrets (matched case-insensitively, exactly).
    """

    passwords: bool = True
    url_credentials: bool = True
    bearer_tokens: bool = True
    cookies: bool = True
    jwts: bool = True
    api_keys: bool = True
    aws_keys: bool = True
    private_keys: bool = True
    credit_cards: bool = True
    emails: bool = False
    marker: str = "[REDACTED:{kind}]"
    extra_keys: tuple[str, ...] = ()


_Rule = Callable[[str], tuple[str, int]]

_PEM = re.compile(
    r"-----BEGIN[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----"
    r"(?:.*?-----END[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----|.*)",  # a cut-off block: to the end
    re.ASCII | re.DOTALL,
)
# A password may hold '@' if the client did not escape it: the greedy run backs off to the last '@'.
_URL_CREDENTIALS = re.compile(
    r"\b([a-z][a-z0-9+.-]{0,31}://[^\s:/?#@\"'<>\[\]]{0,256}:)([^\s/?#\"'<>]{1,256})@", re.ASCII | re.I
)
# A token has digits; a user name of 20+ letters is an actor system's name (akka.tcp://sparkExecutorActorSystem@).
_URL_TOKEN_USER = re.compile(
    r"\b([a-z][a-z0-9+.-]{0,31}://)((?=[A-Za-z_-]{0,255}[0-9])[A-Za-z0-9_-]{20,256})@", re.ASCII | re.I
)
_SAS_SIGNATURE = re.compile(r"([?&;]sig=)([^&\s\"'<>]{16,1024})", re.ASCII)
_BEARER = re.compile(r"\b(bearer(?:[ \t]*:)?(?:[ \t]+|%20|\+))([A-Za-z0-9\-._~+/]{8,4096}=*)", re.ASCII | re.I)
# Only a run that decodes to "user:password" is an HTTP Basic credential ("Basic authentication" is not).
_BASIC = re.compile(r"\b(basic[ \t]+)([A-Za-z0-9+/]{6,4096}={0,2})(?![\w+/=])", re.ASCII | re.I)
_AUTHORIZATION = re.compile(
    r"\b((?:proxy-)?authorization[\"']?[ \t]*[:=][ \t]*[\"']?(?!bearer\b)"
    r"(?:(?:basic|digest|negotiate|ntlm|token|apikey|aws4-hmac-sha256)[ \t]+)?+)([^\s\"',;\[]{1,4096})",
    re.ASCII | re.I,
)
# The whole header value: "name=value; name=value", to the closing quote or the end of the line.
_COOKIE = re.compile(
    r"\b((?:set-)?cookie2?[\"']?[ \t]*[:=][ \t]*[\"']?)([^\s=;,\"'\[]{1,256}=[^\r\n\"']{0,4096})", re.ASCII | re.I
)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,4096}\.[A-Za-z0-9_-]{5,8192}\.[A-Za-z0-9_-]{0,4096}", re.ASCII)
_API_KEY = re.compile(
    r"\b(?:[sr]k_(?:live|test)_[0-9A-Za-z]{10,247}|gh[pousr]_[A-Za-z0-9]{36,251}"
    r"|github_pat_[A-Za-z0-9_]{22,255}|glpat-[0-9A-Za-z_-]{20,255}|xox[abeprs]-[A-Za-z0-9-]{10,250}"
    r"|AIza[0-9A-Za-z_-]{35}|sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,255}|npm_[A-Za-z0-9]{36}"
    r"|SG\.[\w-]{22}\.[\w-]{43}|\d{8,10}:AA[0-9A-Za-z_-]{33})(?![\w-])"
    r"|(?<=hooks\.slack\.com/services/)T[A-Z0-9]{4,20}/B[A-Z0-9]{4,20}/[A-Za-z0-9]{12,64}",
    re.ASCII,
)
_API_KEY_HINTS = ("k_live_", "k_test_", "gh", "glpat-", "xox", "aiza", "sk-", "npm_", "sg.", ":aa", "hooks.slack")
# Command-line passwords: mysql's glued -pSECRET (-p alone prompts; "-p name" names a database),
# sshpass -p, curl -u user:password, redis-cli -a.
_MYSQL_FLAG = re.compile(r"(?<!\S)(-p)([^\s-]\S{0,255})", re.ASCII)
_SSHPASS_FLAG = re.compile(r"\b(sshpass[ \t]+-p[ \t]*)(\S{1,256})", re.ASCII)
_CURL_USER = re.compile(r"(?<!\S)((?:-u|--user)[ \t]*[\"']?[^\s:\"']{1,256}:)([^\s\"']{1,256})", re.ASCII)
_REDIS_FLAG = re.compile(r"\b(redis-cli\b[^\n]{0,256}?[ \t]-a[ \t]+)(\S{1,256})", re.ASCII)
# "the password is X", "with password X": a context word or a verb must be there, since "Failed
# password for" or "password authentication" are not followed by one; the value is checked against _PROSE_WORDS.
_PROSE = re.compile(
    r"\b((?:(with|using|new|the|my|your|default|temporary|initial|root|admin)[ \t]+)?pass(?:word|phrase)"
    r"(?:[ \t]+((?:is|was)(?:[ \t]+(?:set|changed|reset)[ \t]+to)?|(?:set|changed|reset)[ \t]+to))?"
    r"[ \t]*:?[ \t]+[\"'`]?)([^\s\"'`,;()]{1,256})",
    re.ASCII | re.I,
)
_PROSE_WORDS = frozenset(
    "a an the and or not no yes none null nil empty blank missing required incorrect invalid wrong expired expires "
    "expiring changed change changes reset set unset updated update accepted failed failure authentication auth "
    "policy hash length too has have had will must should can cannot could does did do be been being correct ok "
    "mismatch provided given supplied entered from for of in on at by to with without via as if when that this it "
    "is was user users login prompt field file weak strong short long verified verification check match matched "
    "attempt attempts rejected denied needed protected based less reuse used stored saved hidden masked "
    "redacted".split()
)
# Opens with a literal 'A' so the regex engine can skip ahead on its own: no hint needed.
_AWS_KEY = re.compile(r"A(?:KIA|SIA|IDA|ROA|IPA|NPA|NVA|GPA)[0-9A-Z]{16}(?![0-9A-Za-z])(?<![0-9A-Za-z].{20})", re.ASCII)
# Plain 13-19 digits, 4-4-4-4(-3) groups, or Amex/Diners 4-6-5/4-6-4; never glued to a word, a sign, a
# path or a decimal part, so ids like blk_-6952295868487656571 or 1.5e18 are left alone.
_CARD = re.compile(
    r"[2-6](?<![\w.+/\\-].)(?:\d{12,18}|\d{3}([ .-])\d{4}\1\d{4}\1\d{1,4}(?:\1\d{1,3})?"
    r"|(?<=3)\d{3}([ -])\d{6}\2\d{4,5})(?![\w+/]|[.,-]\d)",
    re.ASCII,
)
_EMAIL = re.compile(
    r"(?<![\w.%+-])[\w.%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![\w-])",
    re.ASCII,
)
# Key-value secrets are found by a core word anywhere in the key (PGPASSWORD, newpassword, accessToken);
# the key is the run of key characters around it, found by hand since a regex with a variable-length
# prefix would retry it at every position of the text.
_KEY_CORE = r"pass(?:word|wd|phrase)|pwd|secret|token|api[_-]?key|(?:access|private|account)[_-]?key|credential"
_KEY_HINTS = ("pass", "pwd", "secret", "token", "key", "credential")
_KEY_MAX = 64
_KEY_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"
_KEY_RUN = re.compile(r"[\w.-]{0,64}", re.ASCII)
# Keys that name something about a secret, not the secret (token_type, password_policy, tokenizer).
_NOT_SECRET_KEY = re.compile(
    r"(?:file|path|dir|type|len|length|count|size|ttl|expires?|expiry|expiration|expires_in|expires_at|_at|url|uri"
    r"|policy|hint|name|enabled|required|changed|reset|format|version|provider|store|manager|helper|source|class"
    r"|less|izer|ized?|ization|used|age|status|endpoint|strength|min|max|rotation|mode)\Z",
    re.ASCII | re.I,
)
# In "key= other=1" (space-separated pairs, PAM style) the value is empty and "other=1" is the next
# pair; base64 padding ("dGVzdA==") or a trailing "=" is still a value.
_VALUE = (
    r"[ \t]*(?::=[ \t]*|=>[ \t]*|:[ \t]*|=(?:[ \t]+(?![\w.-]{1,64}=[^\s=]))?+)"
    r"(?:\"((?:[^\"\\\n]|\\.){1,4096})\"|\\\"((?:[^\"\\\n]|\\[^\"\n]){1,4096})\\\""
    r"|'([^'\n]{1,4096})'|(?:(?:bearer|basic|token)[ \t]+)?+([^\s\"',;&]{1,4096}))"
)
_BARE_REST = re.compile(r"[^\s\"',;&]*")  # the rest of a bare value (_VALUE's last group) past its cap
_KEY_TAIL = re.compile(r"(?:\\?[\"'])?" + _VALUE, re.ASCII | re.I)
# "--password X", "aws_secret_access_key X": a value after spaces, for flags and identifier-like keys.
_SPACE_VALUE = re.compile(r"[ \t]+([\"']?)([^\s\"'=:-][^\s\"']{0,4095})\1(?![^\s])", re.ASCII)
# At least 8 characters, letters and others: what a value after a bare key must look like to be taken.
_MIXED = re.compile(r"(?=.*[A-Za-z])(?=.*[^A-Za-z]).{8}", re.ASCII | re.DOTALL)
# Bare values that say "no secret here"; redacting them would only hide that.
_EMPTY_VALUES = frozenset(
    ("null", "none", "nil", "true", "false", "undefined", "-", "yes", "no", "on", "off", "required", "set", "unset")
)
# Object dumps (Java "Token{a64f992", "android.os.BinderProxy@2bd79ce", Python "<Token object"), not secrets.
_OBJECT_REPR = re.compile(
    r"[A-Z][\w$]*\{|(?:[A-Za-z_$][\w$]*\.)+[A-Za-z_$][\w$]*@[0-9a-f]{4,16}\W*\Z|<[\w.]+\Z", re.ASCII
)
# Field names that hold a whole HTTP credential: headers as attribute keys.
_HEADER_KEYS = (("authorization", "authorization"), ("cookie", "cookie"), ("cookies", "cookie"))


_HEX_ID = re.compile(r"(?=[0-9]*[a-f])[0-9a-f]+", re.ASCII | re.I)


def _trie(words: list[str]) -> str:
    """A regex matching any of ``words`` (none a prefix of another), factored by leading characters: one scan
    of the text that tries one branch per position, twice as fast as an ``in`` test per word."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(word[1:])
    branches = [re.escape(char) + ("" if "" in tails else _trie(tails)) for char, tails in groups.items()]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _is_card(digits: str) -> bool:
    """Whether 13-19 digits open like a card network's numbers (Visa, Mastercard, Amex, ...) and pass Luhn."""
    if not 13 <= len(digits) <= 19:
        return False
    first = digits[0]
    if first == "2":  # Mastercard's 2-series: 2221-2720
        return 2221 <= int(digits[:4]) <= 2720 and len(digits) == 16 and _luhn(digits)
    return first in "3456" and _luhn(digits)


def _bracket_end(text: str, start: int) -> int:
    """The end of the ``{...}`` / ``[...]`` value opening at ``start`` (strings respected), at most 4,096 on."""
    depth, quote, index, end = 0, "", start, min(len(text), start + 4096)
    while index < end:
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return end


class _Compiled:
    """The rules a config switches on, with their markers; built once per distinct config."""

    def __init__(self, config: RedactionConfig) -> None:
        self.markers = {kind: config.marker.replace("{kind}", kind) for kind in KINDS}
        # A marker never counts as a secret value, so running text through twice changes nothing.
        self.marker_set = frozenset(self.markers.values())
        self.marker_head = config.marker.split("{kind}", 1)[0] or "\x00never\x00"
        self.extra = frozenset(key.lower() for key in config.extra_keys if key)
        self.key_core = re.compile("|".join([_KEY_CORE, *map(re.escape, self.extra)]), re.ASCII | re.I)
        self.key_hints = _KEY_HINTS + tuple(self.extra)
        rules: list[tuple[tuple[str, ...], _Rule]] = []
        if config.private_keys:
            rules.append((("private key",), self._sub(_PEM, "private_key", whole=True)))
        if config.url_credentials:
            rules.append((("://",), self._sub(_URL_CREDENTIALS, "url_password")))
            rules.append((("://",), self._sub(_URL_TOKEN_USER, "url_password")))
            rules.append((("sig=",), self._sub(_SAS_SIGNATURE, "secret")))
        if config.bearer_tokens:
            rules.append((("bearer",), self._sub(_BEARER, "bearer")))
            rules.append((("authorization",), self._sub(_AUTHORIZATION, "authorization")))
            rules.append((("basic",), self._sub(_BASIC, "authorization", check=_is_basic_credential)))
        if config.cookies:
            rules.append((("cookie",), self._sub(_COOKIE, "cookie")))
        if config.jwts:
            rules.append((("eyj",), self._sub(_JWT, "jwt", whole=True)))
        if config.api_keys:
            rules.append((_API_KEY_HINTS, self._sub(_API_KEY, "api_key", whole=True)))
        if config.passwords:
            rules.append((self.key_hints, self._key_values))
            rules.append((("mysql", "mariadb"), self._sub(_MYSQL_FLAG, "password")))
            rules.append((("sshpass",), self._sub(_SSHPASS_FLAG, "password")))
            rules.append((("curl",), self._sub(_CURL_USER, "password")))
            rules.append((("redis-cli",), self._sub(_REDIS_FLAG, "password")))
            rules.append((("password", "passphrase"), self._sub(_PROSE, "password", check=_is_prose_secret, group=4)))
        self.rules = rules
        # One pass over the hints decides whether any hinted rule has to look at all; a hint that
        # contains another ("authorization" and "auth") adds nothing to that pass.
        hints = {hint for rule_hints, _ in rules for hint in rule_hints}
        self.any_hint = re.compile(_trie(sorted(h for h in hints if not any(o != h and o in h for o in hints))))
        # A hex id with a letter in it (trace and span ids, hashes) cannot hold a secret any rule finds: no hint is
        # all hex, the AWS key prefixes are not, and a card number is never glued to a letter. Unless an extra key
        # of the config is all hex, such a text skips the rules (two of them in every event, all different).
        self.hex_ids = not any(_HEX_ID.fullmatch(hint) for hint in hints)
        # Rules whose regex the engine can skip through by itself run on every text.
        self.unhinted: list[_Rule] = []
        if config.aws_keys:
            self.unhinted.append(self._sub(_AWS_KEY, "aws_key", whole=True))
        if config.credit_cards:
            self.unhinted.append(self._cards)
        if config.emails:
            self.unhinted.append(self._sub(_EMAIL, "email", whole=True))

    def _sub(
        self,
        pattern: re.Pattern[str],
        kind: str,
        whole: bool = False,
        check: Callable[[re.Match[str]], bool] | None = None,
        group: int = 2,
    ) -> _Rule:
        """A rule replacing ``pattern``'s match (``whole``) or its secret ``group``, where ``check`` agrees."""
        marker = self.markers[kind]

        def rule(text: str) -> tuple[str, int]:
            count = 0

            def replace(match: re.Match[str]) -> str:
                nonlocal count
                if not whole and self.is_marker(match.group(group)):
                    return match.group(0)
                if check is not None and not check(match):
                    return match.group(0)
                count += 1
                if whole:
                    return marker
                # keep what surrounds the secret (scheme and user, header name, the '@')
                whole_text, offset = match.group(0), match.start()
                return whole_text[: match.start(group) - offset] + marker + whole_text[match.end(group) - offset :]

            return pattern.sub(replace, text), count

        return rule

    def _key_values(self, text: str) -> tuple[str, int]:
        pieces: list[str] = []
        done = 0
        count = 0
        for core in self.key_core.finditer(text):
            start = core.start()
            if start < done:
                continue
            before = text[max(done, start - _KEY_MAX) : start]
            key_start = start - len(before) + len(before.rstrip(_KEY_CHARS))
            key_end = _KEY_RUN.match(text, core.end()).end()  # type: ignore[union-attr]  # [..]{0,64} always matches
            key = text[key_start:key_end]
            found = core.group(0).lower()
            # a core before a dot names a code path ("wm.AppWindowToken.destroySurfaces:374"), not a key
            if (found in self.extra and key.lower() != found) or "." in text[core.end() : key_end]:
                continue
            if _NOT_SECRET_KEY.search(key, max(0, len(key) - 16)):
                continue
            value_start, value_end = self._value_span(text, key, key_end)
            if value_start < 0 or (key == "PWD" and text.startswith("/", value_start)):
                continue  # PWD=/home/bob (sudo's log line, in its spelling) is a working directory
            kind = "password" if found.startswith(("pass", "pwd")) else "secret"
            pieces += (text[done:value_start], self.markers[kind])
            done = value_end
            count += 1
        if not count:
            return text, 0
        pieces.append(text[done:])
        return "".join(pieces), count

    def _value_span(self, text: str, key: str, key_end: int) -> tuple[int, int]:
        """Where the secret value after ``key`` is, or ``(-1, -1)`` if there is none to redact."""
        tail = _KEY_TAIL.match(text, key_end)
        if tail is not None:
            group = next(index for index in (1, 2, 3, 4) if tail.group(index) is not None)
            value, start, end = tail.group(group), tail.start(group), tail.end(group)
            if self.is_marker(value):
                return -1, -1
            if group == 4:  # a bare value cut at 4,096 characters goes on to its end, not left glued
                end = _BARE_REST.match(text, end).end()  # type: ignore[union-attr]  # [..]* always matches
            if group == 4 and value[0] in "{[":
                end = max(end, _bracket_end(text, start))  # a dict or list under a secret key goes whole
                if text[end : end + 1].isalnum():  # "[...]abc": glued text is part of the value
                    end = _BARE_REST.match(text, end).end()  # type: ignore[union-attr]
            elif group == 4 and value.lower().rstrip("})]") in _EMPTY_VALUES:
                return -1, -1
        elif key.startswith("--") or ("_" in key.strip("_") and len(key) > 8):
            spaced = _SPACE_VALUE.match(text, key_end)
            # a flag's value; after a bare identifier only a value that looks random ("db_password changed")
            if spaced is None or (not key.startswith("--") and _MIXED.match(spaced.group(2)) is None):
                return -1, -1
            value, start, end = spaced.group(2), spaced.start(2), spaced.end(2)
        else:
            return -1, -1
        if self.is_marker(value) or _OBJECT_REPR.match(value) or value.strip("*") == "":
            return -1, -1
        if key.lower().endswith("tokens") and value.isdigit():  # a count (max_tokens=256), not a token
            return -1, -1
        return start, end

    def is_marker(self, value: str) -> bool:
        """Whether a value is one of our markers, never redacted again; what follows it up to a letter or digit
        (a closing bracket, "&") is the text's. "[REDACTED:password]hunter2" is not a marker."""
        return value.startswith(self.marker_head) and any(
            value.startswith(marker) and not value[len(marker) : len(marker) + 1].isalnum()
            for marker in self.marker_set
        )

    def _cards(self, text: str) -> tuple[str, int]:
        count = 0

        def replace(match: re.Match[str]) -> str:
            nonlocal count
            if not _is_card(match.group(0).replace(" ", "").replace("-", "").replace(".", "")):
                return match.group(0)
            count += 1
            return self.markers["credit_card"]

        return _CARD.sub(replace, text), count

    def secret_key_kind(self, key: str) -> str | None:
        """The marker kind if a field name (``password``, ``PGPASSWORD``, ``Cookie``) names a secret, else None."""
        if len(key) > 2 * _KEY_MAX:
            return None
        if self.marker_head in key:  # "url_password" in a redacted key is the marker's word, not the key's
            for marker in self.marker_set:
                key = key.replace(marker, "")
        lower = key.lower()
        for suffix, kind in _HEADER_KEYS:
            if lower.endswith(suffix):
                return kind
        if lower in self.extra:
            return "secret"
        core = self.key_core.search(key)
        if core is None or core.group(0).lower() in self.extra or _NOT_SECRET_KEY.search(key, max(0, len(key) - 16)):
            return None
        return "password" if core.group(0).lower().startswith(("pass", "pwd")) else "secret"

    def run(self, text: str) -> tuple[str, int]:
        if self.hex_ids and _HEX_ID.fullmatch(text):
            return text, 0
        return self.run_rules(text)

    def run_rules(self, text: str) -> tuple[str, int]:
        total = 0
        # Hints are looked up in the original text: redacting only removes text, so a rule whose
        # hint was in a removed part merely runs for nothing.
        lower = text.lower()
        if self.any_hint.search(lower):
            for hints, rule in self.rules:
                if any(map(lower.__contains__, hints)):
                    text, count = rule(text)
                    total += count
        for rule in self.unhinted:
            text, count = rule(text)
            total += count
        return text, total


def _is_basic_credential(match: re.Match[str]) -> bool:
    token = match.group(2)
    try:
        return b":" in binascii.a2b_base64(token + "=" * (-len(token) % 4))
    except binascii.Error:
        return False


def _is_prose_secret(match: re.Match[str]) -> bool:
    # a context word ("with password X") or a verb ("password is X"), and a value that is not a word of the sentence
    return (match.group(2) is not None or match.group(3) is not None) and match.group(4).lower().rstrip(
        ".:!?"
    ) not in _PROSE_WORDS


@lru_cache(maxsize=32)
def _compiled(config: RedactionConfig) -> _Compiled:
    return _Compiled(config)


_DEFAULT = RedactionConfig()
_DEFAULT_COMPILED = _compiled(_DEFAULT)  # skips hashing the config on the common path


def redact(text: str, config: RedactionConfig = _DEFAULT) -> tuple[str, int]:
    """Replace the secrets in ``text`` by markers; never raises.

    :param text: any text: a message, a whole raw line, a stack trace, a field name.
    :param config: which rules run and the marker; the default redacts everything but e-mails.
    :returns: the redacted text and how many secrets were replaced. Should a rule ever fail on some
        input, the whole text is replaced by the ``unredactable`` marker (counted as one): a secret
        must not slip through because of a bug.
    """
    try:
        return (_DEFAULT_COMPILED if config is _DEFAULT else _compiled(config)).run(text)
    except Exception:  # fail closed, and never log the text itself: it may hold the secret
        logger.warning("redaction failed, text replaced type=%s", type(text).__name__, exc_info=True)
        return config.marker.replace("{kind}", "unredactable"), 1


def _secret_value(value: Any, key: str) -> bool:
    """Whether a value under a secret key is replaced: any string, number, dict or list that holds something."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, str):
        return value.strip().lower() not in _EMPTY_VALUES and value.strip() != ""
    if isinstance(value, int | float):
        return not (isinstance(value, int) and key.lower().endswith("tokens"))  # a count: max_tokens
    return bool(value)


def redact_fields(fields: MutableMapping[str, Any], config: RedactionConfig = _DEFAULT) -> int:
    """Redact, in place, a JSON-like mapping (event attributes, exception fields): keys and values.

    Whatever sits under a key that names a secret (``{"password": "hunter2"}``, ``"apiKey"``,
    ``"Authorization"``, ``"Cookie"``, ``{"secret": {"value": ...}}``, ``{"tokens": [...]}``) is replaced
    whole by one marker, since the text alone would not reveal it; other strings, and the keys
    themselves, go through :func:`redact`, and an integer that is a card number is replaced. Nested
    dicts and lists are walked (tuples, being immutable, are not). Never raises.

    :param fields: the mapping to change in place.
    :param config: as for :func:`redact`.
    :returns: the number of redactions.
    """
    if not isinstance(fields, MutableMapping):
        return 0
    compiled = _compiled(config)
    total = 0
    stack: list[Any] = [fields]
    seen: set[int] = set()
    while stack:
        container = stack.pop()
        if id(container) in seen:
            continue
        seen.add(id(container))
        is_mapping = isinstance(container, MutableMapping)
        for key, value in list(container.items() if is_mapping else enumerate(container)):
            try:
                if is_mapping and isinstance(key, str):
                    key, count, kind = _redact_key(container, key, config)
                    total += count
                    if kind is not None and _secret_value(value, key) and not compiled.is_marker(str(value)):
                        container[key] = compiled.markers[kind]
                        total += 1
                        continue
                if isinstance(value, MutableMapping | list):
                    stack.append(value)
                elif isinstance(value, str):
                    if value:
                        container[key], count = redact(value, config)
                        total += count
                elif type(value) is int and config.credit_cards and 10**12 <= value < 10**19 and _is_card(str(value)):
                    container[key] = compiled.markers["credit_card"]
                    total += 1
            except Exception:  # fail closed, as redact() does
                logger.warning("field redaction failed, value replaced", exc_info=True)
                container[key] = compiled.markers["unredactable"]
                total += 1
    return total


def _field_name(key: str, config: RedactionConfig) -> tuple[str, int, str | None]:
    """A field name redacted, the number of redactions, and the marker kind if the name says its value is secret."""
    new, count = redact(key, config)
    return new, count, _compiled(config).secret_key_kind(new) if config.passwords else None


# Field names repeat from event to event (pid, user, request_id): a memo spares reading them each time.
_field_name_memo = lru_cache(maxsize=4096)(_field_name)


def _redact_key(container: MutableMapping[str, Any], key: str, config: RedactionConfig) -> tuple[str, int, str | None]:
    """Redact a field name in place (``{"postgres://u:pw@db": ...}``); a clash gets a ``#n`` suffix, losing nothing.

    :returns: as :func:`_field_name`, with the name now in ``container``.
    """
    new, count, kind = _field_name_memo(key, config) if len(key) <= 256 else _field_name(key, config)
    if not count:
        return key, 0, kind
    base, index = new, 1
    while new in container:
        index += 1
        new = f"{base}#{index}"
    container[new] = container.pop(key)
    return new, count, kind
