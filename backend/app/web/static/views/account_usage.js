// Usage against the plan's quotas: one meter per limit, with the numbers in words, read
// from GET /auth/usage (the counts the quota checks themselves use).

import { api } from "../api.js";
import { formatBytes, h, toast } from "../dom.js";
import { uid } from "./account_parts.js";

const UNIT_WORDS = { submits: "submits", jobs: "jobs", assets: "files" };

const GB = 1024 ** 3;

/** Counts with separators; bytes in B/KB/MB, or GB and TB for plan-sized figures. */
function amount(value, unit) {
  if (unit !== "bytes") return value.toLocaleString();
  if (value < GB) return formatBytes(value);
  const [size, word] = value < 1024 * GB ? [value / GB, "GB"] : [value / 1024 / GB, "TB"];
  return `${Number(size.toFixed(1)).toLocaleString()} ${word}`;
}

function quotaRow(quota) {
  const id = uid("quota");
  const used = amount(quota.used, quota.unit);
  const limit = amount(quota.limit, quota.unit);
  const words = UNIT_WORDS[quota.unit] ? ` ${UNIT_WORDS[quota.unit]}` : "";
  const text = `${used} of ${limit}${words}`;
  const full = quota.limit > 0 && quota.used >= quota.limit;
  const note = quota.frees_at && quota.used > 0
    ? `One more frees up at ${new Date(quota.frees_at).toLocaleTimeString(undefined,
      { timeStyle: "short" })}.` : null;
  return h("li", { class: "quota", "data-quota": quota.name, "data-full": full ? "true" : null },
    h("div", { class: "quota-head" },
      h("label", { for: id }, quota.label),
      h("span", { class: "quota-figures", "data-used": quota.used, "data-limit": quota.limit },
        text)),
    h("meter", { id, min: 0, max: Math.max(quota.limit, 1), value: Math.min(quota.used, quota.limit),
                 low: quota.limit * 0.75, high: quota.limit * 0.9, optimum: 0,
                 "aria-valuetext": text }),
    full ? h("p", { class: "error" }, "Limit reached: new ones are refused until some finish "
      + "or leave the window.") : null,
    note ? h("p", { class: "muted small" }, note) : null);
}

/** The usage card; `load()` re-reads the figures. */
export function usageCard() {
  const planLine = h("p", { class: "plan-line" });
  const list = h("ul", { class: "quota-list", "aria-label": "Quotas" });
  const element = h("section", { class: "card", "aria-labelledby": "usage-title" },
    h("h2", { id: "usage-title" }, "Usage"), planLine, list);

  async function load() {
    let usage;
    try {
      usage = await api("/auth/usage");
    } catch (error) {
      toast(`Could not load your usage: ${error.message}`, "error");
      return;
    }
    planLine.replaceChildren("Plan: ", h("strong", { class: "plan-name" }, usage.plan));
    if (usage.exempt) {
      planLine.append(h("span", { class: "muted small" },
        " — as an admin you are not held to these limits."));
    }
    list.replaceChildren(...usage.quotas.map(quotaRow));
  }

  return { element, load };
}
