"""Slot fillers for corpus templates: realistic variable values (the parts the model must ignore).

Values are drawn widely (many user names, hosts, services, amounts, id formats) so that no value
becomes a stand-in for a category; preprocessing masks most of them anyway.
"""

from __future__ import annotations

import logging
import random
import string
from collections.abc import Callable

__all__ = ["FILLERS"]

logger = logging.getLogger(__name__)

Filler = Callable[[random.Random], str]

_USERS = (
    "alice bob carol dave erin frank grace heidi ivan judy mallory oscar peggy trent victor walter admin root "
    "deploy jenkins ubuntu ec2-user git postgres oracle test guest support www-data svc_backup svc-ci "
    "jsmith mgarcia a.kumar li.wei nguyen.t o.brien k.yamamoto pat99 sam_r backup operator ansible"
).split()
_HOSTS = (
    "web-01 web-02 api-3 db-primary db-replica-2 cache-1 edge-fra-4 lb-east worker-17 node-a12 ip-10-0-3-41 "
    "prod-app-07 stg-api-1 build-agent-5 k8s-node-9 mq-02 search-3 pay-gw-1 vpn-gw core-sw-2 fw-dmz-1"
).split()
_DOMAINS = "example.com shop.example.org api.acme.io internal.corp mail.example.net cdn.example.com".split()
_SERVICES = (
    "checkout cart payments orders inventory catalog search recommendations auth users billing shipping "
    "notifications gateway frontend ledger pricing reviews wishlist accounts reporting media"
).split()
_NAMESPACES = "default prod staging kube-system monitoring payments ingress-nginx data team-a".split()
_TOPICS = "orders.v1 payments-events user-signups clickstream audit.log inventory-updates email-outbox".split()
_QUEUES = "orders.created email.send invoice-jobs thumbnails webhooks.retry celery default high_priority".split()
_DBS = "shop billing users analytics orders_db app_production inventory crm".split()
_TABLES = "orders order_items payments users sessions products inventory invoices carts events audit_log".split()
_IFACES = "eth0 eth1 ens3 enp0s31f6 wlan0 bond0 GigabitEthernet0/1 ge-0/0/3 xe-1/0/0 Te1/1/2 vlan20 br0".split()
_REPOS = "acme/shop-api acme/web platform/infra data/etl mobile/app payments/gateway tools/cli".split()
_BRANCHES = "main master develop release/2.4 feature/cart-v2 hotfix/login fix/timeouts".split()
_JOBS = "build test lint deploy-staging deploy-prod e2e integration docker-publish nightly-backup".split()
_REGIONS = "us-east-1 eu-west-1 eu-central-1 ap-southeast-2 us-west-2".split()
_PRODUCTS = (
    "running shoes|wireless headphones|coffee grinder|yoga mat|4K monitor|desk lamp|backpack|phone case|"
    "espresso beans|winter jacket|USB-C cable|standing desk|kids bike|air fryer|novel paperback"
).split("|")
_TITLES = (
    "Night Drive|Ocean Deep|The Long Way Home|Morning Focus|Summer Hits 2024|Weekly Discoveries|Late Night Jazz|"
    "Intro to Statistics|Python for Beginners|Advanced Excel|Marathon Training Plan|Hamlet|Sourdough Basics|"
    "Two-bedroom flat in Leith|Senior Backend Engineer|Rock Classics|Kids Cartoons|True Crime Weekly"
).split("|")
_PLANS = "free basic pro premium business enterprise team starter annual monthly".split()
_CURRENCIES = "USD EUR GBP JPY CHF CAD AUD SEK BRL INR".split()
_COUNTRIES = "US DE FR GB NL ES IT BR IN JP CA AU SE PL".split()
_CARDS = "visa mastercard amex discover maestro".split()
_METHODS = "card paypal apple_pay google_pay sepa_debit ideal klarna bank_transfer gift_card".split()
_HTTP_METHODS = "GET POST PUT DELETE PATCH".split()
_PATH_WORDS = "api v1 v2 orders users cart items static img assets login account products search admin".split()
_EXCEPTIONS = (
    "java.lang.IllegalStateException java.lang.NullPointerException java.io.IOException "
    "java.lang.IllegalArgumentException ValueError KeyError TypeError RuntimeError "
    "java.util.NoSuchElementException AttributeError"
).split()
_CIPHERS = "ECDHE-RSA-AES128-GCM-SHA256 TLS_AES_256_GCM_SHA384 AES256-SHA DES-CBC3-SHA".split()
_TLS = "TLSv1 TLSv1.1 TLSv1.2 TLSv1.3 SSLv3".split()
_SIGNALS = "SIGTERM SIGHUP SIGINT SIGKILL SIGUSR1".split()
_COUPONS = "SPRING10 WELCOME5 FREESHIP BLACKFRIDAY VIP20 SUMMER24 LOYAL15".split()
_CITIES = "Berlin Paris Lisbon Austin Osaka Toronto Madrid Oslo Dublin Seattle".split()
_CARRIERS = "DHL UPS FedEx USPS DPD GLS PostNL".split()


