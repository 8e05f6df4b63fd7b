// Pieces the operator screens share: a heading with actions, tables that scroll sideways
// on a phone, health badges in words, a refresh loop for figures that have no events.

import { h } from "../dom.js";

/** The screen's heading, a line of actions after it, and a polite "updated at" line. */
export function screenHead(id, title, ...actions) {
  const updated = h("p", { class: "muted small ops-updated", role: "status" });
  const head = h("div", { class: "ops-head" }, h("h1", { id }, title),
                 h("div", { class: "ops-actions" }, ...actions));
  return { head, updated, stamp: () => {
    updated.textContent = `Updated ${new Date().toLocaleTimeString()}`;
  } };
}

/**
 * A table in a box that scrolls on its own on narrow screens (keyboard-focusable).
 * `stack`: on a phone each row becomes a card instead, its cells labelled by `data-label`.
 */
export function tableBox(label, headers, body, { stack = false } = {}) {
  const table = h("table", { class: stack ? "ops-table ops-stack" : "ops-table" },
    h("caption", { class: "visually-hidden" }, label),
    h("thead", {}, h("tr", {}, ...headers.map((text) => h("th", { scope: "col" }, text)))),
    body);
  return h("div", { class: "ops-scroll", tabindex: "0", role: "region", "aria-label": label },
           table);
}

const HEALTH_TEXT = { healthy: "Healthy", warning: "Warning", critical: "Critical" };

/** "Healthy" / "Warning" / "Critical" as words, coloured too. */
export function healthBadge(level) {
  return h("span", { class: "health", "data-health": level }, HEALTH_TEXT[level] ?? level);
}

export function percent(ratio) {
  if (ratio === null || ratio === undefined) return "–";
  return `${(ratio * 100).toFixed(ratio > 0 && ratio < 0.1 ? 1 : 0)} %`;
}

export function seconds(value) {
  if (value === null || value === undefined) return "–";
  if (value < 10) return `${value.toFixed(2)} s`;
  if (value < 120) return `${value.toFixed(0)} s`;
  return `${(value / 60).toFixed(1)} min`;
}

/**
 * Call `load()` now, then every `ms` while the screen is shown (one call at a time).
 * Returns { refresh, stop }: stop belongs in the screen's cleanup.
 */
export function everyFew(ms, load) {
  let timer = null;
  let running = null;
  let stopped = false;
  async function refresh() {
    if (running) return running;
    clearTimeout(timer);
    running = (async () => {
      try {
        await load();
      } finally {
        running = null;
        if (!stopped) timer = setTimeout(refresh, ms);
      }
    })();
    return running;
  }
  refresh();
  return { refresh, stop() { stopped = true; clearTimeout(timer); } };
}
