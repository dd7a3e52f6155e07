// The "why" of a document's category (GET /logs/{id}/explain) and the form that corrects it: "this is
// <category>" is stored for the log's template (POST /corrections) and can be revoked (DELETE).
import { api } from "./api.js";
import { clear, formatTime, h } from "./dom.js";

const CATEGORIES = ["security", "performance", "business", "general"];
const pct = (x) => `${Math.round(Number(x) * 100)}%`;

function words(reasons, empty) {
  if (!reasons.length) return h("span", { class: "muted" }, empty);
  return reasons.map((r) => h("span", { class: "why-word", title: `weight ${r.weight}` }, r.feature));
}

function correctionLine(c) {
  return `Corrected to ${c.category} by ${c.created_by} at ${formatTime(c.created_at)} (was ${c.previous || "?"}). ` +
    "New lines of this template get it within seconds.";
}

export async function renderWhy(container, eventId) {
  clear(container).appendChild(h("p", { class: "muted" }, "Explaining…"));
  let why;
  try {
    why = await api(`/logs/${encodeURIComponent(eventId)}/explain`);
  } catch (err) {
    clear(container).appendChild(h("p", { class: "error" }, `No explanation: ${err.message}`));
    return;
  }
  const status = h("p", { class: "why-status", "data-testid": "why-status" },
    why.correction ? correctionLine(why.correction) : "");

  async function correct(category) {
    status.textContent = "Saving…";
    try {
      why.correction = await api("/corrections", { method: "POST", body: { event_id: eventId, category } });
      draw();
    } catch (err) {
      status.textContent = err.message;
    }
  }

  async function revoke() {
    try {
      await api(`/corrections/${encodeURIComponent(why.template_id)}`, { method: "DELETE" });
      why.correction = null;
      draw();
    } catch (err) {
      status.textContent = err.message;
    }
  }

  function draw() {
    clear(container);
    const corrected = why.correction;
    container.appendChild(h("h3", {}, "Why this category"));
    container.appendChild(h("p", { class: "why-verdict", "data-testid": "why-verdict" },
      h("strong", {}, why.category ?? why.predicted), ` ${pct(why.confidence ?? why.predicted_confidence)}`,
      why.model_version === "correction" ? " (a person's correction)" : "",
      why.category && why.category !== why.predicted ? `; the current model says ${why.predicted}` : "",
      `. Runner-up: ${why.runner_up} ${pct(why.runner_up_confidence)}.`));
    container.appendChild(h("p", { class: "why-line", "data-testid": "why-toward" },
      `Toward ${why.predicted}: `, words(why.toward, "no word (the prior decided)")));
    container.appendChild(h("p", { class: "why-line", "data-testid": "why-against" },
      `Toward ${why.runner_up}: `, words(why.against, "no word")));
    status.textContent = corrected ? correctionLine(corrected) : "";
    if (why.template_id) {
      container.appendChild(h("div", { class: "why-correct", role: "group", "aria-label": "Correct the category" },
        h("span", {}, "This is:"),
        CATEGORIES.map((c) => h("button", {
          type: "button", class: `chip v-${c}${corrected && corrected.category === c ? " chosen" : ""}`,
          "data-category": c, title: `Lines of this template are ${c}`, onclick: () => correct(c),
        }, c)),
        corrected ? h("button", { type: "button", class: "revoke", onclick: revoke }, "Revoke") : null));
    }
    container.appendChild(status);
  }

  draw();
}
