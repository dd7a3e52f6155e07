"""More kinds of software: security tools, schedulers, monitoring, retail/telecom/health/HR/games."""

from __future__ import annotations

import logging

from nlp.corpusgen.engine import Source

__all__ = ["SOURCES"]

logger = logging.getLogger(__name__)

SOURCES = [
    Source(
        "suricata-ids",
        "intrusion detection",
        {
            "security": [
                "[1:2024364:4] ET SCAN Nmap Scripting Engine User-Agent Detected [Classification: Web Application "
                "Attack] [Priority: 1] {{TCP}} {ip}:{port} -> {ip}:80",
                "[1:2010935:3] ET POLICY Suspicious inbound to MSSQL port 1433 {{TCP}} {ip}:{port} -> {ip}:1433",
                "[1:2100498:7] GPL ATTACK_RESPONSE id check returned root {{TCP}} {ip}:80 -> {ip}:{port}",
                "ET EXPLOIT Possible Apache Struts OGNL Expression Injection from {ip}",
                "alert: ET TROJAN Cobalt Strike Beacon Observed, src {ip} dst {ip}",
                "ET DOS Possible NTP DDoS Inbound Frequent Un-Authed MON_LIST Requests from {ip}",
                "SURICATA TLS invalid certificate from {ip}:443",
            ],
            "performance": [
                "flow memcap reached: {int} flows dropped, increase flow.memcap",
                "capture: kernel drops {int} packets ({lowpct}%) on {iface}",
                "stats: decoder.pkts {big}, capture.kernel_drops {int}, detect engine behind",
            ],
            "general": [
                "This is Suricata version {version} RELEASE running in SYSTEM mode",
                "{n} rule files processed. {int} rules successfully loaded, 0 rules failed",
                "all {few} packet processing threads, {few} management threads initialized, engine started.",
                "Signal Received.  Stopping engine.",
                "rule reload complete",
            ],
        },
    ),
    Source(
        "clamav-wazuh",
        "endpoint security",
        {
            "security": [
                "{path}: Win.Trojan.Agent-{int} FOUND",
                "Quarantined infected file {path} (Eicar-Signature)",
                "Wazuh alert level 10: Multiple authentication failures from {ip} (rule 5720)",
                "Integrity checksum changed for '/etc/passwd' (syscheck)",
                "Rootcheck: Possible kernel level rootkit detected",
                "New user added to the system: {user} (rule 5902)",
                "File added to the system: /usr/local/bin/.hidden_miner",
            ],
            "performance": [
                "LibClamAV Warning: scan of {path} aborted: max scan time exceeded ({sec}s)",
                "wazuh-analysisd: Event queue is {pct}% full, events may be dropped",
            ],
            "general": [
                "Database updated ({int} signatures) from database.clamav.net",
                "clamd daemon {version} started",
                "SelfCheck: Database status OK.",
                "wazuh-agentd: Connected to the server ({ip}:1514/tcp)",
                "wazuh-modulesd: Vulnerability detector feed update finished",
            ],
        },
    ),
    Source(
        "cloudflare-waf",
        "cdn/waf",
        {
            "security": [
                'action=block ruleId=100015 clientIP={ip} uri={urlpath} reason="SQLi attempt"',
                "action=challenge source=bot_management clientIP={ip} botScore={few}",
                'action=block source=firewall_custom clientCountry=XX rule="geo block"',
                "DDoS attack mitigated: {int} requests/s from {n} countries against {domain}",
                "Edge certificate for {domain} renewed (expires in 90 days)",
                'action=log ruleId=981176 "Inbound anomaly score exceeded" clientIP={ip}',
            ],
            "performance": [
                "Origin {domain} responded with 524: A timeout occurred",
                "cache hit ratio for zone {domain} fell to {lowpct}%",
                "Origin response time p90 {ms}ms from colo FRA",
                "Rate limiting rule triggered for {urlpath}: {int} requests/min from {ip}",
            ],
            "general": [
                "Zone {domain} settings updated: always_use_https=on",
                "Purge everything requested for zone {domain}",
                "Worker script '{svc}-router' deployed",
                "DNS record api.{domain} updated (A -> {ip})",
                "Origin {domain} returned 502 Bad Gateway",
            ],
        },
    ),
    Source(
        "airflow",
        "workflow scheduler",
        {
            "security": [
                "User {user} does not have permission to trigger DAG {svc}_etl",
                "Failed login attempt for {user} on webserver from {ip}",
                "Connection 'warehouse_db' password updated by {user}",
            ],
            "performance": [
                "Task {svc}_etl.load exceeded SLA of 30 minutes (ran {min} minutes)",
                "Executor reports {n} tasks queued, parallelism limit reached",
                "DAG file processing took {sec}s (dag_file_processor_timeout=50s)",
                "Task {svc}_etl.extract timed out after {sec} seconds",
            ],
            "general": [
                "Marking task as SUCCESS. dag_id={svc}_etl, task_id=transform",
                "Starting attempt {few} of {few}",
                "Executing <Task(PythonOperator): load> on {ts}",
                "Filling up the DagBag from /opt/airflow/dags",
                "Task exited with return code 1",
                "DAG {svc}_etl is paused",
                "Running command: airflow tasks run {svc}_etl extract",
            ],
        },
    ),
    Source(
        "zabbix-nagios",
        "monitoring",
        {
            "security": [
                "SERVICE ALERT: {host};SSL Certificate;CRITICAL;HARD;3;SSL CRITICAL - Certificate expires in {few} "
                "days",
                "Zabbix frontend: user {user} failed to log in from {ip}",
            ],
            "performance": [
                "SERVICE ALERT: {host};CPU Load;WARNING;SOFT;1;load average: {few}.{n}, {few}.{n}, {few}.{n}",
                "SERVICE ALERT: {host};Disk Space;CRITICAL;HARD;3;DISK CRITICAL - free space: / {mb} MB ({lowpct}%)",
                "Problem: High memory utilization on {host} (>{pct}% for 5m)",
                "SERVICE ALERT: {host};HTTP;WARNING;HARD;3;HTTP WARNING: response time {sec} seconds",
                "Problem: Zabbix poller processes more than 75% busy",
                "SERVICE ALERT: {host};Swap;CRITICAL;HARD;3;SWAP CRITICAL - {lowpct}% free",
            ],
            "general": [
                "HOST ALERT: {host};DOWN;HARD;1;PING CRITICAL - Packet loss = 100%",
                "HOST ALERT: {host};UP;HARD;1;PING OK - Packet loss = 0%",
                "SERVICE NOTIFICATION: oncall;{host};HTTP;OK;notify-by-email;HTTP OK: HTTP/1.1 200 OK",
                "Caught SIGHUP, restarting...",
                "Resolved: {host} is unreachable for 5 minutes",
                'Zabbix agent item "system.uptime" on "{host}" became supported',
                "Nagios {version} starting... (PID={pid})",
            ],
        },
    ),
    Source(
        "openstack-nova",
        "cloud compute",
        {
            "security": [
                "Policy check for os_compute_api:servers:delete failed with credentials (user {user})",
                "Keystone token validation failed: The request you have made requires authentication. (HTTP 401)",
                "Security group rule added: ingress tcp 22 from 0.0.0.0/0 by project {hex}",
            ],
            "performance": [
                "No valid host was found. There are not enough hosts available (RAM filter returned 0 hosts)",
                "Instance {uuid} took {sec} seconds to build",
                "Waiting for neutron port binding timed out after 300 seconds",
                "Quota exceeded for cores: Requested {n}, but already used {n} of {n} cores",
            ],
            "general": [
                "[instance: {uuid}] Instance spawned successfully.",
                "[instance: {uuid}] Terminating instance",
                "[instance: {uuid}] VM Stopped (Lifecycle Event)",
                "Compute node record created for {host} with uuid {uuid}",
                "[instance: {uuid}] Attaching volume {uuid} to /dev/vdb",
                "Starting compute node (version {version})",
                "[instance: {uuid}] Migrating instance to {host} finished successfully",
            ],
        },
    ),
    Source(
        "pos-retail",
        "point of sale",
        {
            "business": [
                "Store {n} register {few}: sale #{int} completed, {qty} items, total {amount} {cur} (cash)",
                "Store {n}: refund of {amount} {cur} processed for receipt {int}",
                "Loyalty card {card4} scanned, {n} points added",
                "End-of-day Z report store {n}: {int} transactions, takings {amount} {cur}",
                "Price override on {sku} by cashier {user}: {amount} -> {amount} {cur}",
                "Gift card sold at register {few}: {amount} {cur}",
                "Layaway order {order} deposit received: {amount} {cur}",
                "Promotion '3 for 2' applied to basket at till {few}",
            ],
            "security": [
                "Cashier {user} failed manager override PIN (attempt {few})",
                "Cash drawer opened without sale by {user} (no-sale event)",
                "Card reader {hex} tamper detected, device disabled",
            ],
            "performance": [
                "Payment terminal response slow: {sec}s",
                "Sync of sales to HQ delayed, {int} receipts queued",
            ],
            "general": [
                "Register {few} booted, software {version}",
                "Receipt printer paper low at till {few}",
                "Price file downloaded from HQ ({int} items)",
                "Barcode {int} not found in item master",
            ],
        },
    ),
    Source(
        "telecom-bss",
        "telecom",
        {
            "business": [
                "SIM {big} activated on plan {plan} for subscriber {customer}",
                "Number port-in request {hex} completed from donor operator",
                "Subscriber {customer} bought {few} GB roaming data pack for {amount} {cur}",
                "Monthly bill generated for account {customer}: {amount} {cur}",
                "Prepaid top-up of {amount} {cur} credited to {customer}",
                "Contract renewal: {customer} extended for 24 months with new handset",
                "Tariff change from {plan} to {plan} scheduled for next cycle",
            ],
            "performance": [
                "CDR mediation backlog {int} files",
                "Diameter Gx request latency {ms}ms above threshold",
                "Cell site {hex} congestion: PRB utilisation {pct}%",
            ],
            "security": [
                "SIM swap for {customer} blocked: identity verification failed",
                "SS7 firewall blocked location query from unknown GT",
            ],
            "general": [
                "Rating engine started",
                "Tariff table v{few} deployed",
                "HLR provisioning link re-established",
            ],
        },
    ),
    Source(
        "healthcare-scheduling",
        "healthcare",
        {
            "business": [
                "Appointment {hex} booked with Dr. {user} for {ts}",
                "Patient {customer} cancelled appointment {hex} (less than 24h notice fee applied)",
                "Telehealth visit completed, invoice {int} sent to insurer",
                "Prescription refill request {int} approved by pharmacy",
                "New patient registration {customer} via online portal",
            ],
            "security": [
                "Break-glass access to patient record {int} by {user} (audit)",
                "HIPAA audit: record {int} viewed by {user} from {ip}",
                "Portal login failed for patient {customer}: wrong date of birth",
            ],
            "performance": ["EHR query for patient timeline took {sec}s", "HL7 interface queue backlog {int} messages"],
            "general": [
                "HL7 listener started on port 2575",
                "Clinic calendar {few} imported",
                "Lab result parser: unknown OBX segment",
            ],
        },
    ),
    Source(
        "hr-payroll",
        "hr",
        {
            "business": [
                "Payroll run {ts} completed: {int} employees, gross {amount} {cur}",
                "Employee {customer} onboarded: start date {ts}, department sales",
                "Expense claim {int} approved: {amount} {cur} travel",
                "Leave request {hex} approved for {customer} ({few} days)",
                "Bonus of {amount} {cur} scheduled for employee {customer}",
                "Job offer {int} accepted by candidate {customer}",
            ],
            "security": [
                "Salary data export by {user} blocked: missing HR-admin role",
                "SSO login for {email} via SAML succeeded",
            ],
            "performance": ["Payroll calculation took {min} minutes for {int} employees"],
            "general": ["Holiday calendar {country} updated", "HRIS sync started", "Org chart rebuilt ({int} nodes)"],
        },
    ),
    Source(
        "game-backend",
        "online game",
        {
            "business": [
                "Player {customer} purchased {n} gems for {amount} {cur} (in-app purchase)",
                "Battle pass season {few} bought by player {customer}",
                "Player {customer} redeemed promo code {coupon}: 500 coins",
                "Subscription VIP renewed for player {customer}",
                "Daily active players {int}, revenue {amount} {cur}",
                "Refund for in-app purchase {hex} approved by store",
            ],
            "security": [
                "Cheat detected: player {customer} speed hack, account banned",
                "Player {customer} session token reused from different IP {ip}, kicked",
                "Anti-tamper: modified client binary from {ip}",
            ],
            "performance": [
                "Match server tick took {ms}ms (budget 33ms)",
                "Matchmaking queue wait {sec}s for region {region}",
                "Game server {host} at {pct}% CPU with {n} players",
            ],
            "general": [
                "Match {hex} started on map {few} with {n} players",
                "Player {customer} joined lobby {hex}",
                "Game server {host} registered with fleet",
                "Leaderboard season {few} rolled over",
                "Asset bundle {version} published to CDN",
            ],
        },
    ),
    Source(
        "erp-finance",
        "erp",
        {
            "business": [
                "Sales order {order} created for customer {customer}, net value {amount} {cur}",
                "Goods issue posted for delivery {int}",
                "Vendor invoice {int} posted: {amount} {cur}, due in {days} days",
                "Customer {customer} credit limit exceeded, sales order {order} blocked for approval",
                "Purchase requisition {int} approved by cost centre owner",
                "Quarter close: revenue recognised {amount} {cur}",
                "Dunning letter level {few} sent to customer {customer} for {amount} {cur} overdue",
            ],
            "security": [
                "User {user} assigned role SAP_ALL (critical authorisation)",
                "RFC logon failed for user {user} from {ip}",
            ],
            "performance": [
                "Dialog response time {ms}ms above 1000ms threshold",
                "Background job MRP_RUN runtime {min} minutes",
            ],
            "general": [
                "Transport request {hex} imported into PRD",
                "Background job {job} finished",
                "Work process {few} restarted",
            ],
        },
    ),
    Source(
        "donations-crowdfunding",
        "non-profit",
        {
            "business": [
                "Donation of {amount} {cur} received from {email} for campaign {int}",
                "Campaign {int} reached {pct}% of its funding goal",
                "Recurring donation set up: {amount} {cur}/month by donor {customer}",
                "Pledge {hex} cancelled by backer {customer}",
                "Tax receipt {int} issued to donor {customer}",
            ],
            "security": ["Card testing pattern detected on donation form from {ip}, blocked"],
            "performance": ["Donation page p95 load time {sec}s during telethon"],
            "general": ["Campaign {int} page published", "CRM export scheduled nightly"],
        },
    ),
]
