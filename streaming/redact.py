"""Secret redaction: removes credentials, keys, tokens and card numbers from log text before it is stored.

Pure Python, so it runs inside a pandas UDF and is unit-tested without Spark. IP addresses and user
names are deliberately kept: security analysis needs them. Most rules only run when a cheap
lower-case hint ("pass", "://", "eyj" ...) is in the text, so a line without any hint of a secret
costs one lowercasing, a few ``in`` tests and two regex scans (AWS key ids, card-like digit runs).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = ["KINDS", "RedactionConfig", "redact", "redact_fields"]

logger = logging.getLogger(__name__)

# Every kind a marker can name.
KINDS = ("private_key", "url_password", "bearer", "authorization", "jwt", "api_key", "aws_key",
         "password", "secret", "credit_card", "email", "unredactable")  # fmt: skip


@dataclass(frozen=True, slots=True)
class RedactionConfig:
    """Which rules run and how a redaction looks.

    :param passwords: ``key=value``, ``key: value`` and JSON ``"key": "value"`` where the key names a
        password, secret, token, API key, access key, private key, auth or credentials.
    :param url_credentials: the password of ``scheme://user:password@host`` (the user stays).
    :param bearer_tokens: ``Bearer <token>`` anywhere, and other ``Authorization:`` header credentials.
    :param jwts: JSON Web Tokens (``eyJ...``) anywhere.
    :param api_keys: vendor key shapes: Stripe, GitHub, GitLab, Slack, Google, OpenAI, npm, SendGrid,
        Telegram bot tokens, Slack webhook URLs.
    :param aws_keys: AWS access key ids (``AKIA...``); their secrets are caught by ``passwords``.
    :param private_keys: PEM/OpenSSH/PGP private key blocks, multi-line.
    :param credit_cards: 13-19 digit card numbers (plain, or grouped by spaces/dashes) with a card
        network prefix that pass the Luhn check.
    :param emails: e-mail addresses; off by default since they often are the user name.
    :param marker: the replacement; ``{kind}`` is replaced by one of :data:`KINDS`.
    :param extra_keys: more key names whose values are secrets (matched case-insensitively, exactly).
    """

    passwords: bool = True
    url_credentials: bool = True
    bearer_tokens: bool = True
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
_BEARER = re.compile(r"\b(bearer[ \t]+)([A-Za-z0-9\-._~+/]{8,4096}=*)", re.ASCII | re.I)
_AUTHORIZATION = re.compile(
    r"\b((?:proxy-)?authorization[\"']?[ \t]*[:=][ \t]*[\"']?(?!bearer\b)"
    r"(?:(?:basic|digest|negotiate|ntlm|token|apikey|aws4-hmac-sha256)[ \t]+)?+)([^\s\"',;\[]{1,4096})",
    re.ASCII | re.I,
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
_API_KEY_HINTS = (
    "k_live_",
    "k_test_",
    "gh",
    "glpat-",
    "xox",
    "aiza",
    "sk-",
    "npm_",
    "sg.",
    ":aa",
    "hooks.slack",
)
# Opens with a literal 'A' so the regex engine can skip ahead on its own: no hint needed.
_AWS_KEY = re.compile(r"A(?:KIA|SIA|IDA|ROA|IPA|NPA|NVA|GPA)[0-9A-Z]{16}(?![0-9A-Za-z])(?<![0-9A-Za-z].{20})", re.ASCII)
# Plain 13-19 digits, 4-4-4-4(-3) groups, or Amex/Diners 4-6-5/4-6-4; never glued to a word, a sign, a
# path or a decimal part, so ids like blk_-6952295868487656571 or 1.5e18 are left alone.
_CARD = re.compile(
    r"[2-6](?<![\w.+/\\-].)(?:\d{12,18}|\d{3}([ -])\d{4}\1\d{4}\1\d{1,4}(?:\1\d{1,3})?"
    r"|(?<=3)\d{3}([ -])\d{6}\2\d{4,5})(?![\w+/]|[.,-]\d)",
    re.ASCII,
)
_EMAIL = re.compile(
    r"(?<![\w.%+-])[\w.%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![\w-])",
    re.ASCII,
)
# Key-value secrets are found by their key's core word; the key's prefix is checked by hand
# (_prefix_allowed and the run of key characters) because a regex scan with a variable-length
# prefix would retry it at every position of the text.
_KEY_CORE = r"pass(?:word|wd|phrase)|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|auth|credentials?"
_KEY_HINTS = ("pass", "pwd", "secret", "token", "key", "auth", "credential")
_KEY_PREFIX_MAX = 64
_KEY_CHAR = re.compile(r"[\w.-]")
_KEY_RUN = re.compile(r"[\w.-]+")
# In "key= other=1" (space-separated pairs, PAM style) the value is empty and "other=1" is the next
# pair; base64 padding ("dGVzdA==") or a trailing "=" is still a value.
_VALUE = (
    r"[ \t]*(?::=[ \t]*|=>[ \t]*|:[ \t]*|=(?:[ \t]+(?![\w.-]{1,64}=[^\s=]))?+)"
    r"(?:\"((?:[^\"\\\n]|\\.){1,4096})\"|\\\"((?:[^\"\\\n]|\\[^\"\n]){1,4096})\\\""
    r"|'([^'\n]{1,4096})'|(?:(?:bearer|basic|token)[ \t]+)?+([^\s\"',;&]{1,4096}))"
)
# Bare values that say "no secret here"; redacting them would only hide that.
_EMPTY_VALUES = frozenset(("null", "none", "nil", "true", "false", "undefined", "-"))
# After the core: an optional "_key"/"_access_key" ("secret_key"), the end of the key, the closing
# quote of a JSON/Python key, then the separator and the value.
_KEY_SUFFIX = re.compile(r"(?:[_-]?(?:access[_-]?)?key)?", re.ASCII | re.I)
_KEY_TAIL = re.compile(r"(?:[_-]?(?:access[_-]?)?key)?(?![\w-])(?:\\?[\"'])?" + _VALUE, re.ASCII | re.I)


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _card_network(digits: str) -> bool:
    """Whether a number opens like a card network's numbers (Visa, Mastercard, Amex, Discover, ...)."""
    first = digits[0]
    if first == "2":  # Mastercard's 2-series: 2221-2720
        return 2221 <= int(digits[:4]) <= 2720 and len(digits) == 16
    return first in "3456"


