"""Databases, caches, search engines and message brokers."""

from __future__ import annotations

import logging

from nlp.corpusgen.engine import Source

__all__ = ["SOURCES"]

logger = logging.getLogger(__name__)

SOURCES = [
    Source(
        "postgresql",
        "database",
        {
            "security": [
                'FATAL:  password authentication failed for user "{user}"',
                'FATAL:  no pg_hba.conf entry for host "{ip}", user "{user}", database "{db}", SSL off',
                "ERROR:  permission denied for table {table}",
                'FATAL:  role "{user}" does not exist',
                "LOG:  connection authorized: user={user} database={db} SSL enabled (protocol=TLSv1.3, cipher="
                "TLS_AES_256_GCM_SHA384, bits=256)",
                "ERROR:  must be superuser to alter replication roles",
                'AUDIT: SESSION,{n},1,ROLE,GRANT ROLE,,,"GRANT admin TO {user}"',
                'FATAL:  could not load server certificate file "server.crt": No such file or directory',
            ],
            "performance": [
                "LOG:  duration: {ms}.{few} ms  statement: SELECT * FROM {table} WHERE customer_id = $1",
                "LOG:  checkpoints are occurring too frequently ({n} seconds apart)",
                'HINT:  Consider increasing the configuration parameter "max_wal_size".',
                "ERROR:  canceling statement due to statement timeout",
                "ERROR:  canceling statement due to lock timeout",
                "FATAL:  sorry, too many clients already",
                "FATAL:  remaining connection slots are reserved for non-replication superuser connections",
                'LOG:  automatic vacuum of table "{db}.public.{table}": index scans: 1 ... elapsed: {sec} s',
                'LOG:  temporary file: path "base/pgsql_tmp/pgsql_tmp{pid}.0", size {bytes}',
                'ERROR:  could not extend file "base/16384/{int}": No space left on device',
                "WARNING:  replication lag on standby {host} is {sec} seconds",
            ],
            "general": [
                "LOG:  database system is ready to accept connections",
                "LOG:  database system was shut down at {ts}",
                "LOG:  received fast shutdown request",
                "LOG:  checkpoint starting: time",
                'LOG:  listening on IPv4 address "0.0.0.0", port 5432',
                'ERROR:  relation "{table}_archive" does not exist at character {n}',
                'ERROR:  duplicate key value violates unique constraint "{table}_pkey"',
                'ERROR:  syntax error at or near "FROM" at character {n}',
                "LOG:  started streaming WAL from primary at 0/{hex} on timeline 1",
                "ERROR:  deadlock detected",
                'LOG:  parameter "work_mem" changed to "64MB"',
                "LOG:  could not receive data from client: Connection reset by peer",
            ],
        },
        ("{ts} UTC [{pid}] @msg@", "{ts} [{pid}] {user}@{db} @msg@"),
    ),
    Source(
        "mysql",
        "database",
        {
            "security": [
                "[Note] Access denied for user '{user}'@'{ip}' (using password: YES)",
                "[ERROR] [MY-011300] [Server] Plugin caching_sha2_password reported: 'Authentication requires secure "
                "connection.'",
                "[Warning] [MY-013360] [Server] Plugin sha256_password reported: 'sha256_password' is deprecated",
                "Aborted connection {int} to db: '{db}' user: '{user}' host: '{ip}' (Got an error reading "
                "communication packets) after failed login",
                "GRANT SELECT, INSERT ON {db}.* TO '{user}'@'%' executed by root@localhost",
            ],
            "performance": [
                "# Query_time: {sec}  Lock_time: 0.000{few}  Rows_sent: {n}  Rows_examined: {big}",
                "[Warning] InnoDB: A long semaphore wait: --Thread {int} has waited at btr0sea.ic line {n} for {n} "
                "seconds the semaphore",
                "[ERROR] Too many connections",
                "Lock wait timeout exceeded; try restarting transaction",
                "[Warning] InnoDB: Difficult to find free blocks in the buffer pool ({n} search iterations)!",
                "[Warning] Slave SQL: replication is {int} seconds behind master",
                "[ERROR] InnoDB: Write to file ./ibtmp1 failed at offset {big}, {int} bytes should have been written, "
                "only 0 were written. Disk is full",
            ],
            "general": [
                "[System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '8.0.{n}'",
                "[Note] InnoDB: Buffer pool(s) load completed at {ts}",
                "[System] [MY-010910] [Server] /usr/sbin/mysqld: Shutdown complete",
                "[ERROR] [MY-012592] [InnoDB] Operating system error number 2 in a file operation.",
                "[Note] Event Scheduler: Loaded 0 events",
                "[Note] Slave I/O thread: connected to master 'repl@{host}:3306',replication started in log "
                "'mysql-bin.{int}'",
                "[Warning] Table '{db}.{table}' is marked as crashed and should be repaired",
                "[Note] InnoDB: Starting crash recovery.",
                "[Warning] [MY-010055] [Server] IP address '{ip}' could not be resolved: Name or service not known",
            ],
        },
        ("{ts} {int} @msg@",),
    ),
    Source(
        "mongodb",
        "database",
        {
            "security": [
                '{{"t":{{"$date":"{ts}"}},"s":"I","c":"ACCESS","msg":"Authentication failed","attr":{{"mechanism":'
                '"SCRAM-SHA-256","principalName":"{user}","authenticationDatabase":"admin","remote":"{ip}:{port}"}}}}',
                '{{"s":"I","c":"ACCESS","msg":"Successfully authenticated","attr":{{"user":"{user}","db":"admin"}}}}',
                'command {db}.{table} unauthorized: not authorized on {db} to execute command {{ find: "{table}" }}',
                '{{"s":"W","c":"NETWORK","msg":"SSL peer certificate validation failed","attr":{{"reason":'
                '"certificate has expired"}}}}',
            ],
            "performance": [
                '{{"s":"I","c":"COMMAND","msg":"Slow query","attr":{{"ns":"{db}.{table}","durationMillis":{ms},'
                '"planSummary":"COLLSCAN","docsExamined":{big}}}}}',
                "WiredTiger cache is {pct}% full, application threads are doing eviction",
                "Operation exceeded time limit: MaxTimeMSExpired",
                "connection pool for {host}:27017 exhausted, {n} waiters queued",
                "replication lag for member {host}:27017 is {sec} secs",
            ],
            "general": [
                '{{"s":"I","c":"NETWORK","msg":"Waiting for connections","attr":{{"port":27017,"ssl":"off"}}}}',
                '{{"s":"I","c":"REPL","msg":"Transition to primary complete; database writes are now permitted"}}',
                '{{"s":"I","c":"STORAGE","msg":"createCollection","attr":{{"namespace":"{db}.{table}"}}}}',
                '{{"s":"I","c":"NETWORK","msg":"Connection ended","attr":{{"remote":"{ip}:{port}","connectionCount":'
                "{n}}}}}",
                '{{"s":"I","c":"CONTROL","msg":"Shutting down","attr":{{"exitCode":0}}}}',
                "Index build: done building index {table}_idx on ns {db}.{table}",
                "E11000 duplicate key error collection: {db}.{table} index: _id_ dup key",
            ],
        },
    ),
    Source(
        "redis",
        "cache",
        {
            "security": [
                "-NOAUTH Authentication required. client addr={ip}:{port}",
                "AUTH failed: WRONGPASS invalid username-password pair or user is disabled. user={user}",
                "Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Redis.",
                "ACL LOG: user {user} denied command CONFIG from {ip}: no permissions",
            ],
            "performance": [
                "WARNING: 32 bit instance detected but no memory limit set. Setting 3 GB maxmemory limit",
                "OOM command not allowed when used memory > 'maxmemory'.",
                "Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting",
                "Client id={int} addr={ip}:{port} scheduled to be closed ASAP for overcoming of output buffer limits.",
                "latency monitor: event 'command' took {ms} ms",
                "WARNING overcommit_memory is set to 0! Background save may fail under low memory condition.",
                "evicted {int} keys in the last second (maxmemory-policy allkeys-lru)",
            ],
            "general": [
                "Server initialized",
                "Ready to accept connections tcp",
                "Background saving started by pid {pid}",
                "DB saved on disk",
                "{n} changes in 300 seconds. Saving...",
                "MASTER <-> REPLICA sync: Finished with success",
                "Connecting to MASTER {ip}:6379",
                "Received SIGTERM scheduling shutdown...",
                "Redis is now ready to exit, bye bye...",
                "Cluster state changed: ok",
            ],
        },
        ("{pid}:M {syslog_ts}.{n} * @msg@",),
    ),
    Source(
        "elasticsearch",
        "search engine",
        {
            "security": [
                "[o.e.x.s.a.AuthenticationService] [{host}] Authentication of [{user}] was terminated by realm "
                "[reserved] - failed to authenticate user [{user}]",
                "[o.e.x.s.a.l.LoggingAuditTrail] [{host}] action=[indices:data/read/search] access_denied "
                "user=[{user}] roles=[viewer] indices=[{table}]",
                "[o.e.x.s.t.n.SecurityNetty4HttpServerTransport] [{host}] http client did not trust this server's "
                "certificate, closing connection",
                "[o.e.x.s.a.ApiKeyService] [{host}] API key [{hex}] has expired",
            ],
            "performance": [
                "[o.e.i.s.QueryPhase] [{host}] [{table}][{few}] took[{sec}s], took_millis[{ms}], search slowlog",
                "[o.e.c.r.a.DiskThresholdMonitor] [{host}] high disk watermark [90%] exceeded on [{hex}][{host}], "
                "shards will be relocated away from this node",
                "[o.e.m.j.JvmGcMonitorService] [{host}] [gc][{int}] overhead, spent [{sec}s] collecting in the last "
                "[{sec}s]",
                "[o.e.c.b.HierarchyCircuitBreakerService] [{host}] [parent] Data too large, data for [<http_request>] "
                "would be [{big}/{gb}gb], which is larger than the limit",
                "rejected execution of coordinating operation: write thread pool queue is full (queue capacity 10000)",
                "[o.e.i.e.Engine] [{host}] now throttling indexing: numMergesInFlight={n}, maxNumMerges={few}",
            ],
            "general": [
                "[o.e.n.Node] [{host}] started",
                "[o.e.c.s.MasterService] [{host}] elected-as-master ([{few}] nodes joined)",
                "[o.e.c.m.MetadataCreateIndexService] [{host}] [{table}-2024.05] creating index, cause [auto(bulk "
                "api)]",
                "[o.e.c.r.a.AllocationService] [{host}] Cluster health status changed from [YELLOW] to [GREEN]",
                "[o.e.g.GatewayService] [{host}] recovered [{n}] indices into cluster_state",
                "[o.e.c.m.MetadataMappingService] [{host}] [{table}] update_mapping [_doc]",
                "[o.e.n.Node] [{host}] stopping ...",
            ],
        },
        ("[{ts}][{level}]@msg@",),
    ),
    Source(
        "cassandra",
        "database",
        {
            "security": [
                "Failed login attempt for user {user} from /{ip}",
                "User {user} does not have sufficient privileges to perform the requested operation",
                "Unable to initialise client encryption: keystore password was incorrect",
            ],
            "performance": [
                "GCInspector.java:{n} - G1 Young Generation GC in {ms}ms.  G1 Eden Space: {big} -> 0",
                "Read {n} live rows and {int} tombstone cells for query SELECT * FROM {db}.{table} (see "
                "tombstone_warn_threshold)",
                "Timed out waiting for {few} replicas, only 1 responded (ReadTimeoutException)",
                "Dropped {int} MUTATION messages in the last 5000ms: internal timeout",
                "Compaction of {table} is behind: {n} pending tasks",
            ],
            "general": [
                "Node /{ip} state jump to NORMAL",
                "Starting listening for CQL clients on /0.0.0.0:9042",
                "Handshaking version with /{ip}",
                "InetAddress /{ip} is now DOWN",
                "Completed flushing /var/lib/cassandra/data/{db}/{table}/nb-{n}-big-Data.db",
                "Schema version changed to {uuid}",
            ],
        },
    ),
    Source(
        "sqlserver",
        "database",
        {
            "security": [
                "Login failed for user '{user}'. Reason: Password did not match that for the login provided. "
                "[CLIENT: {ip}]",
                "Login failed for user 'sa'. Reason: An attempt to login using SQL authentication failed.",
                "The SELECT permission was denied on the object '{table}', database '{db}', schema 'dbo'.",
                "Audit event: SERVER_ROLE_MEMBER_CHANGE_GROUP, sysadmin granted to {user}",
            ],
            "performance": [
                "BACKUP DATABASE successfully processed {int} pages in {sec} seconds.",
                "SQL Server has encountered {n} occurrence(s) of I/O requests taking longer than 15 seconds to "
                "complete",
                "A significant part of sql server process memory has been paged out. This may result in a performance "
                "degradation.",
                "Autogrow of file '{db}_log' in database '{db}' took {ms} milliseconds.",
                "Transaction (Process ID {n}) was deadlocked on lock resources and has been chosen as the victim, "
                "after waiting {sec} seconds",
            ],
            "general": [
                "Starting up database '{db}'.",
                "SQL Server is now ready for client connections.",
                "Recovery is complete. This is an informational message only.",
                "Database mirroring is active with database '{db}' as the principal copy.",
            ],
        },
    ),
    Source(
        "kafka",
        "message broker",
        {
            "security": [
                "[SocketServer listenerType=ZK_BROKER, nodeId={few}] Failed authentication with /{ip} (channelId="
                "{ip}:9093-{ip}:{port}-{n}) (Authentication failed: Invalid username or password)",
                "Principal = User:{user} is Denied Operation = Write from host = {ip} on resource = Topic:LITERAL:"
                "{topic} for request = Produce",
                "[SslFactory] Validated new keystore: certificate CN={fqdn} expires in {days} days",
                "Failed to process SASL handshake: unsupported mechanism PLAIN requested by client {ip}",
            ],
            "performance": [
                "[ReplicaFetcher replicaId={few}, leaderId={few}, fetcherId=0] Error sending fetch request: "
                "java.net.SocketTimeoutException: Failed to connect within {ms} ms",
                "[Consumer clientId=consumer-{svc}-1, groupId={svc}] consumer lag on {topic}-{part} is {big} messages",
                "[Producer clientId=producer-1] Expiring {n} record(s) for {topic}-{part}: {ms} ms has passed since "
                "batch creation",
                "[Log partition={topic}-{part}] Throttling replication: quota exceeded ({int} bytes/sec)",
                "Member consumer-{n} sending LeaveGroup request to coordinator due to consumer poll timeout has "
                "expired.",
                "[QuotaManager] Throttled fetch request from client {svc}-reader for {ms} ms",
                "Request processing is slow: ProduceRequest took {ms} ms (RequestQueueTimeMs={ms})",
            ],
            "general": [
                "[KafkaServer id={few}] started",
                "[GroupCoordinator {few}]: Preparing to rebalance group {svc} in state PreparingRebalance with old "
                "generation {n}",
                "[Partition {topic}-{part} broker={few}] ISR updated to {few},{few}",
                "[Controller id={few}] New leader for partition {topic}-{part} is {few}",
                "[Log partition={topic}-{part}] Rolled new log segment at offset {offset}",
                "[Consumer clientId=consumer-{svc}-1, groupId={svc}] Subscribed to topic(s): {topic}",
                "[Admin] Created topic {topic} with {n} partitions and replication factor 3",
                "Connection to node {few} ({host}/{ip}:9092) could not be established. Broker may not be available.",
                "[KafkaServer id={few}] shutting down",
            ],
        },
        ("[{ts}] {level} @msg@ (kafka.server.KafkaServer)",),
    ),
    Source(
        "rabbitmq",
        "message broker",
        {
            "security": [
                "HTTP access denied: user '{user}' - invalid credentials",
                "closing AMQP connection <0.{int}.0> ({ip}:{port} -> {ip}:5672): {{handshake_error,starting,0,"
                "{{amqp_error,access_refused,\"PLAIN login refused: user '{user}' - invalid credentials\"}}}}",
                "access to vhost '/' refused for user '{user}'",
                "connection <0.{int}.0> ({ip}:{port} -> {ip}:5672): user '{user}' authenticated and granted access "
                "to vhost '/'",
                "TLS server: In state certify at ssl_handshake.erl:{n} generated SERVER ALERT: Fatal - Unknown CA",
            ],
            "performance": [
                "memory resource limit alarm set on node rabbit@{host}. Publishers will be blocked until this alarm "
                "clears",
                "disk resource limit alarm set on node rabbit@{host}. Free disk space is below 50MB",
                "queue '{queue}' in vhost '/': {big} messages ready, consumers cannot keep up",
                "connection <0.{int}.0> is blocked by flow control: publish rate exceeds consumer rate",
                "missed heartbeats from client, timeout: 60s",
            ],
            "general": [
                "Server startup complete; {n} plugins started.",
                "accepting AMQP connection <0.{int}.0> ({ip}:{port} -> {ip}:5672)",
                "Mirrored queue '{queue}' in vhost '/': Adding mirror on node rabbit@{host}",
                "node rabbit@{host} down: connection_closed",
                "Stopping RabbitMQ applications and their dependencies in the following order",
            ],
        },
        ("{ts} [{level}] <0.{int}.0> @msg@",),
    ),
    Source(
        "nats",
        "message broker",
        {
            "security": [
                '[ERR] {ip}:{port} - cid:{n} - authentication error - User "{user}"',
                "[ERR] {ip}:{port} - cid:{n} - TLS handshake error: remote error: tls: bad certificate",
                '[WRN] {ip}:{port} - cid:{n} - Publish Violation - User "{user}", Subject "admin.>"',
            ],
            "performance": [
                "[WRN] {ip}:{port} - cid:{n} - Slow Consumer Detected: WriteDeadline of 10s exceeded",
                "[WRN] JetStream resource limits exceeded for account: maximum storage reached",
                "[WRN] {ip}:{port} - rid:{n} - Readloop processing time: {sec}s",
            ],
            "general": [
                "[INF] Starting nats-server version {version}",
                "[INF] Listening for client connections on 0.0.0.0:4222",
                "[INF] Server is ready",
                "[INF] {ip}:{port} - rid:{n} - Route connection created",
                "[INF] JetStream cluster new stream leader for '$G > ORDERS'",
            ],
        },
    ),
    Source(
        "mosquitto",
        "mqtt broker",
        {
            "security": [
                "Client {hex} disconnected, not authorised.",
                "Denied PUBLISH from {hex} (d0, q1, r0, m{n}, 'devices/{n}/cmd', ... ({few} bytes))",
                "OpenSSL Error[0]: error:1417C086:SSL routines:tls_process_client_certificate:certificate verify "
                "failed",
            ],
            "performance": [
                "Outgoing messages are being dropped for client {hex}: max_queued_messages reached",
                "Client {hex} has exceeded timeout, disconnecting.",
            ],
            "general": [
                "mosquitto version {version} starting",
                "Opening ipv4 listen socket on port 1883.",
                "New client connected from {ip}:{port} as {hex} (p2, c1, k60).",
                "Saving in-memory database to /var/lib/mosquitto/mosquitto.db.",
            ],
        },
    ),
]
