// The Patterns view: the message templates behind the current search (/logs/patterns), most frequent first,
// each with a bar sparkline of its counts over the time range. Clicking a row searches that template's logs.
import { clear, formatTime, h, svg } from "./dom.js";

const SPARK_W = 120;
const SPARK_H = 24;
const WILDCARD = "<*>";

// The template as text, its <*> parts marked (as text nodes and spans: never parsed as HTML).
function templateText(template) {
  const parts = String(template ?? "").split(WILDCARD);
  return parts.flatMap((part, i) => (i === 0 ? [part] : [h("span", { class: "wildcard" }, WILDCARD), part]));
}

function sparkline(counts, bucketMs, interval) {
  const max = Math.max(1, ...counts);
  const n = Math.max(1, counts.length);
  const step = SPARK_W / n;
  const gap = step > 3 ? 1 : 0;
  const peak = Math.max(0, ...counts);
  const chart = svg("svg", {
    width: SPARK_W, height: SPARK_H, viewBox: `0 0 ${SPARK_W} ${SPARK_H}`, class: "sparkline",
    role: "img", "data-testid": "sparkline", "aria-label": `Logs per ${interval}: peak ${peak}`,
  });
  counts.forEach((count, i) => {
    if (!count) return;
    // At least 2 px tall, so a single log still shows.
    const height = Math.max(2, (count / max) * SPARK_H);
    chart.appendChild(svg("rect", {
      x: (i * step).toFixed(2), y: (SPARK_H - height).toFixed(2), width: Math.max(1, step - gap).toFixed(2),
      height: height.toFixed(2), class: "spark-bar",
    }, svg("title", {}, `${formatTime(bucketMs[i])}: ${count}`)));
  });
  return chart;
}

export class Patterns {
  constructor(tbody, note, { onPick }) {
    this.tbody = tbody;
    this.note = note;
    this.onPick = onPick;
  }

  clear() {
    clear(this.tbody);
    this.note.textContent = "";
  }

  render(data) {
    this.clear();
    for (const p of data.patterns) {
      this.tbody.appendChild(h("tr", { "data-template-id": p.template_id, "data-count": String(p.count) },
        h("td", { class: "col-count" }, p.count.toLocaleString()),
        h("td", { class: "col-spark" }, sparkline(p.counts, data.bucket_ms, data.interval)),
        h("td", { class: "col-template" },
          h("button", {
            type: "button", class: "pick-template", title: "Search the logs of this template",
            onclick: () => this.onPick(p),
          }, h("span", { class: "template" }, templateText(p.template))),
          h("span", { class: "sample", title: "The latest log of this template" }, p.sample)),
        h("td", { class: "col-category" }, p.category ? h("span", { class: "chip chip-category" }, p.category) : ""),
        h("td", { class: "col-seen" }, formatTime(p.first_seen)),
        h("td", { class: "col-seen" }, formatTime(p.last_seen)),
      ));
    }
    const listed = data.patterns.reduce((sum, p) => sum + p.count, 0);
    const untemplated = data.total - listed - data.other;
    const notes = [];
    if (!data.total) notes.push("No logs match in this time range.");
    if (data.other > 0) notes.push(`${data.other.toLocaleString()} more logs belong to templates not listed: narrow the search to see them.`);
    if (untemplated > 0) notes.push(`${untemplated.toLocaleString()} logs have no template (indexed before templates existed).`);
    this.note.textContent = notes.join(" ");
  }
}
