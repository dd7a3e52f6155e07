// The whole view lives in the URL: a link (like the one in a Slack alert) opens the same view.
// Parameters: q, service, level, category, host (comma-separated), from, to, sort, split, view (logs or
// patterns), doc, tail, alerts.

export const FIELDS = ["service", "level", "category", "host"];
export const DEFAULTS = { q: "", from: "now-15m", to: "now", sort: "desc", split: "category", view: "logs", doc: "", tail: false, alerts: false };

export function readState(search = window.location.search) {
  const p = new URLSearchParams(search);
  const state = { ...DEFAULTS };
  state.q = p.get("q") || "";
  state.from = p.get("from") || DEFAULTS.from;
  state.to = p.get("to") || DEFAULTS.to;
  state.sort = p.get("sort") === "asc" ? "asc" : "desc";
  state.split = ["category", "level", "service", "none"].includes(p.get("split")) ? p.get("split") : "category";
  state.view = p.get("view") === "patterns" ? "patterns" : "logs";
  state.doc = p.get("doc") || "";
  state.tail = p.get("tail") === "1";
  state.alerts = p.get("alerts") === "1";
  for (const f of FIELDS) {
    state[f] = p.getAll(f).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
  }
  return state;
}

export function toSearch(state) {
  const p = new URLSearchParams();
  if (state.q) p.set("q", state.q);
  for (const f of FIELDS) if (state[f] && state[f].length) p.set(f, state[f].join(","));
  if (state.from !== DEFAULTS.from) p.set("from", state.from);
  if (state.to !== DEFAULTS.to) p.set("to", state.to);
  if (state.sort !== DEFAULTS.sort) p.set("sort", state.sort);
  if (state.split !== DEFAULTS.split) p.set("split", state.split);
  if (state.view !== DEFAULTS.view) p.set("view", state.view);
  if (state.doc) p.set("doc", state.doc);
  if (state.tail) p.set("tail", "1");
  if (state.alerts) p.set("alerts", "1");
  const s = p.toString();
  return s ? `?${s}` : "";
}

// Query parameters for the API (search, stats, trends and the live tail share the filters).
export function apiParams(state, extra = {}) {
  const p = new URLSearchParams();
  if (state.q) p.set("q", state.q);
  for (const f of FIELDS) if (state[f] && state[f].length) p.set(f, state[f].join(","));
  p.set("from", state.from);
  p.set("to", state.to);
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== null && v !== "") p.set(k, String(v));
  return p;
}
