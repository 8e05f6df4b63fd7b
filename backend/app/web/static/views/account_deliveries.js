// One endpoint's recent deliveries: status, HTTP status, attempts and time, newest first,
// older pages on request, and "Resend" for a finished one.

import { api } from "../api.js";
import { h, toast } from "../dom.js";
import { sentence, when } from "./account_parts.js";

const PAGE = 10;
const STATUS = { succeeded: "Delivered", failed: "Failed", pending: "Pending",
                 delivering: "Sending", retrying: "Retrying" };
export const OPEN = new Set(["pending", "delivering", "retrying"]);

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * The deliveries panel of `endpoint`; `watch()` is called when something may change
 * without an event (a resend), so the card polls until every delivery is final.
 */
export function deliveriesPanel(endpoint, { watch }) {
  const list = h("ul", { class: "delivery-list", "aria-label": `Deliveries to ${endpoint.url}` });
  const empty = h("p", { class: "muted small", hidden: true },
    "Nothing sent yet. A delivery appears here when one of your jobs ends.");
  const older = h("button", { type: "button", class: "ghost small", hidden: true,
                              onclick: () => more() }, "Show older deliveries");
  const refresh = h("button", { type: "button", class: "ghost small", onclick: () => load() },
                    "Refresh");
  const heading = h("div", { class: "panel-head" }, h("h4", {}, "Recent deliveries"), refresh);
  const element = h("div", { class: "deliveries" }, heading, empty, list, older);
  let cursor = null;
  let rows = [];

  function row(delivery) {
    const code = delivery.last_status_code ? `HTTP ${delivery.last_status_code}` : "no answer yet";
    const facts = [delivery.event_type, code, plural(delivery.attempts, "attempt"),
                   when(delivery.delivered_at ?? delivery.updated_at)];
    const resend = OPEN.has(delivery.status) ? null : h("button", {
      type: "button", class: "ghost small",
      "aria-label": `Resend ${delivery.event_type} from ${when(delivery.created_at)}`,
      async onclick() {
        resend.disabled = true;
        try {
          const again = await api(`/webhooks/deliveries/${delivery.id}/resend`, { method: "POST" });
          rows = rows.map((d) => (d.id === again.id ? again : d));
          render();
          list.querySelector(`[data-delivery-id="${again.id}"] .delivery-status`)?.focus();
          toast("Sending it again.");
          watch();
        } catch (error) {
          toast(sentence(error.message), "error");
          resend.disabled = false;
        }
      },
    }, "Resend");
    const problem = delivery.status !== "succeeded" && delivery.last_error
      ? h("p", { class: "error" }, `Last attempt: ${delivery.last_error}`) : null;
    const next = delivery.status === "retrying" && delivery.next_attempt_at
      ? h("p", { class: "muted small" }, `Next attempt at ${when(delivery.next_attempt_at)}`) : null;
    return h("li", { class: "delivery", "data-delivery-id": delivery.id,
                     "data-status": delivery.status },
      h("div", { class: "delivery-main" },
        h("span", { class: "delivery-status", "data-status": delivery.status, tabindex: -1 },
          STATUS[delivery.status] ?? delivery.status),
        h("span", { class: "delivery-facts" }, facts.join(" · ")),
        resend ? h("span", { class: "row-actions" }, resend) : null),
      problem, next);
  }

  function render() {
    list.replaceChildren(...rows.map(row));
    empty.hidden = rows.length > 0;
    older.hidden = !cursor;
  }

  async function fetchPage(from) {
    const query = new URLSearchParams({ limit: String(PAGE) });
    if (from) query.set("cursor", from);
    return api(`/webhooks/${endpoint.id}/deliveries?${query}`);
  }

  /** Re-read the newest page; true when some delivery shown is still being sent. */
  async function load() {
    try {
      const page = await fetchPage(null);
      rows = page.items;
      cursor = page.next_cursor;
    } catch (error) {
      toast(`Could not load deliveries: ${error.message}`, "error");
      return false;
    }
    render();
    return rows.some((d) => OPEN.has(d.status));
  }

  async function more() {
    try {
      const page = await fetchPage(cursor);
      rows = [...rows, ...page.items];
      cursor = page.next_cursor;
    } catch (error) {
      toast(`Could not load older deliveries: ${error.message}`, "error");
      return;
    }
    render();
    list.lastElementChild?.querySelector(".delivery-status")?.focus();
  }

  return { element, load, count: () => rows.length };
}
