// Live tail over WebSocket (/ws/logs) with the same filters as the search; reconnects after a dropped
// connection, but not after the server refused the filters.

export class Tail {
  constructor({ onDocs, onStatus }) {
    this.onDocs = onDocs;
    this.onStatus = onStatus;
    this.ws = null;
    this.wanted = false;
    this.received = 0;
    this.dropped = 0;
    this.retryMs = 1000;
    this.timer = null;
  }

  start(params) {
    this.stop();
    this.wanted = true;
    this.params = params;
    this.received = 0;
    this.dropped = 0;
    this.connect();
  }

  connect() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const url = `${scheme}://${window.location.host}/ws/logs?${this.params.toString()}`;
    const ws = new WebSocket(url, ["logwatch"]);
    this.ws = ws;
    this.onStatus("connecting", "Connecting to the live tail…");
    ws.addEventListener("message", (ev) => {
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (msg.type === "hello") {
        this.retryMs = 1000;
        this.onStatus(msg.tail === "unavailable" ? "warn" : "live", "Live");
      } else if (msg.type === "logs") {
        this.received += msg.items.length;
        this.onDocs(msg.items);
        this.onStatus("live", `Live · ${this.received} received${this.dropped ? ` · ${this.dropped} skipped` : ""}`);
      } else if (msg.type === "dropped") {
        this.dropped = msg.total;
        this.onStatus("warn", msg.message);
      } else if (msg.type === "status") {
        this.onStatus(msg.tail === "live" ? "live" : "warn", msg.message);
      } else if (msg.type === "error") {
        this.wanted = false;
        this.onStatus("error", msg.message);
      }
    });
    ws.addEventListener("close", (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (!this.wanted || ev.code === 1008) {
        if (ev.code === 1008 && ev.reason) this.onStatus("error", ev.reason);
        this.wanted = false;
        return;
      }
      this.onStatus("warn", `Live tail disconnected; retrying in ${Math.round(this.retryMs / 1000)} s.`);
      this.timer = setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 15000);
    });
  }

  stop() {
    this.wanted = false;
    clearTimeout(this.timer);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.close(1000);
    }
  }
}
