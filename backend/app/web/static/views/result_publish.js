// The publish dialog: post a finished video to connected accounts now or at a time
// (POST /tasks/submit/social), or, without accounts, where to connect one.

import { api } from "../api.js";
import { clearErrors, h, showErrors, toast } from "../dom.js";

const PRIVACY = [["private", "Private"], ["unlisted", "Unlisted"], ["public", "Public"]];

function field(label, control, errorFor, hint = null) {
  return h("div", { class: "field" }, h("label", { for: control.id }, label), control,
    hint, h("p", { class: "field-error", "data-error-for": errorFor }));
}

/** A <dialog> appended to `root`; returns open(source, title). */
export function publishDialog(root) {
  const dialog = h("dialog", { class: "card publish-dialog", "aria-labelledby": "publish-title" });
  root.append(dialog);
  let accounts = null; // loaded on first open

  const close = () => dialog.close();

  function noAccounts(title) {
    dialog.replaceChildren(
      h("h2", { id: "publish-title" }, `Publish “${title}”`),
      h("p", { class: "publish-note" }, "No social account is connected yet. ",
        h("a", { href: "#/account", onclick: close }, "Connect an account in Account"),
        " to post your videos to YouTube, TikTok or Instagram."),
      h("div", { class: "form-actions" },
        h("button", { type: "button", class: "ghost", onclick: close }, "Close")));
  }

  function form(source, title) {
    const when = h("input", { id: "publish-at", type: "datetime-local", name: "publish_at",
                              disabled: true });
    const now = h("input", { type: "radio", name: "when", value: "now", id: "when-now",
                             checked: true });
    const later = h("input", { type: "radio", name: "when", value: "later", id: "when-later" });
    const submit = h("button", { type: "submit", class: "primary" }, "Post now");
    const sync = () => {
      when.disabled = !later.checked;
      submit.textContent = later.checked ? "Schedule" : "Post now";
    };
    now.addEventListener("change", sync);
    later.addEventListener("change", sync);
    const privacy = h("select", { id: "publish-privacy", name: "privacy" },
      ...PRIVACY.map(([value, label]) => h("option", { value }, label)));
    const el = h("form", { novalidate: true, onsubmit: async (event) => {
      event.preventDefault();
      clearErrors(el);
      const body = { ...source, privacy: privacy.value,
                     account_ids: [...el.querySelectorAll('input[name="account"]:checked')]
                       .map((i) => i.value) };
      if (later.checked) {
        if (!when.value) {
          showErrors(el, { field: "publish_at", message: "Choose a date and time." });
          return;
        }
        body.publish_at = new Date(when.value).toISOString();
      }
      if (!body.account_ids.length) {
        showErrors(el, { field: "account_ids", message: "Choose at least one account." });
        return;
      }
      submit.disabled = true;
      try {
        const { posts } = await api("/tasks/submit/social", { method: "POST", json: body });
        toast(later.checked ? `Scheduled ${posts.length} post${posts.length === 1 ? "" : "s"}.`
          : `Posting to ${posts.length} account${posts.length === 1 ? "" : "s"}.`);
        close();
      } catch (error) {
        showErrors(el, error);
      } finally {
        submit.disabled = false;
      }
    } },
    h("h2", { id: "publish-title" }, `Publish “${title}”`),
    h("fieldset", { class: "field" }, h("legend", {}, "Accounts"),
      h("div", { class: "checks" }, ...accounts.map((a) => h("label", { class: "check" },
        h("input", { type: "checkbox", name: "account", value: a.id,
                     disabled: a.status !== "active" }),
        `${a.external_name} (${a.platform})${a.status === "active" ? "" : " · reconnect"}`))),
      h("p", { class: "field-error", "data-error-for": "account_ids" })),
    h("fieldset", { class: "field" }, h("legend", {}, "When"),
      h("div", { class: "checks" },
        h("label", { class: "check", for: "when-now" }, now, "Now"),
        h("label", { class: "check", for: "when-later" }, later, "At a time"))),
    field("Publish at", when, "publish_at"),
    field("Privacy", privacy, "privacy"),
    h("p", { class: "form-error", "data-error-for": "", role: "alert" }),
    h("div", { class: "form-actions" }, submit,
      h("button", { type: "button", class: "ghost", onclick: close }, "Cancel")));
    dialog.replaceChildren(el);
  }

  return async function open(source, title) {
    dialog.replaceChildren(h("p", { class: "muted" }, "Loading your accounts…"));
    dialog.showModal();
    try {
      accounts ??= await api("/social/accounts");
    } catch (error) {
      dialog.replaceChildren(h("p", { class: "error", role: "alert" }, error.message),
        h("button", { type: "button", class: "ghost", onclick: close }, "Close"));
      return;
    }
    if (accounts.length) form(source, title);
    else noAccounts(title);
  };
}
