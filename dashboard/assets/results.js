// The results table: highlighted messages (text segments from the API, never HTML), one-click filters,
// and a button per row that opens the document.
import { clear, formatTime, h } from "./dom.js";

export const FILTER_FIELDS = ["level", "service", "category", "host"];
const MAX_ROWS = 2000;

function message(hit) {
  const segments = hit.highlight && hit.highlight.message;
  if (segments && segments.length) {
    return segments.map((s) => (s.hit ? h("mark", {}, s.text) : s.text));
  }
  return String(hit.doc.message ?? "");
}

export class Results {
  constructor(tbody, { onFilter, onOpen }) {
    this.tbody = tbody;
    this.onFilter = onFilter;
    this.onOpen = onOpen;
  }

  clear() {
    clear(this.tbody);
  }

  row(hit, live = false) {
    const doc = hit.doc;
    const cell = (field) => {
      const value = doc[field];
      if (value === undefined || value === null || value === "") return h("td", { class: `col-${field}` });
      return h("td", { class: `col-${field}` }, h("button", {
        type: "button", class: `chip chip-${field} v-${String(value).replace(/[^A-Za-z0-9_-]/g, "")}`,
        title: `Show only ${field}: ${value} (Alt+click to exclude)`, "data-field": field, "data-value": String(value),
        onclick: (ev) => this.onFilter(field, String(value), ev.altKey),
      }, String(value)));
    };
    return h("tr", { class: live ? "live-row" : "", "data-event-id": hit.event_id },
      h("td", { class: "col-time" }, h("button", {
        type: "button", class: "open-doc", title: "Open this log", onclick: () => this.onOpen(hit),
      }, formatTime(doc.timestamp))),
      FILTER_FIELDS.map(cell),
      h("td", { class: "col-message" }, h("span", { class: "message" }, message(hit)),
        doc.exception && doc.exception.type ? h("span", { class: "exception" }, ` ${doc.exception.type}`) : null),
    );
  }

  render(hits, { append = false } = {}) {
    if (!append) this.clear();
    for (const hit of hits) this.tbody.appendChild(this.row(hit));
  }

  prepend(docs) {
    // Live tail: newest on top, the table kept to a bounded size.
    const first = this.tbody.firstChild;
    for (const doc of docs) {
      this.tbody.insertBefore(this.row({ event_id: doc.event_id, doc, highlight: {} }, true), first);
    }
    while (this.tbody.childNodes.length > MAX_ROWS) this.tbody.removeChild(this.tbody.lastChild);
  }
}

// The document view: key fields with filter buttons, a place for the why (why.js), and the whole document as
// JSON text.
export function renderDocument(container, hit, { onFilter, onClose, link }) {
  clear(container);
  const doc = hit.doc;
  const rows = ["timestamp", "level", "service", "category", "host", "logger", "event_id", "category_confidence",
    "model_version", "format", "redactions"].filter((k) => doc[k] !== undefined && doc[k] !== null)
    .map((k) => h("tr", {}, h("th", { scope: "row" }, k), h("td", {},
      FILTER_FIELDS.includes(k)
        ? h("button", { type: "button", class: "chip", onclick: () => onFilter(k, String(doc[k]), false) }, String(doc[k]))
        : String(doc[k]))));
  container.appendChild(h("div", { class: "doc-head" },
    h("h2", { id: "doc-title" }, "Log document"),
    h("button", { type: "button", class: "copy-link", onclick: () => navigator.clipboard?.writeText(link).catch(() => {}) }, "Copy link"),
    h("button", { type: "button", class: "close", "aria-label": "Close document", onclick: onClose }, "✕")));
  container.appendChild(h("p", { class: "doc-message" }, String(doc.message ?? "")));
  container.appendChild(h("table", { class: "doc-fields" }, h("tbody", {}, rows)));
  container.appendChild(h("section", { class: "why", "data-testid": "doc-why" }));
  container.appendChild(h("pre", { class: "json", "data-testid": "doc-json" }, JSON.stringify(doc, null, 2)));
}
