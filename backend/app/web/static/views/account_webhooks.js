// Webhooks: the endpoints (add with the events from GET /webhooks/event-types, the secret
// shown once, delete), each with its recent deliveries, and the callback signing secret.

import { api } from "../api.js";
import { clearErrors, formatTime, h, showErrors, toast } from "../dom.js";
import { deliveriesPanel } from "./account_deliveries.js";
import { confirmStep, field, secretReveal, sentence, uid } from "./account_parts.js";

const TICK_MS = 2000; // deliveries have no pushed events: the card polls while one is open
const SETTLE_MS = 10_000; // a job's deliveries are recorded just after its final event
const WATCH_MAX_MS = 120_000; // a delivery retrying for longer is left to the Refresh button

/** The URL refusals of the API, said the way a person would. */
function urlMessage(error) {
  const text = String(error.message).replace(/^url: /, "");
  const hidden = text.match(/^(.+) resolves to (.+), (an? .+ address)$/);
  if (error.code === "unsafe_url" && hidden) {
    const [, host, address, kind] = hidden;
    const where = host === address ? `${host} is ${kind}` : `${host} points to ${address}, ${kind}`;
    return `${where}. Webhooks only go to public internet addresses.`;
  }
  const lost = text.match(/^(\S+) (?:does not resolve|resolved to no address)/);
  if (lost) return `${lost[1]} could not be found. Check the address for typos.`;
  const plain = {
    "only https URLs are allowed": "The address must start with https://.",
    "the URL has no host": "The address needs a host name, as in https://example.com/hook.",
    "credentials in the URL are not allowed": "Leave the user name and password out of the "
      + "address: the signature on each request tells your receiver it came from us.",
  };
  if (plain[text]) return plain[text];
  if (text.startsWith("not a valid URL")) return "That is not a web address we can send to.";
  return sentence(text);
}

