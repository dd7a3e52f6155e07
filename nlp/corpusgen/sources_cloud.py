"""Cloud control planes, storage, backup, coordination, config management, plus a few more domain apps."""

from __future__ import annotations

import logging

from nlp.corpusgen.engine import Source

__all__ = ["SOURCES"]

logger = logging.getLogger(__name__)

SOURCES = [
    Source(
        "aws-cloudtrail",
        "cloud audit",
        {
            "security": [
                'eventName=ConsoleLogin errorMessage="Failed authentication" userIdentity.userName={user} '
                "sourceIPAddress={ip}",
                "eventName=AttachUserPolicy userIdentity.arn=arn:aws:iam::{big}:user/{user} policyArn=arn:aws:iam::aws:"
                "policy/AdministratorAccess",
                "eventName=PutBucketPolicy bucketName={bucket} errorCode=AccessDenied",
                "eventName=CreateAccessKey userIdentity.userName={user} sourceIPAddress={ip}",
                "eventName=StopLogging trailName=org-trail userIdentity.userName={user}",
                "eventName=AssumeRole roleArn=arn:aws:iam::{big}:role/admin sourceIdentity={user}",
                "GuardDuty finding: UnauthorizedAccess:EC2/SSHBruteForce on instance i-{hex} from {ip}",
                "eventName=AuthorizeSecurityGroupIngress groupId=sg-{hex} cidrIp=0.0.0.0/0 port=22",
            ],
            "performance": [
                "eventName=RunInstances errorCode=InsufficientInstanceCapacity instanceType=m5.2xlarge region={region}",
                'eventName=DescribeInstances errorCode=ThrottlingException errorMessage="Rate exceeded"',
                "Lambda function {svc}-handler: Task timed out after {sec} seconds",
                "REPORT RequestId: {uuid} Duration: {ms}.{few} ms Billed Duration: {ms} ms Memory Size: {mb} MB Max "
                "Memory Used: {mb} MB",
                "Lambda function {svc}-worker: Runtime exited with error: signal: killed (Max Memory Used reached)",
                "DynamoDB table {table}: ProvisionedThroughputExceededException on write",
            ],
            "general": [
                "eventName=RunInstances instanceType=t3.medium region={region} responseElements.instancesSet=i-{hex}",
                "eventName=CreateBucket bucketName={bucket} region={region}",
                "START RequestId: {uuid} Version: $LATEST",
                "END RequestId: {uuid}",
                "Auto Scaling group {svc}-asg: Launching a new EC2 instance: i-{hex}",
                "eventName=UpdateFunctionCode functionName={svc}-handler",
                "CloudFormation stack {svc}-prod UPDATE_COMPLETE",
            ],
        },
    ),
    Source(
        "ceph-minio",
        "object storage",
        {
            "security": [
                "S3 request denied: AccessDenied for access key AKIA{hex} on bucket {bucket}",
                "minio: Unable to validate credentials: The request signature we calculated does not match",
                "bucket {bucket} policy changed to public-read by {user}",
                "auth: could not find secret_id=client.{svc}, cephx authentication failed",
            ],
            "performance": [
                "HEALTH_WARN {n} slow ops, oldest one blocked for {n} sec, osd.{few} has slow ops",
                "OSD_NEARFULL: {few} nearfull osd(s), pool {svc} is {pct}% full",
                "POOL_TOO_FEW_PGS: {few} pools have too few placement groups",
                "minio: disk {path} is slow: {ms}ms average latency",
                "MDS_SLOW_REQUEST: {few} MDSs report slow requests",
            ],
            "general": [
                "HEALTH_OK",
                "osd.{few} marked itself down and dead",
                "osd.{few} boot",
                "pgmap v{int}: {int} pgs: {int} active+clean; {gb} GiB data",
                "mon.{host} calling monitor election",
                "minio: Healing drive '{path}' complete",
                "Bucket {bucket} created",
                "scrub ok on pg 2.{hex}",
            ],
        },
    ),
    Source(
        "zfs-backup",
        "storage/backup",
        {
            "security": [
                "restic: wrong password or no key found for repository s3:{bucket}",
                "backup repository encryption key rotated by {user}",
            ],
            "performance": [
                "zpool tank is {pct}% full, performance may degrade",
                "snapshot {svc}@daily took {sec}s to send ({gb} GB)",
                "Backup job {job} ran past its window: {min} minutes over",
                "ARC hit ratio fell to {lowpct}%",
            ],
            "general": [
                "zfs: scrub repaired 0B in 00:{n}:{n} with 0 errors on tank",
                "zpool tank: vdev state changed to DEGRADED",
                "created snapshot tank/{svc}@auto-{ts}",
                "Backup job '{job}' completed successfully: {int} files, {gb} GB",
                "restic: snapshot {short_sha} saved",
                "pruning old snapshots: kept {n}, removed {few}",
            ],
        },
    ),
    Source(
        "etcd-consul",
        "coordination",
        {
            "security": [
                'rejected connection from "{ip}:{port}" (error "tls: failed to verify client certificate")',
                "consul: ACL not found: token {uuid} used by agent {host}",
                "etcdserver: permission denied for user {user} on key range /registry/secrets",
            ],
            "performance": [
                "apply request took too long (took {ms}ms, expected less than 100ms)",
                "failed to send out heartbeat on time (exceeded the 100ms timeout for {ms}ms)",
                "etcdserver: mvcc: database space exceeded",
                "slow fdatasync took={sec}s expected-duration=1s",
                "consul.raft: Failed to contact {ip}:8300 in {ms}ms",
            ],
            "general": [
                "raft.node: {hex} elected leader {hex} at term {n}",
                "published local member to cluster through raft",
                "consul: New leader elected: {host}",
                "consul: member '{host}' joined, marking health alive",
                "consul: member '{host}' failed, marking health critical",
                "compacted revision {int}",
                "ready to serve client requests",
                'agent: Synced service "{svc}"',
            ],
        },
    ),
    Source(
        "ansible",
        "config management",
        {
            "security": [
                'fatal: [{host}]: UNREACHABLE! => {{"msg": "Failed to connect to the host via ssh: Permission '
                'denied (publickey,password)."}}',
                "TASK [harden : Disable root SSH login] changed: [{host}]",
                "vault: Decryption failed (no vault secrets were found that could decrypt)",
            ],
            "performance": [
                'fatal: [{host}]: FAILED! => {{"msg": "Timeout (12s) waiting for privilege escalation prompt"}}',
                "PLAY RECAP took {min}m{n}s for {n} hosts",
            ],
            "general": [
                "PLAY [webservers] ***",
                "TASK [nginx : Install packages] ok: [{host}]",
                "changed: [{host}] => (item={svc})",
                "PLAY RECAP {host} : ok={n} changed={few} unreachable=0 failed=0",
                'fatal: [{host}]: FAILED! => {{"changed": false, "msg": "No package matching \'{svc}\' found"}}',
            ],
        },
    ),
    Source(
        "grafana-alertmanager",
        "monitoring",
        {
            "security": [
                'logger=context userId=0 orgId=0 uname= t={ts} level=info msg="Invalid username or password"',
                'logger=auth.oauth msg="User not in allowed organizations" email={email}',
                "API key '{svc}-ro' created by {user} with role Viewer",
            ],
            "performance": [
                'level=warn component=dispatcher msg="Notify for alerts failed" err="context deadline exceeded"',
                'logger=tsdb.prometheus msg="Query took too long" duration={sec}s',
            ],
            "general": [
                'logger=server msg="HTTP Server Listen" address=[::]:3000',
                'level=info component=dispatcher msg="Completed notify" receiver=slack-ops',
                'logger=provisioning.dashboard msg="starting to provision dashboards"',
                'level=info msg="Loading configuration file" file=/etc/alertmanager/alertmanager.yml',
                'logger=migrator msg="migrations completed" performed={n} skipped=0',
            ],
        },
    ),
    Source(
        "memcached",
        "cache",
        {
            "performance": [
                "Too many open connections (maxconns={int})",
                "slab class {few}: evictions {int}, memory limit {mb}MB reached",
                "hit rate {lowpct}% over last minute",
            ],
            "general": [
                "server listening (udp)",
                "<{n} new auto-negotiating client connection",
                "<{n} connection closed.",
            ],
            "security": ["SASL authentication failed for client {ip}"],
        },
    ),
    Source(
        "event-ticketing",
        "ticketing",
        {
            "business": [
                "{qty} tickets sold for event {int} ({city}), revenue {amount} {cur}",
                "Event {int} sold out: {int} seats",
                "Ticket {hex} transferred from {customer} to {customer}",
                "Waitlist position {n} offered a ticket for event {int}",
                "Refund issued for cancelled concert {int}: {amount} {cur} to {customer}",
                "Presale code {coupon} unlocked {qty} seats for fan club member {customer}",
            ],
            "performance": ["Queue-it waiting room active: {int} users queued for event {int}"],
            "security": ["Bot traffic detected on event {int} checkout: {n} requests blocked from {ip}"],
            "general": ["Seat map for venue {int} imported"],
        },
    ),
    Source(
        "edu-platform",
        "e-learning",
        {
            "business": [
                "Student {customer} enrolled in course {int} ({plan} plan)",
                "Course {int} purchased by {email} for {amount} {cur}",
                "Certificate issued to {customer} for completing course {int}",
                "Learner {customer} completed lesson {few} of module {few}",
                "Instructor {customer} published new course with {n} lectures",
            ],
            "performance": ["Video transcoding backlog: {n} lectures waiting"],
            "security": ["Exam proctoring flagged session {hex}: second person detected"],
            "general": ["LTI integration with campus LMS configured"],
        },
    ),
    Source(
        "crm-helpdesk",
        "crm",
        {
            "business": [
                "SLA breached: ticket #{int} first response after {n} hours",
                "Lead {int} created from web form (campaign {coupon})",
                "Opportunity {int} moved to stage 'Closed Won' with value {amount} {cur}",
                "Support ticket #{int} opened by customer {customer}: 'refund for order {order}'",
                "Ticket #{int} resolved; customer satisfaction {few}/5",
                "Deal {int} lost to competitor, reason: price",
                "Customer {customer} churned after {n} months (plan {plan})",
            ],
            "security": ["Agent {user} exported {int} contact records (data export audit)"],
            "general": ["Mailbox support@ synchronised", "Macro 'refund-approved' updated"],
        },
    ),
]