def _prefix_allowed(text: str, core_start: int) -> bool:
    """Whether the character before a core word lets it be (the end of) a key.

    Accepted: nothing key-like before it, a ``_ . -`` (``db_password``, ``spring.datasource.password``)
    or a camelCase step (``dbPassword``). ``wtoken`` or ``OAuth`` are other words, not keys.
    """
    if core_start == 0:
        return True
    last = text[core_start - 1]
    if last in "_.-" or not last.isalnum():
        return True
    return (last.islower() or last.isdigit()) and last.isascii() and text[core_start].isupper()


class _Compiled:
    """The rules a config switches on, with their markers; built once per distinct config."""

    def __init__(self, config: RedactionConfig) -> None:
        self.markers = {kind: config.marker.replace("{kind}", kind) for kind in KINDS}
        # A marker never counts as a secret value, so running text through twice changes nothing.
        self.marker_head = config.marker.split("{kind}", 1)[0] or "\x00never\x00"
        extra = "|".join(re.escape(key) for key in config.extra_keys if key)
        core = _KEY_CORE + ("|" + extra if extra else "")
        self.key_core = re.compile(core, re.ASCII | re.I)
        self.key_hints = _KEY_HINTS + tuple(key.lower() for key in config.extra_keys if key)
        rules: list[tuple[tuple[str, ...], _Rule]] = []
        if config.private_keys:
            rules.append((("private key",), self._sub(_PEM, "private_key", whole=True)))
        if config.url_credentials:
            rules.append((("://",), self._sub(_URL_CREDENTIALS, "url_password")))
        if config.bearer_tokens:
            rules.append((("bearer",), self._sub(_BEARER, "bearer")))
            rules.append((("authorization",), self._sub(_AUTHORIZATION, "authorization")))
        if config.jwts:
            rules.append((("eyj",), self._sub(_JWT, "jwt", whole=True)))
        if config.api_keys:
            rules.append((_API_KEY_HINTS, self._sub(_API_KEY, "api_key", whole=True)))
        if config.passwords:
            rules.append((self.key_hints, self._key_values))
        self.rules = rules
        # One pass over the hints decides whether any hinted rule has to look at all; a hint that
        # contains another ("authorization" and "auth") adds nothing to that pass.
        hints = {hint for rule_hints, _ in rules for hint in rule_hints}
        self.any_hint = tuple(sorted(h for h in hints if not any(o != h and o in h for o in hints)))
        # Rules whose regex the engine can skip through by itself run on every text.
        self.unhinted: list[_Rule] = []
        if config.aws_keys:
            self.unhinted.append(self._sub(_AWS_KEY, "aws_key", whole=True))
        if config.credit_cards:
            self.unhinted.append(self._cards)
        if config.emails:
            self.unhinted.append(self._sub(_EMAIL, "email", whole=True))

    def _sub(self, pattern: re.Pattern[str], kind: str, whole: bool = False) -> _Rule:
        marker = self.markers[kind]

        def rule(text: str) -> tuple[str, int]:
            count = 0

            def replace(match: re.Match[str]) -> str:
                nonlocal count
                if not whole and match.group(2).startswith(self.marker_head):
                    return match.group(0)
                count += 1
                if whole:
                    return marker
                # keep what surrounds the secret (scheme and user, header name, the '@')
                whole_text, offset = match.group(0), match.start()
                return whole_text[: match.start(2) - offset] + marker + whole_text[match.end(2) - offset :]

            return pattern.sub(replace, text), count

        return rule

    def _key_values(self, text: str) -> tuple[str, int]:
        pieces: list[str] = []
        done = 0
        count = 0
        runs: Iterator[re.Match[str]] | None = None
        run: re.Match[str] | None = None
        for core in self.key_core.finditer(text):
            start = core.start()
            if start < done or not _prefix_allowed(text, start):
                continue
            if start and _KEY_CHAR.match(text, start - 1):
                # The key's prefix is the run of key characters around the core; runs and cores both
                # move forward, so one pass over the runs serves every candidate.
                runs = runs if runs is not None else _KEY_RUN.finditer(text)
                while run is None or run.end() <= start:
                    run = next(runs, None)
                    if run is None:
                        break
                if run is None or run.start() >= start or start - run.start() > _KEY_PREFIX_MAX:
                    continue
            tail = _KEY_TAIL.match(text, core.end())
            if tail is None:
                continue
            group = next(index for index in (1, 2, 3, 4) if tail.group(index) is not None)
            value = tail.group(group)
            if value.startswith(self.marker_head) or (group == 4 and value.lower().rstrip("})]") in _EMPTY_VALUES):
                continue
            kind = "password" if core.group(0).lower().startswith(("pass", "pwd")) else "secret"
            pieces += (text[done : tail.start(group)], self.markers[kind])
            done = tail.end(group)
            count += 1
        if not count:
            return text, 0
        pieces.append(text[done:])
        return "".join(pieces), count

    def _cards(self, text: str) -> tuple[str, int]:
        count = 0

        def replace(match: re.Match[str]) -> str:
            nonlocal count
            digits = match.group(0).replace(" ", "").replace("-", "")
            if not (13 <= len(digits) <= 19 and _card_network(digits) and _luhn(digits)):
                return match.group(0)
            count += 1
            return self.markers["credit_card"]

        return _CARD.sub(replace, text), count

    def secret_key_kind(self, key: str) -> str | None:
        """The marker kind if a whole field name (``password``, ``dbPassword``) names a secret, else None."""
        if len(key) > _KEY_PREFIX_MAX + 32 or _KEY_RUN.fullmatch(key) is None:
            return None
        for core in self.key_core.finditer(key):
            if _prefix_allowed(key, core.start()) and _KEY_SUFFIX.fullmatch(key, core.end()):
                return "password" if core.group(0).lower().startswith(("pass", "pwd")) else "secret"
        return None

    def run(self, text: str) -> tuple[str, int]:
        total = 0
        # Hints are looked up in the original text: redacting only removes text, so a rule whose
        # hint was in a removed part merely runs for nothing.
        lower = text.lower()
        if any(map(lower.__contains__, self.any_hint)):
            for hints, rule in self.rules:
                if any(map(lower.__contains__, hints)):
                    text, count = rule(text)
                    total += count
        for rule in self.unhinted:
            text, count = rule(text)
            total += count
        return text, total


