"""Data processing engines, desktop/mobile UI frameworks and firmware: mostly routine, high-volume lines
whose vocabulary (memory, block, task, permission, lock, interrupt) must not sway the label alone."""

from __future__ import annotations

import logging

from nlp.corpusgen.engine import Source

__all__ = ["SOURCES"]

logger = logging.getLogger(__name__)

SOURCES = [
    Source(
        "flink",
        "stream processing",
        {
            "general": [
                "Job {svc}-pipeline ({hex}) switched from state CREATED to RUNNING.",
                "Source: kafka-{topic} (1/{few}) switched from DEPLOYING to INITIALIZING.",
                "Completed checkpoint {n} for job {hex} ({int} bytes).",
                "Triggering checkpoint {n} @ {big} for job {hex}.",
                "Registering TaskManager with ResourceID {hex} at ResourceManager",
                "Received task Window(TumblingEventTimeWindows(60000)) (2/{few})#0",
                "Loading configuration property: taskmanager.memory.process.size, {mb}m",
                "Un-registering task and sending final execution state FINISHED to JobManager",
                "Freeing task resources for Sink: print (1/1)#0",
                "Restoring job {hex} from savepoint {path}",
                "Memory segment pool initialized with {int} segments",
                "Allocated slot {hex} for job {hex}",
            ],
            "performance": [
                "Checkpoint {n} of job {hex} expired before completing (timeout 600000 ms).",
                "Backpressure status of task Map (1/{few}): HIGH (ratio {sec})",
                "Checkpoint {n} took {ms} ms, alignment {ms} ms",
                "TaskManager {hex} heartbeat timed out",
                "Managed memory exhausted, spilling {mb} MB to disk",
            ],
            "security": [
                "SSL handshake with JobManager failed: certificate unknown",
                "Kerberos login for flink@EXAMPLE.COM failed",
            ],
        },
        ("{ts} {level} org.apache.flink.runtime.{svc} - @msg@",),
    ),
    Source(
        "ray-dask",
        "distributed compute",
        {
            "general": [
                "Scheduler at: tcp://{ip}:8786",
                "Register worker <WorkerState 'tcp://{ip}:{port}', memory: 0, processing: 0>",
                "Starting worker compute stream, tcp://{ip}:{port}",
                "Receive client connection: Client-{uuid}",
                "Task ('read-csv-{hex}', {n}) marked as failed because {few} workers died",
                "Remove client Client-{uuid}",
                "Started a local Ray instance. View the dashboard at http://127.0.0.1:8265",
                "Actor {hex} placed on node {hex}",
                "Object {hex} pinned in object store",
                "Lost reference to object {hex}, reconstructing from lineage",
                "Task {hex} finished on worker {hex}",
                "Computed partition {n} of {int}",
            ],
            "performance": [
                "Worker tcp://{ip}:{port} (pid={pid}) exceeded 95% memory budget. Restarting...",
                "Event loop was unresponsive in Scheduler for {sec}s. This is often caused by long-running GIL-holding "
                "functions",
                "Object store is full, spilling {gb} GiB to disk",
                "Task queue wait time {sec}s, cluster has no idle CPUs",
            ],
            "security": ["Connection rejected: cluster token mismatch from {ip}"],
        },
    ),
    Source(
        "desktop-mobile-ui",
        "ui framework",
        {
            "general": [
                "Window {hex} focused (app={svc})",
                "Surface {hex} destroyed",
                "Screen orientation changed to landscape",
                "Brightness set to {n} (auto)",
                "Notification {hex} posted by {svc}",
                "Notification {hex} dismissed",
                "Activity {svc}.MainActivity resumed",
                "View hierarchy laid out in pass {few}",
                "Touch event ACTION_DOWN at ({int}, {int})",
                "Keyboard shown for input field {hex}",
                "Wallpaper changed",
                "Battery level {pct}%, charging over USB",
                "Wake lock acquired by {svc} (tag={svc}:sync)",
                "Wake lock released by {svc}",
                "Alarm scheduled for {ts}",
                "Audio focus granted to {svc}",
                "Bluetooth device {mac} connected",
                "Wi-Fi connected to SSID corp-guest",
                "Screen off",
                "Screen on, user present",
                "Launcher icon cache rebuilt",
                "Process {svc} died, restarting in 1000ms",
                "Theme switched to dark mode",
                "Clipboard updated by {svc}",
                "Service {svc}.SyncService bound",
                "Broadcast {svc}.SYNC_DONE delivered to {n} receivers",
            ],
            "performance": [
                "Skipped {n} frames! The application may be doing too much work on its main thread.",
                "Application Not Responding: {svc} (input dispatching timed out)",
                "Low memory: killing background process {svc}",
                "UI thread blocked for {ms}ms",
                "Frame render took {ms}ms (jank)",
            ],
            "security": [
                "Permission denial: {svc} requires android.permission.READ_CONTACTS",
                "App {svc} requested camera permission: denied by user",
                "Screen lock: fingerprint authentication failed",
                "Device unlocked with PIN",
                "Untrusted app {svc} blocked from installing",
            ],
            "business": [
                "In-app purchase completed: premium unlock for {amount} {cur}",
                "Subscription to {plan} started from app store",
            ],
        },
    ),
    Source(
        "firmware-hw",
        "firmware",
        {
            "general": [
                "CPU{few}: machine check exception bank {few} status 0x{hex}",
                "register dump: r0={hex} r1={hex} pc={hex} lr={hex}",
                "interrupt controller: {n} interrupts routed to core {few}",
                "instruction fetch exception at address 0x{hex}",
                "alignment exception in user process {pid}, fixed up",
                "parity error on L2 cache line {int}, corrected",
                "single-bit memory error corrected at 0x{hex}",
                "uncorrectable memory error at 0x{hex}, page retired",
                "DMA engine {few} reset",
                "PCIe link training on slot {few} completed at Gen{few} x{few}",
                "PCIe AER: corrected error received from 0000:{few}:00.0",
                "watchdog timer armed ({n}s)",
                "firmware image {version} verified, booting",
                "BMC reset requested by host",
                "node board {few} inserted",
                "node board {few} removed for service",
                "clock source switched to external reference",
                "voltage regulator {few} output nominal",
                "link training failed on port {few}, retrying",
                "packet CRC error on port {few}, {int} errors since reset",
                "core dump generated for process {pid}",
                "floating point exception in process {pid}",
                "illegal instruction in process {pid}",
                "debug register set, breakpoint at 0x{hex}",
                "fabric port {few} status: degraded",
                "node {host} not responding to ping",
                "node {host} back online",
            ],
            "performance": [
                "interrupt storm on IRQ {n}: {int} interrupts/s",
                "{int} microseconds spent in interrupt handler over {n} calls",
                "memory bandwidth saturated on socket {few}",
                "thermal throttling reduced CPU clock to {int} MHz",
            ],
            "security": ["secure boot verification failed: unsigned bootloader", "TPM attestation failed for {host}"],
        },
    ),
]