def _pick(values: list[str]) -> Filler:
    return lambda rng: rng.choice(values)


def _int(lo: int, hi: int) -> Filler:
    return lambda rng: str(rng.randint(lo, hi))


def _float(lo: float, hi: float, digits: int = 2) -> Filler:
    return lambda rng: f"{rng.uniform(lo, hi):.{digits}f}"


def _hex(n: int) -> Filler:
    return lambda rng: "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _ip(rng: random.Random) -> str:
    first = rng.choice([10, 172, 192, 203, 45, 185, 91, 61, 118, 23])
    return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def _ip6(rng: random.Random) -> str:
    groups = [f"{rng.randint(0, 0xFFFF):x}" for _ in range(4)]
    return "2001:db8:" + ":".join(groups) + "::" + f"{rng.randint(1, 0xFFFF):x}"


def _uuid(rng: random.Random) -> str:
    h = _hex(32)(rng)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def _order(rng: random.Random) -> str:
    style = rng.randint(0, 3)
    if style == 0:
        return str(rng.randint(100000, 99999999))
    if style == 1:
        return "ORD-" + str(rng.randint(10000, 999999))
    if style == 2:
        return "ord_" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(12))
    return f"{rng.randint(2019, 2025)}-{rng.randint(100000, 999999)}"


def _amount(rng: random.Random) -> str:
    return f"{rng.choice([rng.uniform(1, 60), rng.uniform(20, 400), rng.uniform(100, 5000)]):.2f}"


def _ts(rng: random.Random) -> str:
    return (
        f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:"
        f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}Z"
    )


