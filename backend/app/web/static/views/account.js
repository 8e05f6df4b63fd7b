// Account: usage against the plan's quotas, API keys and webhooks, one card each
// (views/account_usage.js, account_keys.js, account_webhooks.js).

import { h } from "../dom.js";
import { keysCard } from "./account_keys.js";
import { usageCard } from "./account_usage.js";
import { webhooksCard } from "./account_webhooks.js";

export const title = "Account";

const FINAL = new Set(["job.succeeded", "job.failed", "job.dead", "job.cancelled"]);
const USAGE_DEBOUNCE_MS = 300; // a burst of job events reloads the figures once

export function mount(root, ctx) {
  const usage = usageCard();
  const keys = keysCard();
  const webhooks = webhooksCard();
  root.replaceChildren(h1(ctx.user), h("div", { class: "account-screen" },
    usage.element, keys.element, webhooks.element));

  let pending = null;
  ctx.onEvent((event) => {
    if (event.type === "job.progress") return;
    clearTimeout(pending); // a job queued, started or ended moves a count
    pending = setTimeout(usage.load, USAGE_DEBOUNCE_MS);
    if (FINAL.has(event.type)) webhooks.jobEnded();
  });
  const loadAll = () => {
    usage.load();
    keys.load();
    webhooks.load();
  };
  ctx.onReady((resumed) => {
    if (!resumed) loadAll(); // a fresh handshake may have missed events: read again
  });
  loadAll();
  return () => {
    clearTimeout(pending);
    webhooks.stop();
  };
}

function h1(user) {
  return h("div", { class: "screen-head" },
    h("h1", { id: "account-title" }, "Account"),
    h("p", { class: "muted" }, user?.email ?? ""));
}
