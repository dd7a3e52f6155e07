"""Network devices: routers, switches, firewalls, load balancers, VPN and wireless."""

from __future__ import annotations

import logging

from nlp.corpusgen.engine import Source

__all__ = ["SOURCES"]

logger = logging.getLogger(__name__)

SOURCES = [
    Source(
        "cisco-ios",
        "router/switch",
        {
            "security": [
                "%TCP-6-BADAUTH: No MD5 digest from {ip}:179 to {ip}:{port} (RST)",
                "%SEC-6-IPACCESSLOGP: list OUTSIDE-IN denied tcp {ip}({port}) -> {ip}(22), {few} packets",
                "%SEC_LOGIN-4-LOGIN_FAILED: Login failed [user: {user}] [Source: {ip}] [localport: 22] [Reason: Login "
                "Authentication Failed]",
                "%SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: {user}] [Source: {ip}] [localport: 22]",
                "%PARSER-5-CFGLOG_LOGGEDCMD: User:{user}  logged command:username backdoor privilege 15",
                "%PORT_SECURITY-2-PSECURE_VIOLATION: Security violation occurred, caused by MAC address {mac} on port "
                "{iface}.",
                "%SSH-5-SSH2_USERAUTH: User '{user}' authentication for SSH2 Session from {ip} (tty = 0) using crypto "
                "cipher 'aes256-ctr', hmac 'hmac-sha2-256' Failed",
                "%AAA-3-BADAUTHENREQ: TACACS+ server {ip} rejected authentication for {user}",
                "%PKI-3-CERTIFICATE_INVALID_EXPIRED: Certificate chain validation has failed. The certificate (SN: "
                "{hex}) has expired",
            ],
            "performance": [
                "%SYS-2-MALLOCFAIL: Memory allocation of {int} bytes failed from 0x{hex}, alignment 0",
                "%SYS-3-CPUHOG: Task is running for ({ms})msecs, more than (2000)msecs ({n}/{n}),process = IP Input",
                "%PLATFORM-4-ELEMENT_WARNING: Switch 1 R0/0: smand: 1/RP/0: Used Memory value {pct}% exceeds warning "
                "level 88%",
                "%QOS-4-QUEUE_DROPS: interface {iface} output queue drops {int} in the last minute",
                "%SYS-4-CPURISINGTHRESHOLD: Threshold: Total CPU Utilization(Total/Intr): {pct}%/{lowpct}%",
            ],
            "general": [
                "%LINK-3-UPDOWN: Interface {iface}, changed state to down",
                "%LINEPROTO-5-UPDOWN: Line protocol on Interface {iface}, changed state to up",
                "%SYS-5-CONFIG_I: Configured from console by vty0 ({ip})",
                "%SYS-5-RELOAD: Reload requested by console. Reload Reason: Reload Command.",
                "%BGP-5-ADJCHANGE: neighbor {ip} Up",
                "%BGP-5-ADJCHANGE: neighbor {ip} Down BGP Notification sent",
                "%OSPF-5-ADJCHG: Process 1, Nbr {ip} on {iface} from LOADING to FULL, Loading Done",
                "%SPANTREE-2-BLOCK_PVID_LOCAL: Blocking {iface} on VLAN{vlan}. Inconsistent local vlan.",
                "%CDP-4-NATIVE_VLAN_MISMATCH: Native VLAN mismatch discovered on {iface} ({vlan}), with {host} "
                "({vlan})",
                "%DUAL-5-NBRCHANGE: EIGRP-IPv4 1: Neighbor {ip} ({iface}) is up: new adjacency",
                "%ENVMON-4-FAN_LOW_RPM: Fan {few} is running at low RPM",
                "%PM-4-ERR_DISABLE: link-flap error detected on {iface}, putting {iface} in err-disable state",
            ],
        },
        ("{syslog_ts}: @msg@", "<{n}>{int}: {host}: {syslog_ts}.{n}: @msg@"),
    ),
    Source(
        "junos",
        "router",
        {
            "security": [
                "mgd[{pid}]: UI_CMDLINE_READ_LINE: User '{user}', command 'show interfaces terse'",
                "sshd[{pid}]: Failed password for {user} from {ip} port {port} ssh2",
                "UI_LOGIN_EVENT: User '{user}' login, class 'j-super-user' [{pid}], ssh-connection '{ip} {port}'",
                "RT_FLOW_SESSION_DENY: session denied {ip}/{port}->{ip}/443 junos-https {few}(0) deny-all "
                "untrust trust UNKNOWN",
                "UI_AUTH_EVENT: Authenticated user '{user}' at permission level 'super-user'",
                "IDP_ATTACK_LOG_EVENT: IDP: at {int}, SIG Attack log <{ip}/{port}->{ip}/80> for TCP protocol "
                "attack name:HTTP:SQL:INJ:GENERIC-1",
            ],
            "performance": [
                "BGP_IO_ERROR_CLOSE_SESSION: BGP peer {ip} (External AS {int}): Error event Operation timed out",
                "LACPD_TIMEOUT: {iface}: lacp current while timer expired current Receive State: CURRENT",
                "RPD_SCHED_SLIP: {few} sec scheduler slip, user: 0 sec 0 usec, system: 0 sec, {int} usec",
                "CHASSISD_HIGH_CPU: Routing Engine CPU utilization {pct}% exceeds threshold",
                "PFE_FW_SYSLOG: policer exceeded, {int} packets discarded on {iface}",
            ],
            "general": [
                "SNMP_TRAP_LINK_DOWN: ifIndex {int}, ifAdminStatus up(1), ifOperStatus down(2), ifName {iface}",
                "UI_COMMIT: User '{user}' requested 'commit' operation (comment: none)",
                "CHASSISD_SNMP_TRAP7: SNMP trap: Power Supply {few} removed",
                "RPD_OSPF_NBRDOWN: OSPF neighbor {ip} (realm ospf-v2 {iface} area 0.0.0.0) state changed from Full "
                "to Down due to KillNbr",
            ],
        },
    ),
    Source(
        "fortigate",
        "firewall",
        {
            "security": [
                'type="traffic" subtype="forward" level="notice" srcip={ip} dstip={ip} dstport=445 action="deny" '
                'policyid=0 service="SMB"',
                'type="utm" subtype="ips" level="alert" attack="MS.SMB.Server.SMB1.Trans2.Secondary.Handling.Code.'
                'Execution" srcip={ip} action="dropped"',
                'type="event" subtype="vpn" action="ssl-login-fail" user="{user}" remip={ip} reason="sslvpn_login_'
                'permission_denied"',
                'type="utm" subtype="virus" action="blocked" virus="EICAR_TEST_FILE" url="{url}"',
                'type="event" subtype="system" logdesc="Admin login successful" user="{user}" ui="https({ip})"',
                'type="utm" subtype="webfilter" action="blocked" hostname="{domain}" catdesc="Malicious Websites"',
            ],
            "performance": [
                'type="event" subtype="system" logdesc="Memory conserve mode entered" msg="Kernel enters memory '
                'conserve mode" used={pct}%',
                'type="event" subtype="system" logdesc="Session table full" msg="session count reached limit"',
                'type="event" subtype="system" logdesc="CPU usage high" cpu={pct}',
            ],
            "general": [
                'type="event" subtype="system" logdesc="Interface status changed" status="up" interface="port{few}"',
                'type="event" subtype="system" logdesc="FortiGate update succeeded" msg="IPS engine updated"',
                'type="event" subtype="ha" logdesc="HA state changed" msg="state changed from standby to primary"',
                'type="traffic" subtype="forward" action="accept" srcip={ip} dstip={ip} dstport=443 sentbyte={bytes}',
                'type="event" subtype="system" logdesc="Configuration changed" cfgpath="system.interface"',
            ],
        },
    ),
    Source(
        "palo-alto",
        "firewall",
        {
            "security": [
                "THREAT,vulnerability,{ip},{ip},allow-web,ssl,Apache Log4j Remote Code Execution Vulnerability(91991),"
                "critical,reset-both",
                "TRAFFIC,drop,{ip},{ip},policy-deny,incomplete,untrust,trust,session denied",
                "GLOBALPROTECT,gateway-auth,{user},{ip},failure,Authentication failed: Invalid username or password",
                "THREAT,spyware,{ip},{domain},dns-sinkhole,command-and-control traffic detected",
                "SYSTEM,auth,User '{user}' failed authentication. Reason: Invalid username/password From: {ip}",
            ],
            "performance": [
                "SYSTEM,general,Dataplane CPU utilization is {pct}% over the last 60 seconds",
                "SYSTEM,general,packet buffer utilization {pct}% on dp0, packets dropped due to congestion",
            ],
            "general": [
                "SYSTEM,general,Commit job {n} succeeded",
                "SYSTEM,ha,HA Group 1: Moved from state Passive to state Active",
                "SYSTEM,general,Content update job {n} installed version {version}",
                "TRAFFIC,end,{ip},{ip},allow-outbound,web-browsing,aged-out,{bytes} bytes",
            ],
        },
    ),
    Source(
        "iptables-ufw",
        "host firewall",
        {
            "security": [
                "[UFW BLOCK] IN=ens3 OUT= SRC={ip} DST={ip} PROTO=TCP SPT={port} DPT=22 WINDOW=1024 SYN URGP=0",
                "[UFW AUDIT] IN=eth0 SRC={ip} DST={ip} PROTO=UDP SPT={port} DPT=161",
                "nftables: drop invalid packet from {ip} to {ip}:{port}",
                "Port scan detected from {ip}: {n} ports probed in {few} seconds",
                "[UFW LIMIT BLOCK] IN=eth0 SRC={ip} DST={ip} PROTO=TCP DPT=22",
            ],
            "general": [
                "ufw: Firewall reloaded",
                "iptables-restore: rules applied from /etc/iptables/rules.v4",
                "nftables: ruleset loaded, {n} rules in table inet filter",
            ],
        },
    ),
    Source(
        "f5-bigip",
        "load balancer",
        {
            "security": [
                'ASM:attack_type="Cross Site Scripting (XSS)",ip_client="{ip}",request_status="blocked"',
                "01070417:0: AUDIT - user {user} - transaction #{int} - object 0 - modify {{ auth user {user} role "
                "admin }}",
                'err httpd[{pid}]: pam_ldap: error trying to bind as user "{user}" (Invalid credentials)',
                "SSL Handshake failed for TCP {ip}:{port} -> {ip}:443 (no shared cipher)",
            ],
            "performance": [
                "01010038:5: Syncookie counter {int} exceeded vip threshold {int} for virtual = {ip}:443",
                "011e0001:4: Limiting icmp unreach response from {int} to 250 packets/sec",
                "01010201:2: Inet port exhaustion on {ip} to {ip}:443 (proto 6)",
            ],
            "general": [
                "01070727:5: Pool /Common/{svc}_pool member /Common/{ip}:80 monitor status up.",
                "01070638:5: Pool /Common/{svc}_pool member /Common/{ip}:80 monitor status down.",
                "01340001:3: HA Connection with peer {ip}:1029 established",
                "Configuration sync completed for device group dg-prod",
            ],
        },
    ),
    Source(
        "openvpn-wireguard",
        "vpn",
        {
            "security": [
                "{ip}:{port} TLS Error: TLS key negotiation failed to occur within 60 seconds (check your network "
                "connectivity)",
                "{ip}:{port} VERIFY ERROR: depth=0, error=certificate revoked: CN={user}",
                "{ip}:{port} AUTH-PAM: user '{user}' AUTH FAILED",
                "{user}/{ip}:{port} MULTI_sva: pool returned IPv4=10.8.0.{few}, IPv6=(Not enabled)",
                "wireguard: wg0: Invalid handshake initiation from {ip}:{port}",
                "{ip}:{port} Peer Connection Initiated with [AF_INET]{ip}:{port} (VERIFY OK: CN={user})",
            ],
            "performance": [
                "{user}/{ip}:{port} [{user}] Inactivity timeout (--ping-restart), restarting",
                "write UDPv4: No buffer space available (code=105)",
            ],
            "general": [
                "OpenVPN {version} x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] [LZ4] [EPOLL]",
                "Initialization Sequence Completed",
                "{user}/{ip}:{port} SIGTERM[soft,remote-exit] received, client-instance exiting",
                "wireguard: wg0: Sending keepalive packet to peer {n} ({ip}:{port})",
                "TUN/TAP device tun0 opened",
            ],
        },
    ),
    Source(
        "hostapd",
        "wireless",
        {
            "security": [
                "wlan0: STA {mac} IEEE 802.11: authentication failed (reason 15: 4-way handshake timeout)",
                "wlan0: STA {mac} WPA: pairwise key handshake completed (RSN)",
                "wlan0: STA {mac} IEEE 802.1X: authentication failed - EAP type: 25 (PEAP)",
                "wlan0: deauthenticated rogue AP {mac} spoofing SSID corp-wifi",
            ],
            "performance": [
                "wlan0: channel utilization {pct}%, {n} stations, airtime fairness engaged",
                "wlan0: STA {mac} dropped: too many retries (poor signal -87 dBm)",
            ],
            "general": [
                "wlan0: STA {mac} IEEE 802.11: associated (aid {few})",
                "wlan0: STA {mac} IEEE 802.11: disassociated",
                "wlan0: AP-ENABLED",
                "wlan0: interface state COUNTRY_UPDATE->ENABLED",
                "wlan0: ACS: channel {few} selected",
            ],
        },
    ),
]
