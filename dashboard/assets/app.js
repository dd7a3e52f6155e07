// The dashboard: URL state -> API calls -> rendering. Every change of view goes through navigate(), which
// writes the URL first, so Back/Forward and shared links restore the same view.
import { AlertsPanel } from "./alerts.js";
import { api } from "./api.js";
import { clear, h } from "./dom.js";
import { Histogram } from "./histogram.js";
import { Patterns } from "./patterns.js";
import { Results, renderDocument } from "./results.js";
import { apiParams, FIELDS, readState, toSearch } from "./state.js";
import { Tail } from "./tail.js";
import { renderWhy } from "./why.js";

const $ = (id) => document.getElementById(id);
const els = {
  form: $("search-form"), q: $("q"), range: $("range"), custom: $("custom-range"), from: $("from"), to: $("to"),
  apply: $("apply-range"), zoomOut: $("zoom-out"), tailToggle: $("tail-toggle"), alertsToggle: $("alerts-toggle"),
  who: $("who"), active: $("active-filters"), message: $("message"), facets: $("facets"), count: $("count"),
  split: $("split"), histogram: $("histogram"), tailStatus: $("tail-status"), results: $("results"),
  more: $("more"), sort: $("sort"), doc: $("doc"), alerts: $("alerts"), content: $("results-wrap").parentElement,
  viewLogs: $("view-logs"), viewPatterns: $("view-patterns"), patterns: $("patterns"),
  patternsBody: $("patterns-body"), patternsNote: $("patterns-note"),
};

let state = readState();
let searchKey = null;
let nextCursor = null;
let lastRange = null;
let controller = null;
let refreshTimer = null;
let patternsKey = null;
let patternsController = null;

function navigate(patch, { push = true } = {}) {
  state = { ...state, ...patch };
  const url = window.location.pathname + toSearch(state);
  if (push) window.history.pushState(null, "", url);
  else window.history.replaceState(null, "", url);
  render();
}

function showError(text) {
  els.message.textContent = text || "";
  els.message.hidden = !text;
}

function setFilter(field, value, exclude) {
  if (exclude) {
    const term = `-${field}:"${value.replace(/"/g, "")}"`;
    navigate({ q: state.q ? `${state.q} ${term}` : term, doc: "" });
    return;
  }
  const values = state[field] || [];
  const next = values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
  navigate({ [field]: next, doc: "" });
}

