// API keys: the active ones (name, prefix, created, last used), a new one by name with its secret
// shown once, and revoking one after a confirmation.

import { api } from "../api.js";
import { clearErrors, formatTime, h, showErrors, toast } from "../dom.js";
import { confirmStep, field, secretReveal } from "./account_parts.js";

/** The API keys card; `load()` (re)reads the list. */
export function keysCard() {
  const list = h("ul", { class: "key-list", "aria-label": "Your API keys" });
  const empty = h("p", { class: "muted small", hidden: true }, "No API keys yet.");
  const reveal = h("div", { class: "reveal-slot" });
  const name = h("input", { type: "text", name: "name", maxLength: 100, autocomplete: "off",
                            placeholder: "e.g. CI pipeline" });
  const submit = h("button", { type: "submit", class: "primary" }, "Create key");
  const form = h("form", { class: "inline-form", novalidate: true, onsubmit: create },
    field("Key name", name, "name", "A name that says where the key is used."),
    h("p", { class: "form-error", role: "alert", "data-error-for": "" }), submit);
  const element = h("section", { class: "card", "aria-labelledby": "keys-title" },
    h("h2", { id: "keys-title" }, "API keys"),
    h("p", { class: "muted small" }, "Programs send a key in the ", h("code", {}, "X-API-Key"),
      " header instead of signing in. A key acts as you until it is revoked."),
    form, reveal, empty, list);

  async function create(event) {
    event.preventDefault();
    clearErrors(form);
    if (!name.value.trim()) {
      showErrors(form, { field: "name", message: "Give the key a name, so you can tell it "
        + "apart from your others later." });
      return;
    }
    submit.disabled = true;
    try {
      const key = await api("/auth/api-keys", { method: "POST", json: { name: name.value.trim() } });
      form.reset();
      reveal.replaceChildren(secretReveal({
        label: `New API key “${key.name}”`, secret: key.key,
        note: "Copy the key now and keep it somewhere safe; if you lose it, revoke it and "
          + "create another.",
        onDone: () => name.focus(),
      }));
      await load();
    } catch (error) {
      showErrors(form, error);
    } finally {
      submit.disabled = false;
    }
  }

  function row(key) {
    const revoke = h("button", { type: "button", class: "ghost small",
                                 "aria-label": `Revoke ${key.name}` }, "Revoke");
    revoke.addEventListener("click", () => confirmStep(revoke, {
      question: `Revoke “${key.name}”? Programs using it stop working at once.`,
      confirmLabel: "Revoke key",
      action: async () => {
        await api(`/auth/api-keys/${key.id}`, { method: "DELETE" });
        toast(`Revoked “${key.name}”.`);
        await load();
        name.focus();
      },
    }));
    return h("li", { class: "key", "data-key-id": key.id },
      h("div", { class: "key-main" },
        h("span", { class: "key-name" }, key.name),
        h("code", { class: "key-prefix", "aria-label": `Starts with ${key.prefix}` },
          `${key.prefix}…`)),
      h("span", { class: "muted small key-dates" }, `Created ${formatTime(key.created_at)} · `,
        key.last_used_at ? `last used ${formatTime(key.last_used_at)}` : "never used"),
      h("span", { class: "row-actions" }, revoke));
  }

  async function load() {
    let keys;
    try {
      keys = await api("/auth/api-keys");
    } catch (error) {
      toast(`Could not load your API keys: ${error.message}`, "error");
      return;
    }
    list.replaceChildren(...keys.map(row));
    empty.hidden = keys.length > 0;
  }

  return { element, load };
}
