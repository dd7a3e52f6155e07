"""Redaction quality and cost: secrets missed on a set of secret shapes, false positives on real logs, speed.

Run: ``.venv/bin/python -m bench.bench_redact [--rounds N] [--shared DIR]``.
- Secrets missed: each shape of :data:`SHAPES` (a log message, or event attributes, holding a known fake secret)
  goes through ``redact`` / ``redact_fields``; a shape is missed if any of its secrets is still in the output.
- False positives: every redaction on a real log line counts, since these logs hold no secrets (checked by
  hand: each is printed). Lines: the Loghub 2k samples of 8 systems (github.com/logpai/loghub; Zhu et al.,
  ISSRE 2023), the lnav format samples (data/formats/lnav-samples.jsonl, BSD-2-Clause) and fail2ban's test logs
  (data/fail2ban/logs, GPL-2), read from ../shared, never copied; figures are per 10,000 lines.
- Speed: ``redact`` over the real lines without a secret, in lines per second of CPU time (best of N rounds);
  the stage's whole per-line figure is ``bench.bench_parse``'s.
Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from typing import Any

from bench.bench_parse import DEFAULT_LOGHUB, DEFAULT_SHARED, EXPECTED, best_rate, other_lines, redact_all
from streaming.redact import redact, redact_fields

__all__ = ["SHAPES", "main", "missed", "real_lines"]

# Fake secrets only; vendor-shaped ones are assembled from pieces so secret scanners leave this file alone.
_AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
_JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
_CARD = "4111111111111111"

# (name, a message or an attributes dict, the secrets that must not survive)
SHAPES: list[tuple[str, str | dict[str, Any], tuple[str, ...]]] = [
    ("key=value", "login user=bob password=hunter2 from 10.0.0.7", ("hunter2",)),
    ("JSON in a message", '{"user": "bob", "api_key": "k1-zz9"}', ("k1-zz9",)),
    ("all-caps env var", "env PGPASSWORD=hunter2 psql -h db", ("hunter2",)),
    ("all-caps concatenation", "JWTSECRET=s3cr3tValue9 loaded", ("s3cr3tValue9",)),
    ("all-lower query", "POST /account?oldpassword=hunter1&newpassword=hunter2", ("hunter1", "hunter2")),
    ("accesstoken", "callback accesstoken=at_8f14e45f refreshtoken=rt_45c48cce", ("at_8f14e45f", "rt_45c48cce")),
    ("clientsecret", "oauth clientsecret=cs_1679091c", ("cs_1679091c",)),
    ("the password is X", "reset done, the password is hunter2", ("hunter2",)),
    ("with password X", "login failed for bob with password hunter2", ("hunter2",)),
    ("password was set to X", "admin password was set to Tr0ub4dor", ("Tr0ub4dor",)),
    ("mysql -p", "exec mysql -uroot -pS3cretPw -h db shop", ("S3cretPw",)),
    ("sshpass -p", "sshpass -p hunter2 ssh deploy@10.0.0.5", ("hunter2",)),
    ("curl -u", "curl -u admin:hunter2 https://api.internal/v1", ("hunter2",)),
    ("--password=", "pg_dump --password=hunter2 shop", ("hunter2",)),
    ("--password X", "cli login --password hunter2 --user bob", ("hunter2",)),
    ("--secret-access-key X", "aws s3 ls --secret-access-key " + _AWS_SECRET, (_AWS_SECRET,)),
    ("aws configure set", "aws configure set aws_secret_access_key " + _AWS_SECRET, (_AWS_SECRET,)),
    ("redis-cli -a", "redis-cli -h cache -a hunter2 ping", ("hunter2",)),
    ("Cookie header", "GET / Cookie: sessionid=8f14e45fceea167a; csrftoken=c9f0f895", ("8f14e45fceea167a", "c9f0f895")),
    ("Set-Cookie header", "resp Set-Cookie: session=45c48cce2e2d7fbd; Path=/; HttpOnly", ("45c48cce2e2d7fbd",)),
    ("Authorization Bearer", "GET /api Authorization: Bearer abcDEF123456ghiJKL", ("abcDEF123456ghiJKL",)),
    ("Bearer: with a colon", "sent Authorization: Bearer: abcDEF123456ghiJKL", ("abcDEF123456ghiJKL",)),
    ("Bearer in a query", "GET /x?authorization=Bearer%20opaque_token_77aa", ("opaque_token_77aa",)),
    ("Basic credentials", "upstream sent Basic dXNlcjpodW50ZXIy to proxy", ("dXNlcjpodW50ZXIy",)),
    ("Proxy-Authorization", "Proxy-Authorization: Basic dXNlcjpodW50ZXIy", ("dXNlcjpodW50ZXIy",)),
    ("JWT", "session " + _JWT + " expired", (_JWT,)),
    (
        "private key",
        "key -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1\n-----END RSA PRIVATE KEY-----",
        ("MIIEowIBAAKCAQEAu1SU1",),
    ),
    ("AWS key id", "using AKIA" + "IOSFODNN7EXAMPLE for s3", ("AKIA" + "IOSFODNN7EXAMPLE",)),
    ("URL password", "connect postgres://app:hunter2@db:5432/shop", ("hunter2",)),
    ("Azure AccountKey", "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=bXlrZXk9PQ==;", ("bXlrZXk9PQ==",)),
    ("card, plain", "paid with 4111111111111111 ok", (_CARD,)),
    ("card, grouped by dots", "paid with 4111.1111.1111.1111 ok", ("4111.1111.1111.1111",)),
    ("card in JSON text", '{"card": 4111111111111111}', (_CARD,)),
    ("marker-prefixed value", "password=[REDACTED:x]hunter2", ("hunter2",)),
    ("PEM body line alone", "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt", ("MIIEowIBAAKCAQEAu1SU1",)),
    ("token as URL user", "clone https://" + "ab12" * 10 + "@github.com/o/r", ("ab12" * 10,)),
    ("card glued to a word", "ref card_4111111111111111", (_CARD,)),
    (
        "Azure SAS sig",
        "GET /c/b?sv=2020-08-04&sig=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA%3D",
        ("Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA",),
    ),
    ("header dict", {"headers": {"Authorization": "Basic dXNlcjpodW50ZXIy"}}, ("dXNlcjpodW50ZXIy",)),
    ("Authorization Token", {"Authorization": "Token t0k3n-value"}, ("t0k3n-value",)),
    ("Proxy-Authorization dict", {"Proxy-Authorization": "Bearer zzTOKENzz99"}, ("zzTOKENzz99",)),
    ("Cookie dict", {"headers": {"Cookie": "sessionid=8f14e45fceea167a"}}, ("8f14e45fceea167a",)),
    ("Set-Cookie dict", {"set-cookie": "session=45c48cce2e2d7fbd; Path=/"}, ("45c48cce2e2d7fbd",)),
    ("dict under secret", {"secret": {"value": "hunter2"}}, ("hunter2",)),
    ("dict under token", {"token": {"access": "at_111aaa", "refresh": "rt_222bbb"}}, ("at_111aaa", "rt_222bbb")),
    ("dict under credentials", {"credentials": {"pw": "hunter2"}}, ("hunter2",)),
    ("list under secrets", {"secrets": ["hunter2"]}, ("hunter2",)),
    ("list under passwords", {"passwords": ["hunter1", "hunter2"]}, ("hunter1", "hunter2")),
    ("list under api_keys", {"api_keys": ["k_1a2b3c"]}, ("k_1a2b3c",)),
    (
        "concatenated keys",
        {"newpassword": "hunter2", "PGPASSWORD": "hunter3", "accesstoken": "at_9z"},
        ("hunter2", "hunter3", "at_9z"),
    ),
    ("number under a secret key", {"pin_password": 482913}, ("482913",)),
    ("card as a JSON number", {"card_number": 4111111111111111}, (_CARD,)),
    ("card as a number, any key", {"order": {"pan": 5500005555555559}}, ("5500005555555559",)),
    ("secret in a key", {"postgres://admin:hunter2@db/app": "conn"}, ("hunter2",)),
    ("secret in a nested value", {"request": {"query": "token=abc123xyz"}}, ("abc123xyz",)),
]


def missed(shapes: list[tuple[str, str | dict[str, Any], tuple[str, ...]]] = SHAPES) -> list[str]:
    """The names of the shapes one of whose secrets survives redaction."""
    names = []
    for name, shape, secrets in shapes:
        if isinstance(shape, str):
            out = redact(shape)[0]
        else:
            fields = copy.deepcopy(shape)
            redact_fields(fields)
            out = json.dumps(fields)
        if any(secret in out for secret in secrets):
            names.append(name)
    return names


def real_lines(shared: Any = DEFAULT_SHARED, loghub: Any = DEFAULT_LOGHUB) -> list[str]:
    """Every real line of the mixed dev set: Loghub's 8 samples, lnav's samples, fail2ban's logs."""
    lines = []
    for system in EXPECTED:
        path = loghub / system / f"{system}_2k.log"
        lines += path.read_text(encoding="utf-8", errors="surrogateescape").splitlines()
    lnav, fail2ban = other_lines(shared)
    return lines + lnav + fail2ban


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="passes per measurement; the best counts")
    parser.add_argument("--shared", type=type(DEFAULT_SHARED), default=DEFAULT_SHARED, help="the shared data folder")
    args = parser.parse_args()

    lost = missed()
    print(f"secret shapes: {len(SHAPES)}, missed {len(lost)}: {', '.join(lost) or '-'}")
    lines = real_lines(args.shared, args.shared / "loghub")
    started = time.process_time()
    redactions = 0
    for line in lines:
        out, count = redact(line)
        if count:
            redactions += count
            print(f"  false positive x{count}: {out[:160]}")
    per_10k = redactions * 10_000 / len(lines)
    print(f"real lines: {len(lines)}, redactions {redactions} ({per_10k:.2f} per 10,000 lines)")
    print(f"  ({time.process_time() - started:.2f} s CPU for one pass)")
    clean = [line for line in lines if redact(line)[1] == 0]
    rate = best_rate(redact_all, clean, args.rounds)
    print(f"redact, real lines without a secret: {rate:,.0f} lines/s")
    print(
        json.dumps(
            {
                "bench": "redact",
                "shapes": len(SHAPES),
                "shapes_missed": len(lost),
                "real_lines": len(lines),
                "false_positives_per_10k_lines": round(per_10k, 2),
                "redact_no_secret_lines_per_s": round(rate),
            }
        )
    )


if __name__ == "__main__":
    main()
