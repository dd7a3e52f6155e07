"""Operating system: kernel, init, schedulers, time, hardware monitoring, mail and DNS daemons."""

from __future__ import annotations

import logging

from nlp.corpusgen.engine import Source

__all__ = ["SOURCES"]

logger = logging.getLogger(__name__)

_SYSLOG = "{syslog_ts} {host} kernel: [{int}.{n}] @msg@"

SOURCES = [
    Source(
        "linux-kernel",
        "kernel",
        {
            "security": [
                'audit: type=1400 audit({int}.{n}:{n}): apparmor="DENIED" operation="open" profile="/usr/sbin/'
                'cupsd" name="/etc/shadow" pid={pid} comm="cupsd" requested_mask="r" denied_mask="r"',
                "[UFW BLOCK] IN=eth0 OUT= MAC={mac} SRC={ip} DST={ip} LEN=40 PROTO=TCP SPT={port} DPT=23 SYN",
                "IPTABLES-DROP: IN=eth0 SRC={ip} DST={ip} PROTO=TCP SPT={port} DPT=3389",
                "TCP: request_sock_TCP: Possible SYN flooding on port 443. Sending cookies.",
                "Lockdown: {svc}: unsigned module loading is restricted; see man kernel_lockdown.7",
                "module verification failed: signature and/or required key missing - tainting kernel",
                'SELinux: avc:  denied  {{ write }} for pid={pid} comm="nginx" scontext=system_u:system_r:httpd_t',
            ],
            "performance": [
                "nvme nvme0: I/O {int} QID {few} timeout, aborting",
                "CPU{few}: Core temperature above threshold, cpu clock throttled (total events = {int})",
                "Out of memory: Killed process {pid} ({svc}) total-vm:{big}kB, anon-rss:{big}kB, file-rss:0kB",
                "{svc} invoked oom-killer: gfp_mask=0x{hex}, order=0, oom_score_adj=0",
                "INFO: task {svc}:{pid} blocked for more than 120 seconds.",
                "nf_conntrack: nf_conntrack: table full, dropping packet",
                "hrtimer: interrupt took {int} ns",
                "perf: interrupt took too long ({int} > {int}), lowering kernel.perf_event_max_sample_rate to {int}",
                "EXT4-fs warning (device sda1): ext4_dx_add_entry: Directory index full!",
                "TCP: out of memory -- consider tuning tcp_mem",
                "watchdog: BUG: soft lockup - CPU#{few} stuck for {n}s! [{svc}:{pid}]",
                "sched: RT throttling activated",
                "page allocation stalls for {ms}ms, order:0, mode:0x{hex}",
            ],
            "general": [
                "Linux version 6.1.0-{n}-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14))",
                "Command line: BOOT_IMAGE=/boot/vmlinuz-6.1.0 root=UUID={uuid} ro quiet",
                "e1000e: {iface} NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx",
                "e1000e: {iface} NIC Link is Down",
                "usb 1-{few}: new high-speed USB device number {few} using xhci_hcd",
                "EXT4-fs (sda1): mounted filesystem with ordered data mode. Opts: (null)",
                "{svc}[{pid}]: segfault at 0 ip 0000{hex} sp 00007ffd{hex} error 4 in libc.so.6",
                "sd 0:0:0:0: [sda] {big} 512-byte logical blocks: ({gb} GB/{gb} GiB)",
                "EDAC MC0: 1 CE memory read error on CPU_SrcID#0_Ha#0_Chan#{few}_DIMM#0 (channel:{few} slot:0 "
                "page:0x{hex})",
                "mce: [Hardware Error]: Machine check events logged",
                "ata{few}.00: exception Emask 0x0 SAct 0x0 SErr 0x0 action 0x6 frozen",
                "ata{few}: hard resetting link",
                "Buffer I/O error on dev sdb1, logical block {big}, async page read",
                "bond0: link status definitely up for interface {iface}, 10000 Mbps full duplex",
                "random: crng init done",
                "device-mapper: uevent: version 1.0.3",
                "IPv6: ADDRCONF(NETDEV_CHANGE): {iface}: link becomes ready",
                "Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b",
            ],
        },
        (_SYSLOG,),
    ),
    Source(
        "systemd",
        "init system",
        {
            "security": [
                "Started Session {n} of user {user}.",
                "New session {n} of user {user}.",
                "Removed session {n}.",
                "polkitd[{pid}]: Operator of unix-session:{n} FAILED to authenticate to gain authorization for action "
                "org.freedesktop.systemd1.manage-units",
                "polkit: Registered Authentication Agent for unix-process:{pid}",
            ],
            "performance": [
                "{svc}.service: Start operation timed out. Terminating.",
                "{svc}.service: A process of this unit has been killed by the OOM killer.",
                "{svc}.service: Consumed {sec}s CPU time, {mb}M memory peak.",
                "Startup finished in {sec}s (kernel) + {sec}s (userspace) = {sec}s.",
                "systemd-journald[{pid}]: Under memory pressure, flushing caches.",
                "systemd-journald[{pid}]: Missed {int} kernel messages",
                "{svc}.service: State 'stop-sigterm' timed out. Killing.",
            ],
            "general": [
                "Started {svc}.service - {svc} API server.",
                "Stopping {svc}.service...",
                "Stopped {svc}.service.",
                "{svc}.service: Main process exited, code=exited, status=1/FAILURE",
                "{svc}.service: Failed with result 'exit-code'.",
                "{svc}.service: Scheduled restart job, restart counter is at {few}.",
                "Reached target multi-user.target - Multi-User System.",
                "Reloading.",
                "Starting Daily apt upgrade and clean activities...",
                "Finished Rotate log files.",
                "Mounted /boot/efi.",
                "Created slice user-{int}.slice - User Slice of UID {int}.",
                "systemd-timesyncd[{pid}]: Initial synchronization to time server {ip}:123 (ntp.ubuntu.com).",
                "{svc}.service: Deactivated successfully.",
            ],
        },
        ("{syslog_ts} {host} systemd[1]: @msg@",),
    ),
    Source(
        "cron",
        "scheduler",
        {
            "security": [
                "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
                "({user}) ORPHAN (no passwd entry)",
                "crontab: user {user} not allowed to use crontab (/etc/cron.deny)",
            ],
            "performance": [
                "({user}) CMD run-parts /etc/cron.hourly took {sec} seconds, overlapping next run",
            ],
            "general": [
                "(CRON) INFO (Skipping @reboot jobs -- not system startup)",
                "({user}) CMD (/usr/local/bin/backup.sh > /dev/null 2>&1)",
                "(root) CMD (test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily ))",
                "(CRON) INFO (pidfile fd = 3)",
                "(root) RELOAD (crontabs/root)",
                "(*system*) RELOAD (/etc/crontab)",
                "({user}) MAIL (mailed {n} bytes of output but got status 0x004b from MTA)",
            ],
        },
        ("{syslog_ts} {host} CRON[{pid}]: @msg@",),
    ),
    Source(
        "chrony",
        "time sync",
        {
            "security": [
                "NTS-KE session with {fqdn} failed: TLS handshake failed (certificate verification)",
            ],
            "performance": [
                "Received KoD RATE from {ip}",
            ],
            "general": [
                "Can't synchronise: no majority, selected source has jitter {ms}ms",
                "System clock wrong by {sec} seconds, adjustment started",
                "chronyd version {version} starting (+CMDMON +NTP +REFCLOCK +RTC)",
                "Selected source {ip} (pool.ntp.org)",
                "Source {ip} replaced with {ip}",
                "System clock was stepped by {sec} seconds",
                "Frequency {sec} +/- {sec} ppm read from /var/lib/chrony/drift",
            ],
        },
    ),
    Source(
        "ipmi-bmc",
        "hardware monitoring",
        {
            "security": [
                "BMC: user {user} login failed from {ip} via web interface",
                "Chassis intrusion detected: cover opened",
            ],
            "performance": [
                "Processor CPU{few} is operating in a degraded state (thermal throttling, {pct}% performance)",
                "Memory utilization above threshold: {pct}% of {gb} GB in use",
            ],
            "general": [
                "Fan {few} RPM below lower critical threshold ({int} RPM)",
                "Power supply PS{few} input lost",
                "Power supply PS{few} redundancy restored",
                "Temperature sensor CPU{few} Temp reading {n} C exceeds upper non-critical threshold",
                "Drive slot {few}: drive fault detected, RAID array md0 degraded",
                "Correctable ECC memory error on DIMM_A{few}",
                "Chassis power on",
                "Voltage PSU{few} 12V out of range: {sec} V",
                "smartd[{pid}]: Device: /dev/sd{few} [SAT], {n} Currently unreadable (pending) sectors",
                "smartd[{pid}]: Device: /dev/sda, SMART Usage Attribute: 194 Temperature_Celsius changed from {n} to "
                "{n}",
                "RAID controller battery learn cycle completed",
                "mdadm: RebuildFinished event detected on md device /dev/md0",
            ],
        },
    ),
    Source(
        "networkmanager",
        "network config",
        {
            "security": [
                "<warn> device (wlan0): Activation: (wifi) association took too long, asking for new key "
                "(wrong Wi-Fi password?)",
                "<info> vpn[{hex}]: VPN connection: authentication failed (secrets required)",
            ],
            "performance": [
                "<warn> dhcp4 (eth0): request timed out",
                "<warn> device (eth0): Activation: failed for connection 'Wired' (ip-config-unavailable), timed out",
            ],
            "general": [
                "<info> device (eth0): state change: disconnected -> prepare (reason 'none', sys-iface-state: "
                "'managed')",
                "<info> dhcp4 (eth0): option ip_address => '{ip}'",
                "<info> manager: NetworkManager state is now CONNECTED_GLOBAL",
                "<info> device (wlan0): supplicant interface state: scanning -> completed",
                "dhclient[{pid}]: DHCPREQUEST for {ip} on eth0 to {ip} port 67",
                "dhclient[{pid}]: bound to {ip} -- renewal in {int} seconds.",
            ],
        },
    ),
    Source(
        "postfix",
        "mail server",
        {
            "security": [
                "warning: unknown[{ip}]: SASL LOGIN authentication failed: UGFzc3dvcmQ6",
                "NOQUEUE: reject: RCPT from unknown[{ip}]: 554 5.7.1 <{email}>: Relay access denied",
                "warning: TLS library problem: error:0A000126:SSL routines::unexpected eof while reading",
                "NOQUEUE: reject: RCPT from {fqdn}[{ip}]: 554 5.7.1 Service unavailable; Client host [{ip}] blocked "
                "using zen.spamhaus.org",
                "Trusted TLS connection established to {fqdn}[{ip}]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384",
            ],
            "performance": [
                "warning: {hex}: queue file size limit exceeded",
                "warning: mail queue is {big} messages, delivery is falling behind",
                "connect to {fqdn}[{ip}]:25: Connection timed out",
                "{hex}: to=<{email}>, relay=none, delay={sec}, status=deferred (connect timed out)",
            ],
            "general": [
                "{hex}: to=<{email}>, relay={fqdn}[{ip}]:25, delay=0.8, dsn=2.0.0, status=sent (250 2.0.0 OK)",
                "{hex}: message-id=<{hex}@{domain}>",
                "{hex}: removed",
                "connect from unknown[{ip}]",
                "disconnect from unknown[{ip}] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5",
                "daemon started -- version {version}, configuration /etc/postfix",
                "{hex}: to=<{email}>, status=bounced (host said: 550 5.1.1 user unknown)",
            ],
        },
        ("{syslog_ts} {host} postfix/smtpd[{pid}]: @msg@",),
    ),
    Source(
        "bind",
        "dns server",
        {
            "security": [
                "client @0x{hex} {ip}#{port} ({domain}): query (cache) '{domain}/ANY/IN' denied",
                "client {ip}#{port}: zone transfer '{domain}/AXFR/IN' denied",
                "validating {domain}/DNSKEY: verify failed due to bad signature (keyid={int}): RRSIG has expired",
                "rate limit drop response to {ip}/24 for {domain} IN A (DNS amplification suspected)",
            ],
            "performance": [
                "clients-per-query increased to {n}",
                "resolver priming query complete: timed out",
                "recursive-clients soft limit exceeded ({int}/{int}/{int}), aborting oldest query",
            ],
            "general": [
                "zone {domain}/IN: loaded serial {int}",
                "all zones loaded",
                "running",
                "received control channel command 'reload'",
                "zone {domain}/IN: sending notifies (serial {int})",
                "managed-keys-zone: Key {int} for zone . is now trusted (acceptance timer complete)",
                "shutting down",
            ],
        },
    ),
    Source(
        "logrotate",
        "maintenance",
        {
            "performance": ["error: error writing to /var/log/{svc}.log.1: No space left on device"],
            "general": [
                "rotating pattern: /var/log/{svc}/*.log  after 1 days (7 rotations)",
                "considering log /var/log/syslog",
                "log does not need rotating (log is empty)",
                "renaming /var/log/{svc}.log to /var/log/{svc}.log.1",
                "compressing log with: /bin/gzip",
            ],
        },
    ),
]
