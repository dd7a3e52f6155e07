// Alert panel: recent alerts with status and delivery, a button to see their logs, silences to create and end.
import { api } from "./api.js";
import { clear, formatTime, h } from "./dom.js";

const DURATIONS = [["1 hour", 3600], ["4 hours", 14400], ["1 day", 86400], ["1 week", 604800]];

export class AlertsPanel {
  constructor(root, { onShowLogs, onError }) {
    this.root = root;
    this.onShowLogs = onShowLogs;
    this.onError = onError;
  }

  async load() {
    clear(this.root);
    this.root.appendChild(h("h2", { id: "alerts-title" }, "Alerts"));
    const status = h("p", { class: "muted" }, "Loading…");
    this.root.appendChild(status);
    let alerts;
    let silences = [];
    try {
      alerts = await api("/alerts", { params: new URLSearchParams({ from: "now-24h", size: "50" }) });
    } catch (err) {
      status.textContent = err.message;
      return;
    }
    try {
      silences = await api("/silences");
    } catch (err) {
      silences = null;
      this.silenceError = err.message;
    }
    status.remove();
    this.root.appendChild(this.silenceList(silences));
    if (!alerts.alerts.length) {
      this.root.appendChild(h("p", { class: "muted" }, "No alerts in the last 24 hours."));
      return;
    }
    this.root.appendChild(h("ul", { class: "alert-list" }, alerts.alerts.map((a) => this.item(a))));
  }

  item(a) {
    const select = h("select", { "aria-label": `Silence duration for ${a.rule}` },
      DURATIONS.map(([label, s]) => h("option", { value: s }, label)));
    return h("li", { class: `alert alert-${a.status} sev-${a.severity}`, "data-alert-id": a.alert_id },
      h("div", { class: "alert-head" },
        h("span", { class: `badge status-${a.status}` }, a.status),
        h("span", { class: `badge sev sev-${a.severity}` }, a.severity),
        h("strong", {}, a.rule), " · ", a.service || "any service", a.category ? ` · ${a.category}` : ""),
      h("div", { class: "alert-body muted" },
        `value ${a.value} / threshold ${a.threshold} · ${formatTime(a.window_start)} → ${formatTime(a.window_end)}`,
        a.delivery_status ? ` · delivery: ${a.delivery_status}` : ""),
      (a.samples || []).slice(0, 3).map((s) => h("div", { class: "sample" }, String(s))),
      h("div", { class: "alert-actions" },
        h("button", { type: "button", onclick: () => this.onShowLogs(a) }, "Show logs"),
        select,
        h("button", { type: "button", onclick: () => this.silence(a, Number(select.value)) }, "Silence")));
  }

  silenceList(silences) {
    if (silences === null) return h("p", { class: "muted" }, `Silences unavailable: ${this.silenceError}`);
    if (!silences.length) return h("p", { class: "muted" }, "No active silences.");
    return h("div", { class: "silences" }, h("h3", {}, "Active silences"), h("ul", {}, silences.map((s) =>
      h("li", { "data-silence-id": s.id },
        [s.rule && `rule ${s.rule}`, s.service && `service ${s.service}`, s.category && `category ${s.category}`]
          .filter(Boolean).join(", "),
        h("span", { class: "muted" }, ` until ${formatTime(s.expires_at)} by ${s.created_by}`),
        s.comment ? h("span", { class: "muted" }, ` — ${s.comment}`) : null,
        " ",
        h("button", { type: "button", onclick: () => this.unsilence(s.id) }, "End")))));
  }

  async silence(alert, durationS) {
    try {
      await api("/silences", {
        method: "POST",
        body: { rule: alert.rule, service: alert.service || null, duration_s: durationS, comment: "from the dashboard" },
      });
      await this.load();
    } catch (err) {
      this.onError(err.message);
    }
  }

  async unsilence(id) {
    try {
      await api(`/silences/${encodeURIComponent(id)}`, { method: "DELETE" });
      await this.load();
    } catch (err) {
      this.onError(err.message);
    }
  }
}
