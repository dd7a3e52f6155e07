"""Authentication, identity and access-control software."""

from __future__ import annotations

import logging

from nlp.corpusgen.engine import Source

__all__ = ["SOURCES"]

logger = logging.getLogger(__name__)

SOURCES = [
    Source(
        "sshd",
        "remote access",
        {
            "security": [
                "Failed password for {user} from {ip} port {port} ssh2",
                "Failed password for invalid user {user} from {ip} port {port} ssh2",
                "Invalid user {user} from {ip} port {port}",
                "Accepted publickey for {user} from {ip} port {port} ssh2: RSA SHA256:{hex}",
                "Accepted password for {user} from {ip} port {port} ssh2",
                "Connection closed by authenticating user {user} {ip} port {port} [preauth]",
                "error: maximum authentication attempts exceeded for {user} from {ip} port {port} ssh2 [preauth]",
                "Disconnecting invalid user {user} {ip} port {port}: Too many authentication failures [preauth]",
                "User {user} from {ip} not allowed because not listed in AllowUsers",
                "ROOT LOGIN REFUSED FROM {ip} port {port}",
                "reverse mapping checking getaddrinfo for {fqdn} [{ip}] failed - POSSIBLE BREAK-IN ATTEMPT!",
                "Unable to negotiate with {ip} port {port}: no matching key exchange method found. Their offer: "
                "diffie-hellman-group1-sha1 [preauth]",
                "Did not receive identification string from {ip} port {port}",
                "Received disconnect from {ip} port {port}:11: Bye Bye [preauth]",
                "pam_unix(sshd:session): session opened for user {user}(uid={int}) by (uid=0)",
                "Postponed keyboard-interactive for invalid user {user} from {ip} port {port} ssh2",
                "error: kex_exchange_identification: Connection closed by remote host",
            ],
            "performance": [
                "Timeout, client not responding from {ip} port {port}",
                "fatal: Timeout before authentication for {ip} port {port}",
                "error: beginning MaxStartups throttling",
                "drop connection #{n} from [{ip}]:{port} on [{ip}]:22 past MaxStartups",
            ],
            "general": [
                "Server listening on 0.0.0.0 port 22.",
                "Server listening on :: port 22.",
                "Received signal 15; terminating.",
                "Received SIGHUP; restarting.",
                "error: Bind to port 22 on 0.0.0.0 failed: Address already in use.",
                "Starting session: shell on pts/{few} for {user} from {ip} port {port} id 0",
                "Read error from remote host {ip} port {port}: Connection reset by peer",
                "subsystem request for sftp by user {user}",
            ],
        },
        ("{syslog_ts} {host} sshd[{pid}]: @msg@",),
    ),
    Source(
        "sudo",
        "privilege escalation",
        {
            "security": [
                "{user} : TTY=pts/{few} ; PWD=/home/{user} ; USER=root ; COMMAND=/usr/bin/systemctl restart {svc}",
                "{user} : user NOT in sudoers ; TTY=pts/{few} ; PWD=/home/{user} ; USER=root ; COMMAND=/bin/bash",
                "{user} : {few} incorrect password attempts ; TTY=pts/{few} ; PWD=/root ; USER=root ; COMMAND=/bin/su",
                "pam_unix(sudo:session): session opened for user root(uid=0) by {user}(uid={int})",
                "pam_unix(sudo:auth): authentication failure; logname={user} uid={int} euid=0 tty=/dev/pts/{few} "
                "ruser={user} rhost=  user={user}",
                "{user} : command not allowed ; TTY=pts/{few} ; PWD=/tmp ; USER=root ; COMMAND=/usr/bin/passwd root",
            ],
            "general": [
                "sudo: unable to resolve host {host}: Name or service not known",
            ],
        },
        ("{syslog_ts} {host} sudo[{pid}]: @msg@",),
    ),
    Source(
        "linux-pam",
        "auth library",
        {
            "security": [
                "pam_unix(login:auth): authentication failure; logname=LOGIN uid=0 euid=0 tty=tty{few} ruser= rhost= "
                "user={user}",
                "pam_unix(su:auth): authentication failure; logname={user} uid={int} euid=0 tty=pts/{few} ruser={user} "
                "rhost=  user=root",
                "pam_faillock(sshd:auth): Consecutive login failures for user {user} account temporarily locked",
                "FAILED SU (to root) {user} on pts/{few}",
                "Successful su for root by {user}",
                "pam_tally2(sshd:auth): user {user} ({int}) tally {n}, deny 5",
                "pam_unix(passwd:chauthtok): password changed for {user}",
                "new user: name={user}, UID={int}, GID={int}, home=/home/{user}, shell=/bin/bash",
                "add '{user}' to group 'wheel'",
                "delete user '{user}'",
                "changed password expiry for {user}",
                "pam_sss(sshd:auth): received for user {user}: 7 (Authentication failure)",
            ],
            "performance": [
                "pam_systemd(login:session): Failed to create session: Connection timed out",
            ],
            "general": [
                "PAM unable to dlopen(/lib/security/pam_fprintd.so): cannot open shared object file",
                "pam_env(cron:session): Unable to open env file: /etc/default/locale: No such file or directory",
            ],
        },
        ("{syslog_ts} {host} {svc}[{pid}]: @msg@",),
    ),
    Source(
        "keycloak",
        "identity provider",
        {
            "security": [
                "type=LOGIN_ERROR, realmId=shop, clientId=web-app, userId=null, ipAddress={ip}, error=user_not_found, "
                "username={user}",
                "type=LOGIN, realmId=shop, clientId=web-app, userId={uuid}, ipAddress={ip}, auth_method=openid-connect",
                "type=LOGIN_ERROR, realmId=master, clientId=security-admin-console, ipAddress={ip}, "
                "error=invalid_user_credentials",
                "type=UPDATE_PASSWORD, realmId=shop, userId={uuid}, ipAddress={ip}",
                "type=REFRESH_TOKEN_ERROR, realmId=shop, clientId=mobile, error=invalid_token, reason=Token is not "
                "active",
                "User {uuid} temporarily disabled by brute force protection after {n} failed attempts",
                "type=CLIENT_LOGIN_ERROR, clientId={svc}-backend, error=unauthorized_client",
                "operationType=UPDATE, resourceType=REALM_ROLE_MAPPING, resourcePath=users/{uuid}/role-mappings, "
                "authDetails: realmId=master, userId=admin",
                "type=LOGOUT, realmId=shop, userId={uuid}, ipAddress={ip}",
            ],
            "performance": [
                "Keycloak stopped in {sec}s",
                "Keycloak {version} on JVM (powered by Quarkus) started in {sec}s. Listening on: http://0.0.0.0:8080",
                "ISPN000476: Timed out waiting for responses for request {int} from {host}",
                "Acquisition timeout while waiting for new connection from the pool after {ms} ms",
                "Token endpoint slow: {ms}ms to issue access token for client {svc}",
            ],
            "general": [
                "Realm 'shop' imported",
                "Updating database. Using changelog META-INF/jpa-changelog-master.xml",
                "Cluster member joined: {host}, cluster size now {few}",
            ],
        },
        ("{ts} {level}  [org.keycloak.events] (executor-thread-{n}) @msg@",),
    ),
    Source(
        "openldap",
        "directory",
        {
            "security": [
                "conn={int} op={few} RESULT tag=97 err=49 text=invalid credentials",
                'conn={int} op=0 BIND dn="uid={user},ou=people,dc=example,dc=com" method=128',
                'conn={int} op={few} MOD dn="cn=admins,ou=groups,dc=example,dc=com" attr=member',
                "conn={int} fd={n} TLS established tls_ssf=256 ssf=256",
                "conn={int} op={few} RESULT tag=103 err=50 text=insufficient access",
                "conn={int} fd={n} closed (TLS negotiation failure)",
            ],
            "performance": [
                'conn={int} op={few} SRCH base="dc=example,dc=com" scope=2 ... etime={sec} (slow search)',
                "connection_input: conn={int} deferring operation: too many executing",
                "mdb_add: txn_begin failed: MDB_MAP_FULL: Environment mapsize limit reached",
            ],
            "general": [
                "slapd starting",
                "slapd shutdown: waiting for {n} operations/tasks to finish",
                "conn={int} fd={n} ACCEPT from IP={ip}:{port} (IP=0.0.0.0:389)",
                "conn={int} op={few} UNBIND",
                "syncrepl_message_to_op: rid=001 be_modify uid={user},ou=people,dc=example,dc=com (0)",
            ],
        },
    ),
    Source(
        "vault",
        "secrets manager",
        {
            "security": [
                "[ERROR] core: permission denied: path=secret/data/{svc} client_id={hex}",
                '[INFO]  core: successful mount: namespace="" path=pki/ type=pki',
                '[WARN]  core: token revoked: accessor={hex} policies=["default" "{svc}-read"]',
                "[INFO]  auth.approle: login succeeded: role={svc}-deployer",
                '[ERROR] auth.ldap: ldap bind failed: user={user} error="LDAP Result Code 49 Invalid Credentials"',
                "[INFO]  secrets.pki: issued certificate: common_name={fqdn} ttl=720h serial={hex}",
                "[INFO]  core: vault is sealed",
                "[INFO]  expiration: revoked lease: lease_id=database/creds/{svc}/{hex}",
                "[WARN]  core: root token generation initialized",
            ],
            "performance": [
                "[WARN]  storage.raft: heartbeat timeout reached, starting election: last-leader-addr={ip}:8201",
                "[ERROR] core: request timed out after {sec}s: path=sys/leases/lookup",
                "[WARN]  expiration: lease count of {big} exceeds the recommended maximum",
            ],
            "general": [
                "==> Vault server started! Log data will stream in below:",
                "[INFO]  core: post-unseal setup complete",
                '[INFO]  storage.raft: entering leader state: leader="Node at {ip}:8201 [Leader]"',
                "[INFO]  core: stopping replication",
                "[INFO]  storage.raft.snapshot: creating new snapshot: path=/vault/raft/snapshots/{n}.tmp",
            ],
        },
        ("{ts} @msg@",),
    ),
    Source(
        "kerberos",
        "authentication",
        {
            "security": [
                "AS_REQ (6 etypes {{18 17 16 23 25 26}}) {ip}: NEEDED_PREAUTH: {user}@EXAMPLE.COM for "
                "krbtgt/EXAMPLE.COM@EXAMPLE.COM, Additional pre-authentication required",
                "AS_REQ {ip}: CLIENT_NOT_FOUND: {user}@EXAMPLE.COM for krbtgt/EXAMPLE.COM@EXAMPLE.COM, Client not "
                "found in Kerberos database",
                "TGS_REQ {ip}: ISSUE: authtime {int}, etypes {{rep=18 tkt=18 ses=18}}, {user}@EXAMPLE.COM for "
                "HTTP/{fqdn}@EXAMPLE.COM",
                "preauth (encrypted_timestamp) verify failure: Decrypt integrity check failed",
                "AS_REQ {ip}: LOCKED_OUT: {user}@EXAMPLE.COM for krbtgt/EXAMPLE.COM@EXAMPLE.COM, Clients credentials "
                "have been revoked",
                "Clock skew too great while getting initial credentials",
            ],
            "general": [
                "krb5kdc: starting...",
                "commencing operation",
                "setting up network...",
            ],
        },
        ("{syslog_ts} {host} krb5kdc[{pid}](info): @msg@",),
    ),
    Source(
        "fail2ban",
        "intrusion prevention",
        {
            "security": [
                "[sshd] Ban {ip}",
                "[sshd] Found {ip} - {ts}",
                "[nginx-http-auth] Unban {ip}",
                "[recidive] Ban {ip}",
                "[sshd] {ip} already banned",
                "[postfix-sasl] Found {ip} - {ts}",
            ],
            "general": [
                "Starting Fail2ban v{version}",
                "Jail 'sshd' started",
                "Jail 'sshd' stopped",
                "Exiting Fail2ban",
                "Log rotation detected for /var/log/auth.log",
            ],
        },
        ("{ts} fail2ban.actions        [{pid}]: NOTICE  @msg@",),
    ),
    Source(
        "auditd",
        "audit",
        {
            "security": [
                "type=USER_LOGIN msg=audit({int}.{n}:{int}): pid={pid} uid=0 auid={int} ses={n} msg='op=login "
                'acct="{user}" exe="/usr/sbin/sshd" hostname=? addr={ip} terminal=ssh res=failed\'',
                "type=USER_AUTH msg=audit({int}.{n}:{int}): pid={pid} uid=0 auid=4294967295 msg='op=PAM:"
                'authentication grantors=? acct="{user}" exe="/usr/bin/su" res=failed\'',
                "type=ADD_USER msg=audit({int}.{n}:{int}): pid={pid} uid=0 msg='op=add-user id={int} "
                'exe="/usr/sbin/useradd" res=success\'',
                'type=SYSCALL msg=audit({int}.{n}:{int}): arch=c000003e syscall=257 success=no exit=-13 comm="cat" '
                'exe="/usr/bin/cat" key="shadow_access"',
                'type=AVC msg=audit({int}.{n}:{int}): avc:  denied  {{ read }} for  pid={pid} comm="httpd" '
                'name="passwd" scontext=system_u:system_r:httpd_t:s0',
                "type=USER_ROLE_CHANGE msg=audit({int}.{n}:{int}): pid={pid} uid=0 msg='op=semanage "
                "new-seuser={user} new-role=sysadm_r res=success'",
                'type=CRED_ACQ msg=audit({int}.{n}:{int}): pid={pid} uid=0 acct="{user}" exe="/usr/sbin/sshd" '
                "res=success",
            ],
            "performance": [
                "audit: backlog limit exceeded",
                "auditd: Audit daemon is low on disk space for logging",
                "audit: audit_backlog={int} > audit_backlog_limit={int}",
            ],
            "general": [
                "Started Security Auditing Service.",
                "auditd normal startup",
                "Audit daemon rotating log files",
                "type=DAEMON_START msg=audit({int}.{n}:{int}): op=start ver={version} format=enriched",
                'type=SERVICE_START msg=audit({int}.{n}:{int}): pid=1 uid=0 unit=cron comm="systemd" res=success',
            ],
        },
    ),
    Source(
        "windows-security",
        "os audit",
        {
            "security": [
                "An account failed to log on. Subject: Security ID: NULL SID Account Name: {user} Failure Reason: "
                "Unknown user name or bad password. Source Network Address: {ip}",
                "EventID=4624 An account was successfully logged on. Logon Type: 10 Account Name: {user} Source "
                "Network Address: {ip}",
                "EventID=4740 A user account was locked out. Account Name: {user} Caller Computer Name: {host}",
                "EventID=4732 A member was added to a security-enabled local group. Group Name: Administrators "
                "Member: {user}",
                "EventID=4672 Special privileges assigned to new logon. Account Name: {user} Privileges: "
                "SeDebugPrivilege",
                "EventID=1102 The audit log was cleared. Account Name: {user}",
                "EventID=4720 A user account was created. New Account: {user}",
                "Windows Defender Antivirus has detected malware: Trojan:Win32/Emotet in C:\\Users\\{user}\\Downloads",
                "EventID=5157 The Windows Filtering Platform has blocked a connection. Source Address: {ip} Port: "
                "{port}",
            ],
            "performance": [
                "EventID=2004 Resource Exhaustion Detector: Windows successfully diagnosed a low virtual memory "
                "condition.",
                "EventID=2013 The C: disk is at or near capacity. You may need to delete some files.",
                "EventID=1530 Windows detected your registry file is still in use by other applications (slow "
                "logoff took {sec} seconds)",
            ],
            "general": [
                "EventID=7036 The Windows Update service entered the running state.",
                "EventID=6005 The Event log service was started.",
                "EventID=1074 The process C:\\Windows\\system32\\winlogon.exe has initiated the restart of computer "
                "{host}",
                "EventID=7000 The {svc} service failed to start due to the following error: The system cannot find "
                "the file specified.",
                "EventID=41 The system has rebooted without cleanly shutting down first.",
            ],
        },
    ),
    Source(
        "okta",
        "sso",
        {
            "security": [
                'eventType=user.session.start outcome=FAILURE reason=INVALID_CREDENTIALS actor="{email}" '
                "client.ipAddress={ip}",
                'eventType=user.authentication.auth_via_mfa outcome=SUCCESS actor="{email}" factor=OKTA_VERIFY_PUSH',
                "eventType=user.mfa.factor.deactivate actor=admin target={email}",
                'eventType=security.threat.detected severity=HIGH reason="password spraying" client.ipAddress={ip}',
                "eventType=user.account.privilege.grant target={email} privilege=SUPER_ADMIN",
                "eventType=app.oauth2.token.grant.refresh_token outcome=FAILURE reason=invalid_grant",
                'eventType=policy.evaluate_sign_on outcome=DENY reason="untrusted network zone" actor="{email}"',
            ],
            "performance": [
                "eventType=system.org.rate_limit.violation endpoint=/api/v1/users limit={int}/min",
                "eventType=system.org.rate_limit.warning endpoint=/oauth2/v1/token usage={pct}%",
            ],
            "general": [
                "eventType=system.import.start source=ldap_directory",
                'eventType=application.lifecycle.update target="{svc} portal" outcome=SUCCESS',
                "eventType=system.agent.ad.connect outcome=SUCCESS agent={host}",
            ],
        },
    ),
    Source(
        "oauth2-proxy",
        "auth proxy",
        {
            "security": [
                "{ip} - {email} [{ts}] [AuthFailure] Invalid authentication via OAuth2: unauthorized",
                "{ip} - {email} [{ts}] [AuthSuccess] Authenticated via OAuth2: Session{{email:{email} user:{user}}}",
                "Error redeeming code during OAuth2 callback: token has expired",
                'Cookie "_oauth2_proxy" not present; redirecting to sign in',
                "CSRF token mismatch, potential attack or cookie expired",
            ],
            "general": [
                "OAuthProxy configured for Google Client ID: {hex}.apps.googleusercontent.com",
                "HTTP: listening on 0.0.0.0:4180",
                '{ip} - - [{ts}] {fqdn} GET - "/ping" HTTP/1.1 "kube-probe/1.28" 200 2 0.000',
            ],
        },
    ),
]