def _syslog_ts(rng: random.Random) -> str:
    month = rng.choice("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())
    return f"{month} {rng.randint(1, 28):2d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"


def _path(rng: random.Random) -> str:
    roots = ["/var/lib/app", "/opt/service", "/srv/data", "/home/deploy", "/etc/nginx", "/var/log", "/tmp", "/data"]
    leaf = rng.choice(["config.yaml", "app.log", "cache", "index.db", "current", "upload.tmp", "snapshot.bin"])
    return f"{rng.choice(roots)}/{rng.choice(['', 'v2/', 'shared/', 'releases/42/'])}{leaf}"


def _urlpath(rng: random.Random) -> str:
    parts = rng.sample(_PATH_WORDS, rng.randint(1, 3))
    tail = rng.choice(["", f"/{rng.randint(1, 99999)}", "?page=2", f"/{_hex(8)(rng)}"])
    return "/" + "/".join(parts) + tail


def _url(rng: random.Random) -> str:
    return f"https://{rng.choice(_DOMAINS)}{_urlpath(rng)}"


def _version(rng: random.Random) -> str:
    return f"{rng.randint(0, 12)}.{rng.randint(0, 30)}.{rng.randint(0, 40)}"


def _pod(rng: random.Random) -> str:
    return f"{rng.choice(_SERVICES)}-{_hex(9)(rng)[:9]}-{_hex(5)(rng)}"


def _email(rng: random.Random) -> str:
    return f"{rng.choice(_USERS).replace('_', '.')}{rng.randint(1, 99)}@{rng.choice(_DOMAINS)}"


def _java_class(rng: random.Random) -> str:
    pkg = rng.choice(["com.acme.shop", "io.example.billing", "org.demo.api", "com.corp.inventory"])
    cls = rng.choice(["OrderService", "PaymentClient", "UserController", "CartRepository", "StockSync"])
    return f"{pkg}.{cls}"


FILLERS: dict[str, Filler] = {
    "ip": _ip,
    "ip6": _ip6,
    "port": _int(1024, 65535),
    "host": _pick(_HOSTS),
    "fqdn": lambda rng: f"{rng.choice(_HOSTS)}.{rng.choice(_DOMAINS)}",
    "domain": _pick(_DOMAINS),
    "user": _pick(_USERS),
    "email": _email,
    "uuid": _uuid,
    "hex": _hex(16),
    "sha": _hex(40),
    "short_sha": _hex(7),
    "int": _int(1, 100000),
    "n": _int(2, 50),
    "few": _int(2, 9),
    "big": _int(1000, 9_000_000),
    "ms": lambda rng: str(rng.choice([rng.randint(1, 900), rng.randint(900, 9000), rng.randint(5000, 120000)])),
    "sec": _float(0.2, 300.0, 1),
    "min": _int(2, 90),
    "pct": _int(70, 100),
    "lowpct": _int(0, 40),
    "mb": _int(64, 16384),
    "gb": _int(2, 2048),
    "kb": _int(1, 8192),
    "bytes": _int(100, 99_999_999),
    "path": _path,
    "urlpath": _urlpath,
    "url": _url,
    "method": _pick(_HTTP_METHODS),
    "pid": _int(100, 65000),
    "ts": _ts,
    "syslog_ts": _syslog_ts,
    "order": _order,
    "amount": _amount,
    "cur": _pick(_CURRENCIES),
    "sku": lambda rng: f"{rng.choice(['SKU', 'sku', 'P', 'ITEM'])}-{rng.randint(1000, 99999)}",
    "product": _pick(_PRODUCTS),
    "qty": _int(1, 12),
    "card4": _int(1000, 9999),
    "card": _pick(_CARDS),
    "paymethod": _pick(_METHODS),
    "country": _pick(_COUNTRIES),
    "city": _pick(_CITIES),
    "carrier": _pick(_CARRIERS),
    "plan": _pick(_PLANS),
    "coupon": _pick(_COUPONS),
    "svc": _pick(_SERVICES),
    "pod": _pod,
    "ns": _pick(_NAMESPACES),
    "node": lambda rng: f"{rng.choice(['node', 'worker', 'ip-10-1-2', 'gke-pool-1'])}-{rng.randint(1, 99)}",
    "topic": _pick(_TOPICS),
    "part": _int(0, 23),
    "offset": _int(1000, 99_999_999),
    "queue": _pick(_QUEUES),
    "db": _pick(_DBS),
    "table": _pick(_TABLES),
    "iface": _pick(_IFACES),
    "mac": lambda rng: ":".join(_hex(2)(rng) for _ in range(6)),
    "vlan": _int(2, 4000),
    "repo": _pick(_REPOS),
    "branch": _pick(_BRANCHES),
    "job": _pick(_JOBS),
    "build": _int(10, 9999),
    "version": _version,
    "region": _pick(_REGIONS),
    "bucket": lambda rng: f"{rng.choice(['assets', 'backups', 'logs', 'exports', 'media'])}-{rng.randint(1, 99)}",
    "days": _int(1, 30),
    "cipher": _pick(_CIPHERS),
    "tls": _pick(_TLS),
    "signal": _pick(_SIGNALS),
    "exc": _pick(_EXCEPTIONS),
    "jclass": _java_class,
    "thread": lambda rng: (
        rng.choice(["main", "http-nio-8080-exec-", "pool-3-thread-", "worker-", "kafka-producer-"])
        + str(rng.randint(1, 64))
    ),
    "level": _pick(["INFO", "WARN", "ERROR", "DEBUG", "NOTICE", "CRITICAL"]),
    "customer": lambda rng: rng.choice(["cus_", "C", "cust-", ""]) + str(rng.randint(1000, 9_999_999)),
    # Application user ids as services print them (u461083, usr_8f2a91c0, 88231).
    "uid": lambda rng: rng.choice(
        [
            f"u{rng.randint(10_000, 999_999)}",
            f"usr_{_hex(8)(rng)}",
            str(rng.randint(100, 9_999_999)),
            f"user-{rng.randint(1, 99999)}",
        ]
    ),
    "ref": lambda rng: (
        f"{rng.choice(['BK', 'RSV', 'INV', 'SUB', 'TRX', 'CLM', 'SHP', 'TKT', 'APT'])}-{rng.randint(10000, 9999999)}"
    ),
    "title": _pick(_TITLES),
}
