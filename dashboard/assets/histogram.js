// Stacked histogram of /logs/trends, drawn as SVG. Drag across it to zoom into a time range; with the
// keyboard (focus it): "+"/"-" zoom in/out, arrow keys pan.
import { clear, formatShortTime, h, svg } from "./dom.js";

const FIXED = {
  security: "#d64545", performance: "#e08a1e", business: "#2f7bd6", general: "#7c8794",
  CRITICAL: "#8e1b1b", ERROR: "#d64545", WARN: "#e0a31e", INFO: "#2f7bd6", DEBUG: "#7c8794", TRACE: "#a9b1bb",
};
const PALETTE = ["#2f7bd6", "#d64545", "#e08a1e", "#3aa76d", "#8e5bd6", "#c44f9a", "#3fb3b8", "#9a7b3c", "#5f6f82", "#b8b23f"];
const OTHER = "#c5ccd6";

export function colorFor(key, index) {
  return FIXED[key] || PALETTE[index % PALETTE.length];
}

function swatch(color) {
  // CSSOM, not a style attribute: the page's Content-Security-Policy forbids inline styles.
  const el = h("span", { class: "swatch" });
  el.style.background = color;
  return el;
}

export class Histogram {
  constructor(root, { onZoom, onFilter }) {
    this.root = root;
    this.onZoom = onZoom;
    this.onFilter = onFilter;
    this.data = null;
    this.height = 150;
    this.margin = { left: 44, right: 8, top: 8, bottom: 22 };
  }

  render(data) {
    this.data = data;
    clear(this.root);
    const width = Math.max(280, this.root.clientWidth || 600);
    const { left, right, top, bottom } = this.margin;
    const innerW = width - left - right;
    const innerH = this.height - top - bottom;
    const start = Date.parse(data.from);
    const end = Date.parse(data.to);
    const span = Math.max(1, end - start);
    const x = (ms) => left + ((ms - start) / span) * innerW;
    const maxTotal = Math.max(1, ...data.buckets.map((b) => b.total));
    const y = (v) => top + innerH - (v / maxTotal) * innerH;

    const chart = svg("svg", {
      width, height: this.height, viewBox: `0 0 ${width} ${this.height}`, class: "histogram-svg",
      tabindex: 0, role: "img", "data-testid": "histogram",
      "aria-label": `Histogram: ${data.total} logs from ${data.from} to ${data.to}, one bar per ${data.interval}. ` +
        "Drag to zoom; plus and minus keys zoom, arrow keys pan.",
    });
    // Axes: two y labels, a handful of time ticks.
    chart.appendChild(svg("text", { x: left - 6, y: top + 4, class: "axis", "text-anchor": "end" }, String(maxTotal)));
    chart.appendChild(svg("text", { x: left - 6, y: top + innerH, class: "axis", "text-anchor": "end" }, "0"));
    chart.appendChild(svg("line", { x1: left, x2: left + innerW, y1: top + innerH + 0.5, y2: top + innerH + 0.5, class: "axis-line" }));
    const ticks = Math.max(2, Math.floor(innerW / 110));
    for (let i = 0; i <= ticks; i++) {
      const ms = start + (span * i) / ticks;
      chart.appendChild(svg("text", {
        x: x(ms), y: this.height - 6, class: "axis", "text-anchor": i === 0 ? "start" : i === ticks ? "end" : "middle",
      }, formatShortTime(ms, span)));
    }
    const keys = data.keys || [];
    const bars = svg("g", { class: "bars" });
    for (const b of data.buckets) {
      const x0 = Math.max(left, x(b.t_ms));
      const x1 = Math.min(left + innerW, x(b.t_ms + data.interval_ms));
      const w = Math.max(1, x1 - x0 - 1);
      let acc = 0;
      const group = svg("g", {});
      const parts = keys.map((k, i) => [k, b.counts[k] || 0, colorFor(k, i)]);
      const other = b.total - parts.reduce((s, p) => s + p[1], 0);
      if (other > 0 || !keys.length) parts.push(["other", keys.length ? other : b.total, keys.length ? OTHER : PALETTE[0]]);
      for (const [k, v, color] of parts) {
        if (!v) continue;
        const y0 = y(acc + v);
        group.appendChild(svg("rect", { x: x0, y: y0, width: w, height: Math.max(0.5, y(acc) - y0), fill: color, "data-key": k }));
        acc += v;
      }
      const label = `${formatShortTime(b.t_ms, 0)} — ${b.total} logs` +
        keys.filter((k) => b.counts[k]).map((k) => `, ${k}: ${b.counts[k]}`).join("");
      group.appendChild(svg("title", {}, label));
      bars.appendChild(group);
    }
    chart.appendChild(bars);
    const selection = svg("rect", { x: 0, y: top, width: 0, height: innerH, class: "brush", visibility: "hidden" });
    chart.appendChild(selection);
    this.root.appendChild(chart);
    this.root.appendChild(this.legend(keys, data));
    this.bindBrush(chart, selection, { x, start, span, left, innerW });
    this.bindKeys(chart, start, end);
  }

  legend(keys, data) {
    const totals = {};
    for (const b of data.buckets) for (const [k, v] of Object.entries(b.counts)) totals[k] = (totals[k] || 0) + v;
    return h("div", { class: "legend" }, keys.map((k, i) =>
      h("button", {
        type: "button", class: "legend-item", title: `Filter ${data.split}: ${k}`,
        onclick: () => this.onFilter(data.split, k),
      }, swatch(colorFor(k, i)), `${k} `, h("span", { class: "muted" }, String(totals[k] || 0)))));
  }

  bindBrush(chart, selection, { start, span, left, innerW }) {
    let x0 = null;
    const toMs = (px) => start + ((Math.min(Math.max(px, left), left + innerW) - left) / innerW) * span;
    const localX = (ev) => ev.clientX - chart.getBoundingClientRect().left;
    chart.addEventListener("pointerdown", (ev) => {
      if (ev.button !== 0) return;
      x0 = localX(ev);
      chart.setPointerCapture(ev.pointerId);
      selection.setAttribute("visibility", "visible");
      selection.setAttribute("x", x0);
      selection.setAttribute("width", 0);
    });
    chart.addEventListener("pointermove", (ev) => {
      if (x0 === null) return;
      const x1 = localX(ev);
      selection.setAttribute("x", Math.min(x0, x1));
      selection.setAttribute("width", Math.abs(x1 - x0));
    });
    const finish = (ev) => {
      if (x0 === null) return;
      const x1 = localX(ev);
      const from = toMs(Math.min(x0, x1));
      const to = toMs(Math.max(x0, x1));
      x0 = null;
      selection.setAttribute("visibility", "hidden");
      const widthPx = ((to - from) / span) * innerW;
      if (widthPx > 4 && to - from >= 1000) this.onZoom(from, to);
    };
    chart.addEventListener("pointerup", finish);
    chart.addEventListener("pointercancel", () => { x0 = null; selection.setAttribute("visibility", "hidden"); });
  }

  bindKeys(chart, start, end) {
    chart.addEventListener("keydown", (ev) => {
      const span = end - start;
      const mid = start + span / 2;
      let range = null;
      if (ev.key === "+" || ev.key === "=") range = [mid - span / 4, mid + span / 4];
      else if (ev.key === "-" || ev.key === "_") range = [mid - span, mid + span];
      else if (ev.key === "ArrowLeft") range = [start - span / 2, end - span / 2];
      else if (ev.key === "ArrowRight") range = [start + span / 2, end + span / 2];
      if (range) {
        ev.preventDefault();
        this.onZoom(range[0], range[1]);
      }
    });
  }
}
