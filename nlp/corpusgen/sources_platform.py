"""Container platforms, Kubernetes, CI/CD, infrastructure tooling and monitoring."""

from __future__ import annotations

import logging

from nlp.corpusgen.engine import Source

__all__ = ["SOURCES"]

logger = logging.getLogger(__name__)

_KLOG = "I{n}{n} {n}:{n}:{n}.{int}    {pid} {svc}.go:{n}] @msg@"

SOURCES = [
    Source(
        "kubelet",
        "kubernetes",
        {
            "security": [
                "Unable to authenticate the request due to an error: x509: certificate has expired or is not yet valid",
                "Rotating certificates: client certificate expires in {days} days",
                'failed to pull image "registry.example.com/{svc}:{version}": unauthorized: authentication required',
                'Error syncing pod {pod}: secret "{svc}-db-credentials" is forbidden: User "system:node:{node}" '
                'cannot get resource "secrets"',
            ],
            "performance": [
                'Successfully pulled image "{svc}:{version}" in {sec}s',
                "Memory cgroup out of memory: Killed process {pid} ({svc}) total-vm:{big}kB, anon-rss:{big}kB",
                "Container {svc} in pod {pod} was OOMKilled (exit code 137, memory limit {mb}Mi)",
                "eviction manager: attempting to reclaim ephemeral-storage",
                "eviction manager: pods {pod}_{ns} evicted, node has disk pressure",
                'Liveness probe failed: Get "http://{ip}:8080/healthz": context deadline exceeded (Client.Timeout '
                "exceeded while awaiting headers)",
                "PLEG is not healthy: pleg was last seen active {min}m{n}s ago; threshold is 3m0s",
                'Readiness probe failed: timeout: failed to connect service ":9000" within 1s',
                "Node {node} status is now: NodeHasInsufficientMemory",
                "CPU throttling: container {svc} throttled {pct}% of periods over the last 5m",
                "Image garbage collection failed: wanted to free {big} bytes, but freed 0 bytes, disk usage {pct}%",
            ],
            "general": [
                "Started container {svc}",
                "Created container {svc}",
                "Killing container with id containerd://{hex}: Need to kill Pod",
                "Back-off restarting failed container {svc} in pod {pod}_{ns}",
                'SyncLoop (ADD, "api"): "{pod}_{ns}"',
                'Volume "pvc-{uuid}" attached to node {node}',
                "Node {node} status is now: NodeReady",
                "Error: ImagePullBackOff: manifest for {svc}:{version} not found",
                "Liveness probe failed: HTTP probe failed with statuscode: 500",
                'MountVolume.SetUp succeeded for volume "config" (UniqueName: "kubernetes.io/configmap/{uuid}-config")',
            ],
        },
        (_KLOG.replace("{svc}", "kubelet"),),
    ),
    Source(
        "kube-apiserver",
        "kubernetes",
        {
            "security": [
                "Unable to authenticate the request: [invalid bearer token, service account token has been "
                "invalidated]",
                'RBAC: access denied: user "system:serviceaccount:{ns}:default" cannot list resource "pods" in API '
                'group "" in the namespace "{ns}"',
                'audit: {{"verb":"create","user":{{"username":"{email}"}},'
                '"objectRef":{{"resource":"clusterrolebindings","name":"cluster-admin-{user}"}},"responseStatus":{{"code":201}}}}',
                'forbidden: User "{email}" cannot delete resource "secrets" in the namespace "{ns}"',
                'admission webhook "validation.gatekeeper.sh" denied the request: container {svc} runs as root',
                "http: TLS handshake error from {ip}:{port}: remote error: tls: bad certificate",
                'pod security admission: pod {pod} violates PodSecurity "restricted:latest": privileged',
            ],
            "performance": [
                'Trace[{int}]: "List" url:/api/v1/namespaces/{ns}/pods (total time: {ms}ms)',
                "Throttling request took {sec}s, request: GET:https://{ip}:6443/apis/apps/v1/deployments",
                "apiserver was unable to write a JSON response: http2: stream closed (request took {sec}s, "
                "timeout 60s)",
                "etcdserver: request timed out",
                "APF: request rejected, priority level workload-low queue full ({n} requests waiting)",
            ],
            "general": [
                "Serving securely on [::]:6443",
                "quota admission added evaluator for: deployments.apps",
                "Starting RemoteAvailability controller",
                "Shutting down APIServiceRegistrationController",
                "watch chan error: etcdserver: mvcc: required revision has been compacted",
                'Error from server (NotFound): deployments.apps "{svc}" not found',
            ],
        },
        (_KLOG.replace("{svc}", "apiserver"),),
    ),
    Source(
        "kube-scheduler",
        "kubernetes",
        {
            "performance": [
                "0/{few} nodes are available: {few} Insufficient cpu, {few} Insufficient memory. preemption: 0/{few} "
                "nodes are available",
                "FailedScheduling: pod {pod} cannot be scheduled: Insufficient nvidia.com/gpu",
                "scheduling cycle for pod {ns}/{pod} took {ms}ms, exceeding the 100ms budget",
                "HorizontalPodAutoscaler {svc}: New size: {n}; reason: cpu resource utilization (percentage of "
                "request) above target",
                "cluster-autoscaler: scale-up: setting group pool-1 size to {n}, pending pods lack resources",
            ],
            "general": [
                "Successfully assigned {ns}/{pod} to {node}",
                "0/{few} nodes are available: {few} node(s) had untolerated taint {{node-role.kubernetes.io/"
                "control-plane: }}",
                "Scaled up replica set {svc}-{hex} to {few}",
                "Deleted pod: {pod}",
                "leaderelection: successfully acquired lease kube-system/kube-scheduler",
                "Rollout of deployment {svc} complete: {few} of {few} updated replicas are available",
            ],
        },
    ),
    Source(
        "containerd",
        "container runtime",
        {
            "security": [
                'apparmor="DENIED" operation="mount" profile="docker-default" name="/proc/sys" pid={pid}',
                "seccomp: syscall ptrace blocked for container {hex}",
                "image signature verification failed for registry.example.com/{svc}@sha256:{sha}",
            ],
            "performance": [
                "failed to create containerd task: OCI runtime create failed: cgroup memory limit exceeded",
                'time="{ts}" level=warning msg="cleanup warnings time out after {ms}ms"',
                "disk usage of /var/lib/containerd is {pct}%, image GC triggered",
            ],
            "general": [
                'time="{ts}" level=info msg="starting containerd" revision={short_sha} version={version}',
                'time="{ts}" level=info msg="shim disconnected" id={hex}',
                'time="{ts}" level=info msg="RunPodSandbox for &PodSandboxMetadata{{Name:{pod},Namespace:{ns}}}"',
                'time="{ts}" level=error msg="ContainerStatus for \\"{hex}\\" failed" error="not found"',
                'time="{ts}" level=info msg="PullImage \\"{svc}:{version}\\" returns image reference"',
            ],
        },
    ),
    Source(
        "docker",
        "container runtime",
        {
            "security": [
                "Error response from daemon: pull access denied for {svc}, repository does not exist or may require "
                "'docker login'",
                "Login Succeeded for user {user} on registry.example.com",
                'level=warning msg="Running container as privileged with host network" container={hex}',
            ],
            "performance": [
                "Error response from daemon: no space left on device",
                'level=warning msg="Health check for container {hex} timed out after 30s"',
                "container {svc} memory usage {pct}% of limit ({mb}MiB)",
            ],
            "general": [
                'level=info msg="Daemon has completed initialization"',
                'level=info msg="API listen on /var/run/docker.sock"',
                'level=info msg="ignoring event" container={hex} module=libcontainerd topic=/tasks/delete',
                "Container {svc} exited with code 1",
                "Successfully built {short_sha}",
                "level=info msg=\"Processing signal 'terminated'\"",
            ],
        },
    ),
    Source(
        "istio",
        "service mesh",
        {
            "security": [
                "rbac_access_denied_matched_policy[ns[{ns}]-policy[deny-external]-rule[0]]",
                "mTLS: peer certificate for spiffe://cluster.local/ns/{ns}/sa/{svc} failed verification",
                "Workload certificate rotated for spiffe://cluster.local/ns/{ns}/sa/{svc}",
            ],
            "performance": [
                "outlier detection: ejecting host {ip}:8080 from cluster outbound|8080||{svc} (consecutive 5xx, "
                "p99 latency {ms}ms)",
                "upstream_reset_before_response_started{{overflow}}: pending request queue full for {svc}",
            ],
            "general": [
                "Envoy proxy is ready",
                "ads: Push debounce stable[{n}] {few} for config ServiceEntry: {ms}ms since last change",
                "Starting Istio Agent for pod {pod}.{ns}",
                "xds: ADS: new connection for node {pod}.{ns}",
            ],
        },
    ),
    Source(
        "argocd",
        "cd",
        {
            "security": [
                "user {email} is not permitted to sync application {svc}: permission denied",
                "failed to verify GPG signature of commit {sha}: unknown key",
            ],
            "performance": [
                "Repo server request timed out after {sec}s while generating manifests for {svc}",
                "reconciliation of {svc} took {sec}s (comparison {ms}ms)",
            ],
            "general": [
                "Sync operation to {short_sha} succeeded for application {svc}",
                "Updated health status: Progressing -> Healthy",
                "Refreshing app status (controller refresh requested), level (1)",
                "Application {svc} is OutOfSync with revision {short_sha}",
                "Initiated automated sync to '{short_sha}'",
            ],
        },
    ),
    Source(
        "terraform",
        "infrastructure as code",
        {
            "security": [
                "Error: error configuring Terraform AWS Provider: no valid credential sources for Terraform AWS "
                "Provider found.",
                "aws_iam_role_policy_attachment.{svc}_admin: Creation complete (AdministratorAccess attached)",
                "Error: creating S3 bucket policy: AccessDenied: Access Denied status code: 403",
            ],
            "performance": [
                "aws_instance.{svc}: Creation complete after {n}s [id=i-{hex}]",
                "Error: timeout while waiting for state to become 'available' (last state: 'creating', timeout: 40m0s)",
                "Still creating... [{min}m{n}s elapsed]",
            ],
            "general": [
                "Plan: {n} to add, {few} to change, 0 to destroy.",
                "Apply complete! Resources: {n} added, {few} changed, 0 destroyed.",
                "Acquiring state lock. This may take a few moments...",
                "Initializing provider plugins...",
            ],
        },
    ),
    Source(
        "jenkins",
        "ci",
        {
            "security": [
                "Failed to authenticate user {user}: Invalid password/token",
                "{user} is missing the Overall/Administer permission",
                "Credentials {uuid} used by job {job} were updated by {user}",
                "Script approval: {user} approved signature staticMethod java.lang.Runtime getRuntime",
                "CSRF protection: No valid crumb was included in the request from {ip}",
            ],
            "performance": [
                "Build queue is long: {n} items waiting for an executor on label linux",
                "Agent {host} is offline: disk space is too low. Only {gb}.{few}GB left on /var/lib/jenkins",
                "Timeout has been exceeded, aborting stage '{job}' after {min} minutes",
                "Jenkins is running low on heap: {pct}% used after full GC",
            ],
            "general": [
                "Started by user {user}",
                "Finished: SUCCESS",
                "Finished: FAILURE",
                "Checking out Revision {sha} (origin/{branch})",
                "Building in workspace /var/lib/jenkins/workspace/{job}",
                "[Pipeline] stage ({job})",
                "Jenkins is fully up and running",
                "Agent {host} connected",
                "Archiving artifacts",
                "Tests run: {n}, Failures: {few}, Errors: 0, Skipped: {few}",
            ],
        },
    ),
    Source(
        "github-actions",
        "ci",
        {
            "security": [
                "Error: Resource not accessible by integration (HttpError: 403)",
                "Warning: secret GH_TOKEN is masked in the log",
                "Requested labels: self-hosted; job rejected: repository {repo} is not allowed to use runner group",
                "OIDC token exchange failed: audience not allowed for role arn:aws:iam::{big}:role/deploy",
                "Dependabot: security advisory GHSA-{hex} affects lodash < 4.17.21",
            ],
            "performance": [
                "The job running on runner {host} has exceeded the maximum execution time of 360 minutes.",
                "Cache restored in {sec}s, size {mb} MB",
                "Waiting for a runner to pick up this job... ({min} minutes in queue)",
            ],
            "general": [
                "Run actions/checkout@v4",
                "Job {job} completed with result: success",
                "Process completed with exit code 1.",
                "Post job cleanup.",
                "Prepare workflow directory",
                "Uploading artifact 'coverage' from {repo}",
                "Deploying to environment 'production' from {branch}",
            ],
        },
    ),
    Source(
        "gitlab-runner",
        "ci",
        {
            "security": [
                "ERROR: Verifying runner... is removed: 403 Forbidden",
                "HTTP Basic: Access denied for user {user} from {ip}",
                "Secret detection found {few} potential leaks in commit {short_sha}",
            ],
            "performance": [
                "Job succeeded duration_s={sec} job={int} project={n}",
                "ERROR: Job failed: execution took longer than 1h0m0s seconds",
                "WARNING: Job queue is full ({n} jobs), consider increasing concurrent",
            ],
            "general": [
                "Checking for jobs... received job={int} repo_url={url} runner={short_sha}",
                "Running with gitlab-runner {version} on docker-runner {short_sha}",
                "Pipeline #{int} has been created for branch {branch}",
                'WARNING: Failed to pull image with policy "always": manifest unknown',
            ],
        },
    ),
    Source(
        "prometheus",
        "monitoring",
        {
            "security": [
                'level=warn component=web msg="Unauthorized scrape of /metrics from {ip}"',
                'level=error component="scrape manager" msg="x509: certificate signed by unknown authority" '
                "target={url}",
            ],
            "performance": [
                'level=warn component="scrape manager" msg="Scrape duration exceeds scrape interval" '
                "scrape_pool={svc} duration={sec}s",
                'level=warn component=tsdb msg="Head GC took too long" duration={sec}s',
                'level=warn msg="Error on ingesting samples that are too old or are too far into the future" '
                "num_dropped={n}",
                "ALERT HighRequestLatency firing: {svc} p99 latency {ms}ms > 500ms for 10m",
                "ALERT NodeFilesystemAlmostFull firing: {host} /var {pct}% used",
            ],
            "general": [
                'level=info msg="Server is ready to receive web requests."',
                'level=info component=tsdb msg="Compaction done" blocks={few}',
                'level=info msg="Loading configuration file" filename=/etc/prometheus/prometheus.yml',
                'level=info component=tsdb msg="WAL segment loaded" segment={n} maxSegment={n}',
                "ALERT InstanceDown firing: {host}:9100 has been down for more than 5 minutes",
                'level=info msg="Completed loading of configuration file"',
            ],
        },
    ),
]
