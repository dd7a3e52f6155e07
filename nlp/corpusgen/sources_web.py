"""Web servers, reverse proxies, caches and CDNs."""

from __future__ import annotations

import logging

from nlp.corpusgen.engine import Source

__all__ = ["SOURCES"]

logger = logging.getLogger(__name__)

_SYSLOG = "{syslog_ts} {host} {prog}[{pid}]: @msg@"

SOURCES = [
    Source(
        "nginx",
        "web server",
        {
            "security": [
                'access forbidden by rule, client: {ip}, server: {domain}, request: "{method} {urlpath} HTTP/1.1"',
                'user "{user}" was not found in "/etc/nginx/.htpasswd", client: {ip}, server: {domain}',
                'user "{user}": password mismatch, client: {ip}, server: {domain}, request: "GET /admin HTTP/1.1"',
                "SSL_do_handshake() failed (SSL: error:14094412:SSL routines:ssl3_read_bytes:sslv3 alert bad "
                "certificate) while SSL handshaking, client: {ip}",
                'no "ssl_certificate" is defined for the "listen ... ssl" directive in /etc/nginx/conf.d/default.conf',
                "client SSL certificate verify error: (10:certificate has expired) while reading client request "
                "headers, client: {ip}",
                'limiting connections by zone "perip", client: {ip}, server: {domain}',
                '{ip} - - [{ts}] "GET /wp-login.php HTTP/1.1" 403 153 "-" "python-requests/2.31"',
                '{ip} - {user} [{ts}] "{method} /admin/settings HTTP/2.0" 401 0 "-" "curl/8.4.0"',
            ],
            "performance": [
                "upstream timed out (110: Connection timed out) while reading response header from upstream, "
                'client: {ip}, server: {domain}, request: "{method} {urlpath} HTTP/1.1", upstream: "{url}"',
                "{n} worker_connections are not enough while connecting to upstream",
                "an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/{n}/{int} while "
                "reading upstream",
                'limiting requests, excess: {sec} by zone "api_limit", client: {ip}, server: {domain}',
                '{ip} - - [{ts}] "{method} {urlpath} HTTP/1.1" 504 167 "-" "Mozilla/5.0" rt={sec} uct=0.000 urt={sec}',
                '{ip} - - [{ts}] "{method} {urlpath} HTTP/1.1" 429 86 "-" "okhttp/4.12"',
                "accept4() failed (24: Too many open files)",
                "upstream server temporarily disabled while reading response header from upstream after {n} "
                "slow responses",
            ],
            "general": [
                "start worker process {pid}",
                "signal process started",
                'using the "epoll" event method',
                "nginx/{version}",
                "gracefully shutting down",
                "exiting",
                "reconfiguring",
                "the configuration file /etc/nginx/nginx.conf syntax is ok",
                'open() "/usr/share/nginx/html/favicon.ico" failed (2: No such file or directory), client: {ip}',
                "connect() failed (111: Connection refused) while connecting to upstream, client: {ip}, upstream: "
                '"http://{ip}:{port}{urlpath}"',
                '{ip} - - [{ts}] "{method} {urlpath} HTTP/1.1" 200 {bytes} "-" "Mozilla/5.0 (X11; Linux x86_64)"',
                '{ip} - - [{ts}] "GET /static/app.{short_sha}.js HTTP/2.0" 304 0 "{url}" "Mozilla/5.0"',
                "upstream prematurely closed connection while reading response header from upstream, client: {ip}",
                '{ip} - - [{ts}] "POST {urlpath} HTTP/1.1" 502 157 "-" "Go-http-client/1.1"',
            ],
        },
        ("{ts} [{level}] {pid}#0: *{int} @msg@", _SYSLOG.replace("{prog}", "nginx")),
    ),
    Source(
        "apache-httpd",
        "web server",
        {
            "security": [
                "[authz_core:error] [pid {pid}] [client {ip}:{port}] AH01630: client denied by server configuration: "
                "/var/www/html/.git/config",
                "[auth_basic:error] [pid {pid}] [client {ip}:{port}] AH01617: user {user}: authentication failure for "
                '"/private": Password Mismatch',
                "[auth_basic:error] [client {ip}] AH01618: user {user} not found: /admin",
                "[ssl:warn] AH01909: {fqdn}:443:0 server certificate does NOT include an ID which matches the server "
                "name",
                "[ssl:error] AH02032: Hostname {fqdn} provided via SNI and hostname {domain} provided via HTTP have no "
                "compatible SSL setup",
                "[security2:error] [client {ip}] ModSecurity: Access denied with code 403 (phase 2). Pattern match "
                '"union select" at ARGS:id. [id "942100"] [msg "SQL Injection Attack Detected"]',
                '{ip} - {user} [{ts}] "GET /server-status HTTP/1.1" 403 199',
            ],
            "performance": [
                "[mpm_event:error] AH00484: server reached MaxRequestWorkers setting, consider raising the "
                "MaxRequestWorkers setting",
                "[proxy_http:error] [client {ip}] (70007)The timeout specified has expired: AH01102: error reading "
                "status line from remote server {host}:{port}",
                "[core:warn] AH00045: child process {pid} still did not exit, sending a SIGTERM",
                "[mpm_prefork:error] AH00161: server reached MaxRequestWorkers setting, consider raising the setting",
                "[reqtimeout:info] [client {ip}] AH01382: Request header read timeout",
                '{ip} - - [{ts}] "GET {urlpath} HTTP/1.1" 200 {bytes} {int}us slow request',
            ],
            "general": [
                "[mpm_event:notice] [pid {pid}] AH00489: Apache/{version} (Unix) configured -- "
                "resuming normal operations",
                "[core:notice] AH00094: Command line: '/usr/sbin/httpd -D FOREGROUND'",
                "[mpm_event:notice] AH00491: caught SIGTERM, shutting down",
                "[core:error] [client {ip}] AH00126: Invalid URI in request GET /%%% HTTP/1.1",
                "[php:error] [client {ip}] PHP Fatal error:  Uncaught Error: Call to undefined function foo() in "
                "/var/www/html/index.php:{n}",
                "[core:info] AH00128: File does not exist: /var/www/html/robots.txt",
                '{ip} - - [{ts}] "GET {urlpath} HTTP/1.1" 200 {bytes} "-" "Mozilla/5.0 (Windows NT 10.0)"',
                '{ip} - - [{ts}] "GET /images/logo.png HTTP/1.1" 404 196',
                "[mpm_worker:notice] AH00292: Apache/{version} configured -- resuming normal operations",
                "[so:warn] AH01574: module rewrite_module is already loaded, skipping",
            ],
        },
        ("[{ts}] @msg@",),
    ),
    Source(
        "haproxy",
        "load balancer",
        {
            "security": [
                "{ip}:{port} [{ts}] https~ https/<NOSRV> -1/-1/-1/-1/0 403 212 - - PR-- denied by acl block_bad_bots",
                "{ip}:{port} [{ts}] fe_https/1: SSL handshake failure",
                "Proxy fe_api blocked request from {ip}: source is in deny list",
                "backend be_admin: stats page access denied for {ip} (auth required)",
            ],
            "performance": [
                "Stopping frontend fe_https in 0 ms.",
                "Server be_app/app{few} is DOWN, reason: Layer4 timeout, check duration: {ms}ms. {few} active and 0 "
                "backup servers left. {n} sessions active, 0 requeued, 0 remaining in queue.",
                "{ip}:{port} [{ts}] fe_http be_app/app{few} 0/{ms}/-1/-1/{ms} 504 194 - - sH-- {n}/{n}/{n}/{few}/0 0/0",
                "backend be_app has {n} requests waiting in queue, maxqueue reached",
                "Proxy fe_http reached process FD limit (maxsock={int}). Please check 'ulimit-n' and restart.",
                "{ip}:{port} fe_http be_app/app{few} request queued for {ms}ms (srv_queue={n}, backend_queue={n})",
                "Server be_api/api{few} is DOWN, reason: Layer7 timeout, check duration: {ms}ms",
            ],
            "general": [
                "Proxy fe_http started.",
                "Server be_app/app{few} is UP, reason: Layer7 check passed, code: 200, check duration: 2ms",
                'Server be_app/app{few} is DOWN, reason: Layer4 connection problem, info: "Connection refused"',
                "{ip}:{port} [{ts}] fe_http be_app/app{few} 0/0/1/12/13 200 {bytes} - - ---- {n}/{n}/0/0/0 0/0 "
                '"{method} {urlpath} HTTP/1.1"',
                "Loading success.",
                "backend be_app has no server available!",
                "Reexecuting Master process",
            ],
        },
        (_SYSLOG.replace("{prog}", "haproxy"),),
    ),
    Source(
        "envoy",
        "service proxy",
        {
            "security": [
                "[{ts}][{pid}][debug][rbac] enforced denied, matched policy none",
                "[{ts}][{pid}][warning][filter] ext_authz denied the request: HTTP 401 from auth service",
                "[{ts}][{pid}][debug][connection] remote address:{ip}:{port},TLS error: 268435581:SSL "
                "routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED",
                "[{ts}][{pid}][warning][config] certificate for listener https_listener expires in {days} days",
                "jwt_authn: Jwt verification fails: Jwt is expired",
            ],
            "performance": [
                "[{ts}][{pid}][debug][router] upstream request timeout after {ms}ms",
                "[{ts}][{pid}][warning][upstream] cluster {svc} circuit breaker overflow: max_pending_requests "
                "reached ({n})",
                "[{ts}][{pid}][debug][router] upstream overflow: 503 UO",
                "local rate limit exceeded for route {urlpath}, responding 429",
                "[{ts}][{pid}][info][main] watchdog miss: event loop blocked for {ms}ms",
            ],
            "general": [
                "[{ts}][{pid}][info][main] starting main dispatch loop",
                "[{ts}][{pid}][info][upstream] cds: add {n} cluster(s), remove 0 cluster(s)",
                "[{ts}][{pid}][info][upstream] lds: add/update listener 'ingress_http'",
                "[{ts}][{pid}][info][main] all clusters initialized. initializing init manager",
                "[{ts}][{pid}][warning][config] StreamAggregatedResources gRPC config stream closed: 14, "
                "upstream connect error or disconnect/reset before headers",
                "[{ts}][{pid}][info][main] shutting down server instance",
                "hot restart: draining listeners, epoch {few}",
            ],
        },
    ),
    Source(
        "traefik",
        "reverse proxy",
        {
            "security": [
                'level=error msg="Error while authenticating user" middlewareName=basic-auth@file user={user}',
                'level=warning msg="Unable to obtain ACME certificate for domains \\"{domain}\\"" providerName=le.acme',
                'level=debug msg="IPAllowLister: rejected request from {ip}" middlewareName=admin-allowlist',
                'level=info msg="Forward auth denied request" status=403 middlewareName=oauth@docker',
            ],
            "performance": [
                'level=warning msg="Request timed out" backend={url} duration={ms}ms',
                'level=debug msg="Rate limit exceeded" middlewareName=api-ratelimit@file source={ip}',
                'level=error msg="502 Bad Gateway caused by: dial tcp {ip}:{port}: i/o timeout"',
            ],
            "general": [
                'level=info msg="Configuration loaded from flags."',
                'level=info msg="Starting provider *docker.Provider"',
                'level=info msg="Server configuration reloaded on :80"',
                'level=error msg="service \\"{svc}\\" error: port is missing" providerName=docker',
                'level=info msg="I have to go..."',
                'level=info msg="Stopping server gracefully"',
            ],
        },
    ),
    Source(
        "squid",
        "forward proxy",
        {
            "security": [
                "{int}.{few}   {n} {ip} TCP_DENIED/403 3918 CONNECT {domain}:443 - HIER_NONE/- text/html",
                "{int}.{few}   {n} {ip} TCP_DENIED/407 4024 GET {url} - HIER_NONE/- text/html",
                "WARNING: user '{user}' failed proxy authentication from {ip}",
                "ERROR: negotiating TLS on FD {n}: error:14090086:SSL routines:certificate verify failed",
            ],
            "performance": [
                "WARNING: Your cache is running out of filedescriptors",
                "WARNING: All {n}/{n} ssl_crtd processes are busy.",
                "WARNING: Consider increasing the number of url_rewriter processes in your config file.",
                "{int}.{few} {ms} {ip} TCP_MISS_ABORTED/000 0 GET {url} - HIER_DIRECT/{ip} - read timeout",
            ],
            "general": [
                "Starting Squid Cache version {version} for x86_64-pc-linux-gnu...",
                "Store logging disabled",
                "Reconfiguring Squid Cache (version {version})...",
                "{int}.{few}    {n} {ip} TCP_MISS/200 {bytes} GET {url} - HIER_DIRECT/{ip} text/html",
                "Squid Cache (Version {version}): Exiting normally.",
            ],
        },
    ),
    Source(
        "varnish",
        "http cache",
        {
            "performance": [
                "Child ({pid}) not responding to CLI, killed it.",
                "backend {svc} fetch failed: first byte timeout ({sec}s)",
                "thread pool exhausted, {n} requests queued, dropping new sessions",
                "cache hit ratio dropped to {lowpct}% over the last {min} minutes",
                "LRU nuked {int} objects: storage s0 is full ({gb} GB)",
            ],
            "general": [
                "Child ({pid}) said Child starts",
                "VCL compiled and loaded as boot",
                "Backend {svc} went healthy",
                "Backend {svc} went sick",
                "ban added for url ~ ^/products/ by purge request",
            ],
            "security": [
                "purge request from {ip} refused: not in acl purgers",
                "client {ip} denied: matched vcl rule block_scanners",
            ],
        },
    ),
    Source(
        "caddy",
        "web server",
        {
            "security": [
                '{{"level":"error","logger":"tls.obtain","msg":"could not get certificate from issuer",'
                '"identifier":"{domain}","error":"HTTP 429 urn:ietf:params:acme:error:rateLimited"}}',
                '{{"level":"info","logger":"tls","msg":"certificate renewed successfully","identifier":"{domain}"}}',
                '{{"level":"warn","logger":"http.handlers.authentication","msg":"auth failed","user":"{user}",'
                '"remote_ip":"{ip}"}}',
            ],
            "performance": [
                '{{"level":"error","logger":"http.handlers.reverse_proxy","msg":"aborting with incomplete response",'
                '"error":"context deadline exceeded","duration":{sec}}}',
                '{{"level":"warn","logger":"http.log","msg":"slow request","uri":"{urlpath}","duration":{sec}}}',
            ],
            "general": [
                '{{"level":"info","msg":"using provided configuration","config_file":"/etc/caddy/Caddyfile"}}',
                '{{"level":"info","logger":"http","msg":"server running","name":"srv0","protocols":["h1","h2","h3"]}}',
                '{{"level":"info","msg":"shutting down apps, then terminating","signal":"SIGTERM"}}',
                '{{"level":"info","logger":"admin","msg":"admin endpoint started","address":"localhost:2019"}}',
            ],
        },
    ),
]
