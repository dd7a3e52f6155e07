"""Application runtimes and frameworks: JVM (Spring, Tomcat, Hibernate), Python, Node, PHP, Ruby, Go, .NET."""

from __future__ import annotations

import logging

from nlp.corpusgen.engine import Source

__all__ = ["SOURCES"]

logger = logging.getLogger(__name__)

_LOG4J = "{ts} {level} [{thread}] {jclass} - @msg@"
_SPRING = "{ts}  {level} {pid} --- [{thread}] {jclass} : @msg@"

SOURCES = [
    Source(
        "spring-boot",
        "jvm service",
        {
            "security": [
                "Failed to authenticate since password does not match stored value",
                "Access is denied (user is anonymous); redirecting to authentication entry point",
                "Invalid CSRF token found for {url}",
                "Authentication failed for user '{user}': Bad credentials",
                "JWT expired at {ts}. Current time: {ts}",
                "Pre-authenticated entry point called. Rejecting access",
                "Method security: access denied to OrderAdminController.deleteAll for principal {user}",
                "Refused connection to untrusted origin {url} (CORS)",
            ],
            "performance": [
                "HikariPool-1 - Connection is not available, request timed out after {ms}ms.",
                "HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta={sec}s).",
                "Started Application in {sec} seconds (JVM running for {sec})",
                "Resilience4j circuit breaker 'inventory' OPEN after slow call rate {pct}% exceeded threshold",
                "java.lang.OutOfMemoryError: Java heap space",
                "java.net.SocketTimeoutException: Read timed out calling {url}",
                "Request processing took {ms}ms for {method} {urlpath}",
                "Executor 'taskExecutor' rejected task: queue capacity {int} reached",
                "org.springframework.dao.QueryTimeoutException: PreparedStatementCallback; SQL timeout",
            ],
            "general": [
                "Starting Application using Java 21.0.{few} with PID {pid}",
                "Tomcat initialized with port 8080 (http)",
                'No active profile set, falling back to 1 default profile: "default"',
                "Initializing Spring DispatcherServlet 'dispatcherServlet'",
                "Bean 'orderRepository' of type [{jclass}] is not eligible for getting processed by all "
                "BeanPostProcessors",
                "Exposing {n} endpoint(s) beneath base path '/actuator'",
                "Application run failed: {exc}: Could not resolve placeholder 'db.url'",
                "Shutdown initiated...",
                "Graceful shutdown complete",
                "Resolved [org.springframework.web.HttpMediaTypeNotSupportedException: Content type 'text/plain' not "
                "supported]",
                "Servlet.service() for servlet [dispatcherServlet] threw exception: {exc}",
                "Caused by: java.net.ConnectException: Connection refused",
                "Scheduled task 'refreshCatalog' executed",
            ],
        },
        (_SPRING,),
    ),
    Source(
        "tomcat",
        "jvm server",
        {
            "security": [
                "Invalid character found in the request target. The valid characters are defined in RFC 7230 and RFC "
                "3986 (possible path traversal)",
                "Login to Manager application failed for user '{user}' from {ip}",
                "SSLHostConfig [_default_]: certificate keystore password is incorrect",
            ],
            "performance": [
                "The web application [ROOT] appears to have started a thread named [{thread}] but has failed to "
                "stop it. This is very likely to create a memory leak.",
                "All threads (200) are currently busy, waiting. Increase maxThreads (200) or check the servlet status",
                "Server startup in [{ms}] milliseconds",
                'Exception in thread "http-nio-8080-exec-{n}" java.lang.OutOfMemoryError: GC overhead limit exceeded',
            ],
            "general": [
                "Starting Servlet engine: [Apache Tomcat/10.1.{n}]",
                "Deploying web application archive [/opt/tomcat/webapps/{svc}.war]",
                'Pausing ProtocolHandler ["http-nio-8080"]',
                "Stopping service [Catalina]",
                "Error parsing HTTP request header",
                "At least one JAR was scanned for TLDs yet contained no TLDs.",
            ],
        },
        ("{syslog_ts} org.apache.catalina.startup.Catalina {level}: @msg@",),
    ),
    Source(
        "jvm-gc-hibernate",
        "jvm runtime",
        {
            "performance": [
                "[gc] GC({int}) Pause Young (Normal) (G1 Evacuation Pause) {mb}M->{mb}M({mb}M) {ms}.{few}ms",
                "[gc] GC({int}) Pause Full (Allocation Failure) {mb}M->{mb}M({mb}M) {sec}s",
                '[safepoint] Safepoint "G1CollectForAllocation", Time since last: {int} ns, Total: {ms} ms',
                "HHH000104: firstResult/maxResults specified with collection fetch; applying in memory!",
                "Slow query ({ms}ms): select o1_0.id from orders o1_0 where o1_0.customer_id=?",
                "Metaspace usage {pct}% of MaxMetaspaceSize",
                "Hibernate session opened {int} JDBC statements in {ms} ms (N+1 suspected)",
            ],
            "general": [
                "HHH000412: Hibernate ORM core version 6.4.{few}.Final",
                "HHH000204: Processing PersistenceUnitInfo [name: default]",
                "HHH015007: Illegal argument on static metamodel field injection",
                "[gc,init] Heap Region Size: 1M",
                "[gc,init] Using G1",
                "HHH000100: Fail-safe cleanup (collections)",
                'Exception in thread "main" java.lang.ClassNotFoundException: {jclass}',
                "at {jclass}.handle({svc}.java:{n})",
            ],
        },
        (_LOG4J,),
    ),
    Source(
        "django-gunicorn",
        "python web",
        {
            "security": [
                "Forbidden (CSRF cookie not set.): {urlpath}",
                "Invalid HTTP_HOST header: '{ip}'. You may need to add '{ip}' to ALLOWED_HOSTS.",
                "Login failed for user '{user}' from {ip}",
                "Permission denied: user {user} lacks 'orders.change_order'",
                "SuspiciousFileOperation: Detected path traversal attempt in '../../etc/passwd'",
            ],
            "performance": [
                "[CRITICAL] WORKER TIMEOUT (pid:{pid})",
                "Worker (pid:{pid}) was sent SIGKILL! Perhaps out of memory?",
                "(0.{n}) SELECT ... took {ms}ms; args=({n},) [slow]",
                "Request {method} {urlpath} took {sec}s (threshold 1s)",
            ],
            "general": [
                "[INFO] Starting gunicorn {version}",
                "[INFO] Listening at: http://0.0.0.0:8000 ({pid})",
                "[INFO] Booting worker with pid: {pid}",
                "[INFO] Handling signal: term",
                "Internal Server Error: {urlpath}",
                "Traceback (most recent call last): {exc}: 'NoneType' object has no attribute 'id'",
                "Applying {svc}.0042_auto_migration... OK",
                "Not Found: {urlpath}",
                '"{method} {urlpath} HTTP/1.1" 200 {bytes}',
            ],
        },
        ("[{ts}] [{pid}] @msg@",),
    ),
    Source(
        "node-express",
        "node web",
        {
            "security": [
                "UnauthorizedError: jwt malformed",
                "Blocked request from {ip}: helmet CSP violation report for inline script",
                "Passport: authentication failed for '{email}' (local strategy)",
                "Rejected webhook: HMAC signature mismatch",
                "npm audit: {few} high severity vulnerabilities found",
            ],
            "performance": [
                "Event loop lag {ms}ms exceeds threshold",
                "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
                "{method} {urlpath} {ms}ms (slow response)",
                "Error: ETIMEDOUT connecting to {ip}:{port}",
                "MaxListenersExceededWarning: Possible EventEmitter memory leak detected.",
            ],
            "general": [
                "Server listening on port {port}",
                "Connected to MongoDB at {host}",
                "{method} {urlpath} 200 - - {ms} ms",
                "UnhandledPromiseRejectionWarning: TypeError: Cannot read properties of undefined (reading 'map')",
                "Error: connect ECONNREFUSED {ip}:{port}",
                "Received SIGTERM, closing HTTP server",
                "DeprecationWarning: Buffer() is deprecated due to security and usability issues.",
            ],
        },
        ('{{"level":30,"time":{big},"pid":{pid},"hostname":"{host}","msg":"@msg@"}}',),
    ),
    Source(
        "php-fpm-laravel",
        "php web",
        {
            "security": [
                "production.WARNING: Failed login attempt for {email} from {ip}",
                "Illuminate\\Auth\\Access\\AuthorizationException: This action is unauthorized.",
                "TokenMismatchException: CSRF token mismatch.",
                "Possible SQL injection blocked in parameter 'id' from {ip}",
            ],
            "performance": [
                "WARNING: [pool www] server reached pm.max_children setting ({n}), consider raising it",
                "WARNING: [pool www] child {pid}, script '/var/www/index.php' executing too slow ({sec} sec), logging",
                "PHP Fatal error:  Allowed memory size of 134217728 bytes exhausted (tried to allocate {int} bytes)",
                "PHP Fatal error:  Maximum execution time of 30 seconds exceeded",
            ],
            "general": [
                "NOTICE: fpm is running, pid {pid}",
                "NOTICE: ready to handle connections",
                "NOTICE: Terminating ...",
                'production.ERROR: Undefined variable $order {{"exception":"[object] (ErrorException(code: 0)"}}',
                "PHP Warning:  include(config.php): Failed to open stream: No such file or directory",
                "Queue worker started for connection redis",
            ],
        },
    ),
    Source(
        "celery-workers",
        "task queue",
        {
            "security": ["Refusing to deserialize untrusted content of type pickle (application/x-python-serialize)"],
            "performance": [
                "Task {svc}.tasks.sync[{uuid}] succeeded in {sec}s: None",
                "Hard time limit (300s) exceeded for {svc}.tasks.export[{uuid}]",
                "Soft time limit exceeded for {svc}.tasks.thumbnail[{uuid}]",
                "Worker {host} is overloaded: {n} tasks reserved, prefetch limit reached",
                "Queue {queue} backlog growing: {int} messages",
            ],
            "general": [
                "Connected to redis://{host}:6379/0",
                "celery@{host} ready.",
                "Task {svc}.tasks.send_receipt[{uuid}] received",
                "Task {svc}.tasks.cleanup[{uuid}] raised unexpected: {exc}('missing key')",
                "Retry in 60s: ConnectionError('Error 111 connecting to {host}:6379. Connection refused.')",
                "beat: Starting...",
                "Scheduler: Sending due task nightly-report ({svc}.tasks.report)",
            ],
        },
        ("[{ts}: {level}/MainProcess] @msg@",),
    ),
    Source(
        "rails-puma",
        "ruby web",
        {
            "security": [
                "Can't verify CSRF token authenticity.",
                "Filter chain halted as :authenticate_user! rendered or redirected",
                "Devise: Unlock instructions sent to {email} after {n} failed attempts",
                "Rack::Attack blocked {ip} (blocklist: bad-actors)",
            ],
            "performance": [
                "Completed 200 OK in {ms}ms (Views: {ms}.{few}ms | ActiveRecord: {ms}.{few}ms | Allocations: {int})",
                "Rack::Timeout::RequestTimeoutException: Request ran for longer than 15000ms",
                "Puma: thread pool exhausted, {n} requests backlogged",
                "Rack::Attack throttled {ip} (throttle: req/ip)",
            ],
            "general": [
                'Started {method} "{urlpath}" for {ip} at {ts}',
                "Processing by OrdersController#show as HTML",
                "* Listening on http://0.0.0.0:3000",
                'ActionController::RoutingError (No route matches [GET] "{urlpath}")',
                "ActiveRecord::RecordNotFound (Couldn't find Order with 'id'={int})",
                "- Gracefully stopping, waiting for requests to finish",
            ],
        },
    ),
    Source(
        "go-grpc-service",
        "go service",
        {
            "security": [
                "rpc error: code = Unauthenticated desc = invalid token",
                "rpc error: code = PermissionDenied desc = caller {svc} not allowed to call /{svc}.v1.Admin/Delete",
                "http: TLS handshake error from {ip}:{port}: tls: client offered only unsupported versions",
                "auth: API key for tenant {hex} rotated",
            ],
            "performance": [
                "rpc error: code = DeadlineExceeded desc = context deadline exceeded",
                "rpc error: code = ResourceExhausted desc = grpc: received message larger than max ({int} vs. {int})",
                "goroutine count {int} exceeds alert threshold",
                "handled /{svc}.v1.{svc}/Get in {ms}ms",
                "rate limiter: rejected {n} requests for tenant {hex}",
            ],
            "general": [
                "starting gRPC server on :{port}",
                "rpc error: code = NotFound desc = order {order} not found",
                "rpc error: code = Unavailable desc = connection error: dial tcp {ip}:{port}: connect: connection "
                "refused",
                "panic: runtime error: invalid memory address or nil pointer dereference",
                "graceful stop requested, draining connections",
                "config loaded from /etc/{svc}/config.yaml",
            ],
        },
        ('level=info ts={ts} caller={svc}.go:{n} msg="@msg@"',),
    ),
    Source(
        "dotnet-iis",
        ".net web",
        {
            "security": [
                "Microsoft.AspNetCore.Authentication.JwtBearer: Bearer was not authenticated. Failure message: "
                "IDX10223: Lifetime validation failed. The token is expired.",
                "Authorization failed. These requirements were not met: DenyAnonymousAuthorizationRequirement",
                "{ip} {method} {urlpath} - 443 - {ip} Mozilla/5.0 - 401 2 5 {ms}",
            ],
            "performance": [
                "Microsoft.EntityFrameworkCore.Database.Command: Executed DbCommand ({ms}ms) [Parameters=[@p0='?']]",
                "Request finished HTTP/1.1 {method} {urlpath} - 200 - application/json {ms}ms",
                "Application pool 'DefaultAppPool' is being recycled because it reached its private bytes memory limit",
            ],
            "general": [
                "Now listening on: http://[::]:5000",
                "Application started. Press Ctrl+C to shut down.",
                "Hosting environment: Production",
                "An unhandled exception has occurred while executing the request. System.InvalidOperationException: "
                "Sequence contains no elements",
                "Application is shutting down...",
            ],
        },
    ),
]