@lru_cache(maxsize=32)
def _compiled(config: RedactionConfig) -> _Compiled:
    return _Compiled(config)


_DEFAULT = RedactionConfig()
_DEFAULT_COMPILED = _compiled(_DEFAULT)  # skips hashing the config on the common path


def redact(text: str, config: RedactionConfig = _DEFAULT) -> tuple[str, int]:
    """Replace the secrets in ``text`` by markers; never raises.

    :param text: any text: a message, a whole raw line, a stack trace.
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


def redact_fields(fields: MutableMapping[str, Any], config: RedactionConfig = _DEFAULT) -> int:
    """Redact, in place, every string inside a JSON-like mapping (event attributes, exception fields).

    A string or number whose own key names a secret (``{"password": "hunter2"}``, ``"apiKey"``) is
    replaced whole, since the text alone would not reveal it, and so is each one in a list under such
    a key; other strings go through :func:`redact`. Nested dicts and lists are walked (tuples, being
    immutable, are not); keys are kept. Never raises.

    :param fields: the mapping to change in place.
    :param config: as for :func:`redact`.
    :returns: the number of redactions.
    """
    if not isinstance(fields, MutableMapping):
        return 0
    compiled = _compiled(config)
    total = 0
    # (container, kind of the secret key it sits under, if any), still to walk
    stack: list[tuple[Any, str | None]] = [(fields, None)]
    seen: set[int] = set()
    while stack:
        container, inherited = stack.pop()
        if id(container) in seen:
            continue
        seen.add(id(container))
        is_mapping = isinstance(container, MutableMapping)
        for key, value in list(container.items() if is_mapping else enumerate(container)):
            try:
                kind = inherited
                if is_mapping and isinstance(key, str) and config.passwords:
                    kind = compiled.secret_key_kind(key)
                if isinstance(value, MutableMapping | list):
                    # a list under a secret key holds secrets; a dict under one has keys of its own
                    stack.append((value, kind if isinstance(value, list) else None))
                elif isinstance(value, bool) or not isinstance(value, str | int | float) or value == "":
                    continue
                elif kind is not None:
                    container[key] = compiled.markers[kind]
                    total += 1
                elif isinstance(value, str):
                    container[key], count = redact(value, config)
                    total += count
            except Exception:  # fail closed, as redact() does
                logger.warning("field redaction failed, value replaced key=%r", key, exc_info=True)
                container[key] = compiled.markers["unredactable"]
                total += 1
    return total