// Absolute times in the URL, to the second: short enough to read and to share.
const isoSecond = (ms) => new Date(Math.round(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

const histogram = new Histogram(els.histogram, {
  onZoom: (fromMs, toMs) => navigate({ from: isoSecond(fromMs), to: isoSecond(Math.max(toMs, fromMs + 1000)) }),
  onFilter: (field, value) => setFilter(field, value, false),
});

const results = new Results(els.results, {
  onFilter: setFilter,
  onOpen: (hit) => navigate({ doc: hit.event_id }),
});

// A template's logs: its id joins the query (so it shows in the search box and the URL) and the list returns.
function withTerm(q, term) {
  return q.split(/\s+/).includes(term) ? q : (q ? `${q} ${term}` : term);
}

const patterns = new Patterns(els.patternsBody, els.patternsNote, {
  onPick: (p) => navigate({ view: "logs", q: withTerm(state.q, `template_id:${p.template_id}`), doc: "" }),
});

const tail = new Tail({
  onDocs: (docs) => results.prepend(docs.slice().reverse()),
  onStatus: (kind, text) => {
    els.tailStatus.hidden = false;
    els.tailStatus.className = `tail-status tail-${kind}`;
    els.tailStatus.textContent = text;
  },
});

const alertsPanel = new AlertsPanel(els.alerts, {
  onShowLogs: (a) => navigate({
    service: a.service ? [a.service] : [], q: "", doc: "",
    from: a.window_start || "now-1h", to: a.window_end || "now",
  }),
  onError: showError,
});

// ------------------------------------------------------------------------------------------ rendering

function syncControls() {
  if (document.activeElement !== els.q) els.q.value = state.q;
  const preset = [...els.range.options].some((o) => o.value === state.from) && state.to === "now";
  els.range.value = preset ? state.from : "custom";
  els.custom.hidden = preset;
  els.from.value = state.from;
  els.to.value = state.to;
  els.split.value = state.split;
  els.sort.textContent = state.sort === "asc" ? "Time ↑" : "Time ↓";
  els.tailToggle.setAttribute("aria-pressed", String(state.tail));
  els.alertsToggle.setAttribute("aria-pressed", String(state.alerts));
  els.viewLogs.setAttribute("aria-pressed", String(state.view === "logs"));
  els.viewPatterns.setAttribute("aria-pressed", String(state.view === "patterns"));
  els.content.dataset.view = state.view;
  els.patterns.hidden = state.view !== "patterns";
  clear(els.active);
  for (const f of FIELDS) {
    for (const v of state[f]) {
      els.active.appendChild(h("button", {
        type: "button", class: "active-chip", title: `Remove filter ${f}: ${v}`,
        onclick: () => setFilter(f, v, false),
      }, `${f}: ${v} ✕`));
    }
  }
}

function renderFacets(stats) {
  clear(els.facets);
  for (const field of ["category", "level", "service", "host"]) {
    const items = stats.fields[field] || [];
    els.facets.appendChild(h("section", { class: "facet" },
      h("h3", {}, field),
      items.length ? h("ul", {}, items.map((c) => h("li", {}, h("button", {
        type: "button", class: "facet-item", "aria-pressed": String(state[field].includes(c.key)),
        "data-field": field, "data-value": c.key, title: `Filter ${field}: ${c.key} (Alt+click to exclude)`,
        onclick: (ev) => setFilter(field, c.key, ev.altKey),
      }, h("span", { class: "facet-key" }, c.key), h("span", { class: "facet-count" }, String(c.count))))))
        : h("p", { class: "muted" }, "—")));
  }
}

async function loadSearch() {
  if (controller) controller.abort();
  controller = new AbortController();
  const { signal } = controller;
  showError("");
  els.count.textContent = "Searching…";
  const params = apiParams(state);
  const searchParams = apiParams(state, { sort: state.sort, size: 100 });
  const trendsParams = apiParams(state, { split: state.split });
  try {
    const [found, trends, stats] = await Promise.all([
      api("/logs/search", { params: searchParams, signal }),
      api("/logs/trends", { params: trendsParams, signal }),
      api("/logs/stats", { params, signal }),
    ]);
    nextCursor = found.next;
    lastRange = found.range;
    results.render(found.hits);
    els.more.hidden = !nextCursor;
    const more = found.total_relation === "gte" ? "+" : "";
    els.count.textContent = `${found.total.toLocaleString()}${more} logs`;
    histogram.render(trends);
    drawnWidth = els.histogram.clientWidth;
    renderFacets(stats);
  } catch (err) {
    if (err.name === "AbortError") return;
    els.count.textContent = "";
    results.clear();
    showError(err.message);
  }
}

async function loadPatterns() {
  if (patternsController) patternsController.abort();
  patternsController = new AbortController();
  const { signal } = patternsController;
  els.patternsNote.textContent = "Grouping…";
  try {
    const data = await api("/logs/patterns", { params: apiParams(state, { size: 100, buckets: 30 }), signal });
    patterns.render(data);
  } catch (err) {
    if (err.name === "AbortError") return;
    patterns.clear();
    showError(err.message);
  }
}

async function loadMore() {
  if (!nextCursor || !lastRange) return;
  const params = apiParams({ ...state, from: lastRange.from, to: lastRange.to },
    { sort: state.sort, size: 100, search_after: nextCursor });
  try {
    const found = await api("/logs/search", { params });
    nextCursor = found.next;
    results.render(found.hits, { append: true });
    els.more.hidden = !nextCursor;
  } catch (err) {
    showError(err.message);
  }
}

async function renderDoc() {
  if (!state.doc) {
    els.doc.hidden = true;
    return;
  }
  els.doc.hidden = false;
  clear(els.doc).appendChild(h("p", { class: "muted" }, "Loading…"));
  try {
    const hit = await api(`/logs/${encodeURIComponent(state.doc)}`);
    renderDocument(els.doc, hit, {
      onFilter: setFilter,
      onClose: () => navigate({ doc: "" }),
      link: window.location.href,
    });
    renderWhy(els.doc.querySelector(".why"), hit.event_id);
    els.doc.querySelector(".close")?.focus();
  } catch (err) {
    clear(els.doc).appendChild(h("p", { class: "error" }, err.message));
    els.doc.appendChild(h("button", { type: "button", onclick: () => navigate({ doc: "" }) }, "Close"));
  }
}

function renderTail() {
  clearInterval(refreshTimer);
  if (!state.tail) {
    tail.stop();
    els.tailStatus.hidden = true;
    return;
  }
  const params = apiParams(state);
  params.delete("from");
  params.delete("to");
  tail.start(params);
  // While tailing a relative range, keep the histogram and counts moving too.
  if (state.to === "now") {
    refreshTimer = setInterval(() => {
      searchKey = null;
      loadSearch();
      if (state.view === "patterns") loadPatterns();
    }, 15000);
  }
}

let tailKey = null;

function render() {
  syncControls();
  const key = JSON.stringify([state.q, ...FIELDS.map((f) => state[f]), state.from, state.to, state.sort, state.split]);
  if (key !== searchKey) {
    searchKey = key;
    loadSearch();
  }
  const pKey = JSON.stringify([state.q, ...FIELDS.map((f) => state[f]), state.from, state.to]);
  if (state.view === "patterns" && pKey !== patternsKey) {
    patternsKey = pKey;
    loadPatterns();
  }
  const tKey = JSON.stringify([state.tail, state.q, ...FIELDS.map((f) => state[f])]);
  if (tKey !== tailKey) {
    tailKey = tKey;
    renderTail();
  }
  renderDoc();
  els.alerts.hidden = !state.alerts;
  if (state.alerts && !els.alerts.dataset.loaded) {
    els.alerts.dataset.loaded = "1";
    alertsPanel.load();
  }
  if (!state.alerts) delete els.alerts.dataset.loaded;
}

// ------------------------------------------------------------------------------------------ controls

els.form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  navigate({ q: els.q.value.trim(), doc: "" });
});
els.range.addEventListener("change", () => {
  if (els.range.value === "custom") {
    els.custom.hidden = false;
    els.from.focus();
    return;
  }
  navigate({ from: els.range.value, to: "now" });
});
els.apply.addEventListener("click", () => navigate({ from: els.from.value.trim() || "now-15m", to: els.to.value.trim() || "now" }));
for (const input of [els.from, els.to]) {
  input.addEventListener("keydown", (ev) => { if (ev.key === "Enter") els.apply.click(); });
}
els.zoomOut.addEventListener("click", () => {
  const range = lastRange || { from: new Date(Date.now() - 900000).toISOString(), to: new Date().toISOString() };
  const from = Date.parse(range.from);
  const to = Date.parse(range.to);
  const span = to - from;
  navigate({ from: isoSecond(from - span / 2), to: isoSecond(to + span / 2) });
});
els.split.addEventListener("change", () => navigate({ split: els.split.value }, { push: false }));
els.sort.addEventListener("click", () => navigate({ sort: state.sort === "desc" ? "asc" : "desc" }));
els.more.addEventListener("click", loadMore);
els.tailToggle.addEventListener("click", () => navigate({ tail: !state.tail }));
els.alertsToggle.addEventListener("click", () => navigate({ alerts: !state.alerts }));
els.viewLogs.addEventListener("click", () => navigate({ view: "logs" }));
els.viewPatterns.addEventListener("click", () => navigate({ view: "patterns", doc: "" }));
window.addEventListener("popstate", () => {
  state = readState();
  render();
});
document.addEventListener("keydown", (ev) => {
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement?.tagName);
  if (ev.key === "/" && !typing) {
    ev.preventDefault();
    els.q.focus();
    els.q.select();
  } else if (ev.key === "Escape") {
    if (state.doc) navigate({ doc: "" });
    else if (state.alerts) navigate({ alerts: false });
  }
});
// Redraw the histogram when its box changes width (window resize, a side panel opening or closing).
let drawnWidth = 0;
new ResizeObserver(() => {
  const width = els.histogram.clientWidth;
  if (histogram.data && Math.abs(width - drawnWidth) > 2) {
    drawnWidth = width;
    histogram.render(histogram.data);
  }
}).observe(els.histogram);

async function who() {
  try {
    const me = await api("/auth/me");
    clear(els.who);
    if (me.auth_required) {
      els.who.appendChild(document.createTextNode(me.name));
      if (me.method === "cookie") {
        els.who.appendChild(h("button", {
          type: "button", class: "link", onclick: async () => {
            await api("/auth/logout", { method: "POST" });
            window.location.assign("/login");
          },
        }, "Sign out"));
      }
    }
  } catch {
    // the search request shows the error
  }
}

who();
render();