/** The webhooks card; `load()` re-reads endpoints, `jobEnded()` watches for deliveries. */
export function webhooksCard() {
  const url = h("input", { type: "url", name: "url", inputMode: "url", autocomplete: "off",
                           placeholder: "https://example.com/reelforge-events", maxLength: 2048 });
  const description = h("input", { type: "text", name: "description", maxLength: 200,
                                   autocomplete: "off" });
  const events = h("fieldset", { class: "field events" }, h("legend", {}, "Events to send"),
    h("div", { class: "event-choices" }),
    h("p", { class: "field-error", "data-error-for": "events" }));
  const submit = h("button", { type: "submit", class: "primary" }, "Add endpoint");
  const form = h("form", { novalidate: true, onsubmit: add },
    field("Endpoint URL", url, "url", "Where we POST signed events, e.g. when a job ends."),
    events, field("Description (optional)", description, "description"),
    h("p", { class: "form-error", role: "alert", "data-error-for": "" }), submit);
  const reveal = h("div", { class: "reveal-slot" });
  const list = h("ul", { class: "endpoint-list", "aria-label": "Your webhook endpoints" });
  const empty = h("p", { class: "muted small", hidden: true }, "No endpoints yet.");
  const signing = signingSecret();
  const element = h("section", { class: "card", "aria-labelledby": "webhooks-title" },
    h("h2", { id: "webhooks-title" }, "Webhooks"), form, reveal, empty, list, signing);
  let panels = [];
  let timer = null;
  let settleUntil = 0;
  let giveUpAt = 0;

  async function add(event) {
    event.preventDefault();
    clearErrors(form);
    const chosen = [...events.querySelectorAll("input:checked")].map((c) => c.value);
    if (!url.value.trim()) {
      showErrors(form, { field: "url", message: "Enter the address that should receive the "
        + "events, starting with https://." });
      return;
    }
    if (!chosen.length) {
      showErrors(form, { field: "events", message: "Pick at least one event to send." });
      events.querySelector("input")?.focus();
      return;
    }
    submit.disabled = true;
    try {
      const created = await api("/webhooks", { method: "POST", json: {
        url: url.value.trim(), events: chosen, description: description.value.trim() || null } });
      form.reset();
      reveal.replaceChildren(secretReveal({
        label: `Signing secret for ${created.url}`, secret: created.secret,
        note: "Your receiver checks each request's signature with it. To change it, delete "
          + "the endpoint and add it again.",
        onDone: () => url.focus(),
      }));
      await load();
    } catch (error) {
      const onUrl = error.field === "url" || error.code === "unsafe_url";
      showErrors(form, onUrl ? { field: "url", message: urlMessage(error) }
        : { field: error.field, message: sentence(error.message), details: error.details });
    } finally {
      submit.disabled = false;
    }
  }

  function endpointItem(endpoint) {
    const panel = deliveriesPanel(endpoint, { watch: () => watch(0) });
    panels.push(panel);
    const remove = h("button", { type: "button", class: "ghost small",
                                 "aria-label": `Delete endpoint ${endpoint.url}` }, "Delete");
    remove.addEventListener("click", () => confirmStep(remove, {
      question: "Delete this endpoint? It gets no more events; deliveries still being retried fail.",
      confirmLabel: "Delete endpoint",
      action: async () => {
        await api(`/webhooks/${endpoint.id}`, { method: "DELETE" });
        toast("Endpoint deleted.");
        await load();
        url.focus();
      },
    }));
    return h("li", { class: "endpoint", "data-webhook-id": endpoint.id },
      h("div", { class: "endpoint-head" },
        h("h3", { class: "endpoint-url" }, endpoint.url), h("span", { class: "row-actions" }, remove)),
      endpoint.description ? h("p", {}, endpoint.description) : null,
      h("p", { class: "muted small" },
        `${endpoint.events.join(", ")} · added ${formatTime(endpoint.created_at)}`),
      panel.element);
  }

  async function loadEventTypes() {
    const slot = events.querySelector(".event-choices");
    if (slot.childElementCount) return;
    const types = await api("/webhooks/event-types");
    slot.replaceChildren(...types.map((t) => {
      const id = uid("event");
      return h("div", { class: "check" },
        h("input", { type: "checkbox", id, value: t.type, checked: true,
                     defaultChecked: true, name: "events" }),
        h("label", { for: id }, h("code", {}, t.type), h("span", { class: "muted small" },
          ` — ${t.description}`)));
    }));
  }

  async function load() {
    let endpoints;
    try {
      [endpoints] = await Promise.all([api("/webhooks"), loadEventTypes()]);
    } catch (error) {
      toast(`Could not load your webhooks: ${error.message}`, "error");
      return;
    }
    panels = [];
    list.replaceChildren(...endpoints.map(endpointItem));
    empty.hidden = endpoints.length > 0;
    const open = await Promise.all(panels.map((p) => p.load()));
    if (open.some(Boolean)) watch(0);
  }

  async function tick() {
    timer = null;
    const open = (await Promise.all(panels.map((p) => p.load()))).some(Boolean);
    const now = Date.now();
    if (now < giveUpAt && (open || now < settleUntil)) timer = setTimeout(tick, TICK_MS);
  }

  /** Poll the deliveries for at least `settleMs`, and on while one is being sent. */
  function watch(settleMs) {
    const now = Date.now();
    settleUntil = Math.max(settleUntil, now + settleMs);
    giveUpAt = now + WATCH_MAX_MS;
    timer ??= setTimeout(tick, TICK_MS);
  }

  return {
    element, load,
    jobEnded: () => panels.length && watch(SETTLE_MS),
    stop: () => clearTimeout(timer),
  };
}

function signingSecret() {
  const reveal = h("div", { class: "reveal-slot" });
  const rotate = h("button", { type: "button", class: "ghost" }, "Create a new signing secret");
  rotate.addEventListener("click", () => confirmStep(rotate, {
    question: "Replace your callback signing secret? Receivers still checking with the old one "
      + "will refuse new deliveries.",
    confirmLabel: "Replace secret",
    action: async () => {
      const made = await api("/webhooks/signing-secret", { method: "POST" });
      reveal.replaceChildren(secretReveal({
        label: "Callback signing secret", secret: made.secret,
        note: "It signs every delivery to a submit's callback_url from now on.",
        onDone: () => rotate.focus(),
      }));
    },
  }));
  const row = h("div", { class: "row-actions" }, rotate);
  const wrap = h("div", { class: "signing" },
    h("h3", {}, "Callback signing secret"),
    h("p", { class: "muted small" }, "Signs the event sent to a submit's ", h("code", {}, "callback_url"),
      " (endpoints above each have their own secret). Creating a new one replaces the old "
      + "at once."),
    row, reveal);
  return wrap;
}
