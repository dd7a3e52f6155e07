"""Extra templates for infrastructure software, mostly routine lines of security tools.

Auth daemons, firewalls and audit systems spend most of their log lines on routine work (starting,
reloading rules, syncing, rotating files); without those lines the model would learn that any
'sshd' or 'fortigate' token means 'security'. Merged into the sources of the same name.
"""

from __future__ import annotations

import logging

__all__ = ["SUPPLEMENT"]

logger = logging.getLogger(__name__)

SUPPLEMENT: dict[str, dict[str, list[str]]] = {
    "sshd": {
        "security": ["Close session: user {user} from {ip} port {port} id 0"],
        "general": [
            "Server listening on {ip} port {port}.",
            "debug1: Bind to port 22 on ::.",
            "Reading configuration data /etc/ssh/sshd_config",
            "rexec line {n}: Deprecated option UsePrivilegeSeparation",
            'Connection from {ip} port {port} on {ip} port 22 rdomain ""',
            "Transferred: sent {int}, received {int} bytes",
            "Exiting on signal 15",
        ],
    },
    "sudo": {
        "general": [
            "sudo: policy plugin sudoers initialised",
            "sudoers file /etc/sudoers.d/90-cloud-init-users parsed",
            "sudo: unable to open /run/sudo/ts/{user}: No such file or directory",
            "sudo: setrlimit(RLIMIT_CORE): Operation not permitted in container",
        ],
        "security": ["pam_unix(sudo:session): session closed for user root"],
        "performance": ["sudo: timed out reading password"],
    },
    "linux-pam": {
        "general": [
            "pam_unix(cron:session): module loaded",
            "PAM adding faulty module: /lib/x86_64-linux-gnu/security/pam_tally.so",
            "pam_motd: /etc/update-motd.d/50-landscape-sysinfo failed",
            "pam_env: Unknown PAM_ITEM: <LANG>",
        ],
    },
    "keycloak": {
        "general": [
            "Infinispan cache 'sessions' started in distributed mode",
            "Theme 'shop' loaded from /opt/keycloak/themes",
            "Exporting realm 'shop' to directory /backup",
            "Database schema is up to date",
            "Listening on: https://0.0.0.0:8443",
        ],
    },
    "openldap": {
        "general": [
            "conn={int} fd={n} closed",
            "slapd: database 'mdb' opened",
            'conn={int} op={few} SRCH base="ou=people,dc=example,dc=com" scope=1 filter="(objectClass=*)"',
            "conn={int} op={few} SEARCH RESULT tag=101 err=0 nentries={n}",
            "olcLogLevel changed to stats",
        ],
    },
    "vault": {
        "general": [
            "[INFO]  core: successfully enabled audit backend: path=file/",
            "[INFO]  storage.raft: added peer, starting replication: peer={host}",
            "[INFO]  core: usage gauge collection is disabled",
            "[INFO]  core: acquired lock, enabling active operation",
        ],
    },
    "kerberos": {
        "general": [
            "krb5kdc: Loaded realm EXAMPLE.COM",
            "kadmind: Seeding random number generator",
            "krb5kdc: listening on fd {n}: udp {ip}.88",
            "kdb5_util: database dump completed",
        ],
        "performance": ["krb5kdc: request from {ip} timed out waiting for replica KDC"],
    },
    "fail2ban": {
        "general": [
            "Added logfile: '/var/log/auth.log' (pos = {int}, hash = {hex})",
            "Reload finished.",
            "Creating new jail 'nginx-botsearch'",
            "Server ready",
            "Database purge of bans older than 86400 seconds finished",
        ],
        "performance": ["fail2ban.filter: log file too large, processing {int} lines took {sec}s"],
    },
    "auditd": {
        "general": [
            "Init complete, auditd {version} listening for events",
            "audit rules loaded: {n} rules, enabled=1",
            "type=CONFIG_CHANGE op=set audit_backlog_limit={int} old={int} res=1",
            "type=DAEMON_END op=terminate auid=0 pid={pid} res=success",
        ],
    },
    "windows-security": {
        "general": [
            "EventID=7040 The start type of the Background Intelligent Transfer Service service was changed",
            "EventID=6006 The Event log service was stopped.",
            "EventID=19 Installation Successful: Windows successfully installed the following update: KB{int}",
        ],
        "security": [
            "EventID=10016 The application-specific permission settings do not grant Local Activation permission "
            "for the COM Server application",
        ],
        "performance": [
            "EventID=1014 Name resolution for the name {domain} timed out after none of the configured DNS servers "
            "responded.",
        ],
    },
    "okta": {
        "general": [
            'eventType=system.log_stream.create target="SIEM stream"',
            'eventType=group.application_assignment.add target="{svc} portal"',
            "eventType=system.import.complete source=workday users={int}",
        ],
    },
    "oauth2-proxy": {
        "general": [
            "Cookie settings: name:_oauth2_proxy secure(https):true httponly:true expiry:168h0m0s",
            'mapping path "/" => upstream "http://{ip}:{port}/"',
            "Skipping provider verification for issuer",
        ],
        "performance": ["upstream request to {url} timed out after 30s"],
    },
    "iptables-ufw": {
        "general": [
            "ufw: Logging enabled",
            "netfilter-persistent: Loading netfilter rules...",
            "conntrack module loaded, {int} buckets",
        ],
        "performance": [
            "nf_conntrack: table full, dropping packet",
            "iptables: chain INPUT has {int} rules, rule evaluation slow",
        ],
    },
    "fortigate": {
        "general": [
            'type="event" subtype="system" logdesc="DHCP server sends a DHCPACK" ip={ip}',
            'type="event" subtype="system" logdesc="NTP server status changed" status="reachable"',
            'type="event" subtype="system" logdesc="Fortigate reboot" msg="User reboots the device"',
            'type="event" subtype="system" logdesc="Disk log rolled" logfile="tlog.{int}"',
        ],
    },
    "palo-alto": {
        "general": [
            "SYSTEM,general,Log collector connection established",
            "SYSTEM,general,Dynamic updates: antivirus package {version} downloaded",
            "SYSTEM,routing,BGP peer {ip} state changed to Established",
            "CONFIG,set,deviceconfig system hostname {host}",
        ],
    },
    "f5-bigip": {"general": ["01070417:0: Device trust established with peer {host}", "mcpd started"]},
    "openvpn-wireguard": {
        "general": ["wireguard: wg0: Interface created"],
        "security": ["Data Channel: using negotiated cipher AES-256-GCM"],
    },
    "hostapd": {
        "general": [
            "wlan0: STA {mac} RADIUS: starting accounting session {hex}",
            "nl80211: Kernel reports: Match already configured",
        ]
    },
    "aws-cloudtrail": {
        "general": [
            "eventName=PutObject bucketName={bucket} key=exports/{n}.csv",
            "eventName=DescribeLogStreams logGroupName=/aws/lambda/{svc}",
            "eventName=ModifyDBInstance dBInstanceIdentifier={svc}-db applyImmediately=false",
            "SNS notification published to topic {svc}-events",
            "CloudWatch alarm {svc}-5xx state changed to OK",
        ],
    },
    "ceph-minio": {
        "general": [
            "minio: Status: {few} Online, 0 Offline",
            "rgw: starting handler: beast",
            "Lifecycle rule applied to bucket {bucket}",
        ],
    },
    "cisco-ios": {
        "general": [
            "%SYS-6-LOGGINGHOST_STARTSTOP: Logging to host {ip} port 514 started - CLI initiated",
            "%NTP-5-PEERSYNC: NTP synced to peer {ip}",
            "%DHCPD-4-PING_CONFLICT: DHCP address conflict: server pinged {ip}",
            "%STACKMGR-5-SWITCH_READY: Switch {few} is READY",
        ],
    },
    "junos": {
        "general": [
            "UI_CHILD_EXITED: Child exited: PID {pid}, status 0, command '/usr/sbin/mgd'",
            "LICENSE_EXPIRED_KEY_DELETED",
        ],
    },
    "postfix": {
        "performance": ["warning: database /etc/postfix/virtual.db is older than source file, lookups slow"],
        "general": [
            "statistics: max connection rate {few}/60s for (smtp:{ip}) at {syslog_ts}",
            "reload -- version {version}",
        ],
    },
    "bind": {"general": ["zone {domain}/IN: Transfer started.", "network unreachable resolving '{domain}/A/IN'"]},
    "cron": {"general": ["(root) CMD (cd / && run-parts --report /etc/cron.hourly)", "(CRON) STARTUP (fork ok)"]},
    "chrony": {"general": ["Could not resolve address of initstepslew server {fqdn}"]},
    "logrotate": {
        "security": ['error: skipping "/var/log/{svc}.log" because parent directory has insecure permissions']
    },
    "kube-scheduler": {
        "security": ['system:kube-scheduler cannot list resource "pods": RBAC denied after role update']
    },
    "jvm-gc-hibernate": {"security": ["HHH000511: Unable to decrypt column 'card_token': wrong encryption key"]},
    "celery-workers": {"security": ["Received task with invalid signature, dropping (message signing enabled)"]},
    "memcached": {"general": ["Memcached {version} started, {mb} MB cache", "shutting down"]},
}
