// Pieces the Account screen's cards share: a secret shown once, an inline confirmation,
// and a form field with its error slot.

import { h, toast } from "../dom.js";

let counter = 0;
/** A unique id for label/input pairs. */
export const uid = (stem) => `${stem}-${++counter}`;

/** A labelled input with the slot `showErrors` fills for `name` (the API's field). */
export function field(label, input, name, hint = null) {
  input.id ||= uid(name);
  const error = h("p", { class: "field-error", id: uid(`${name}-error`), "data-error-for": name });
  const help = hint ? h("p", { class: "muted small", id: uid(`${name}-hint`) }, hint) : null;
  input.setAttribute("aria-describedby", [help?.id, error.id].filter(Boolean).join(" "));
  return h("div", { class: "field" }, h("label", { for: input.id }, label), input, help, error);
}

/**
 * A secret the server shows once: a read-only field to copy from, a Copy button and the
 * warning. `onDone` removes it; focus moves into it so a screen reader announces it.
 */
export function secretReveal({ label, secret, note, onDone }) {
  const input = h("input", { type: "text", readOnly: true, value: secret, class: "secret",
                             spellcheck: false, autocomplete: "off" });
  const copy = h("button", { type: "button", class: "ghost small", async onclick() {
    input.select();
    try {
      await navigator.clipboard.writeText(secret);
      toast("Copied to the clipboard.");
    } catch {
      toast("Select the text and copy it with your keyboard.", "error");
    }
  } }, "Copy");
  const done = h("button", { type: "button", class: "primary small", onclick: () => {
    box.remove();
    onDone?.();
  } }, "I have saved it");
  input.id = uid("secret");
  const warning = h("p", { class: "warning", id: uid("secret-note") },
    h("strong", {}, "You will not see this again. "), note);
  input.setAttribute("aria-describedby", warning.id);
  const box = h("div", { class: "secret-reveal", role: "group", "aria-label": "Shown once" },
    h("div", { class: "field" }, h("label", { for: input.id }, label), input),
    warning, h("div", { class: "row-actions" }, copy, done));
  queueMicrotask(() => input.focus());
  return box;
}

/**
 * Replace `button` by a question with confirm and cancel buttons; `action` runs on
 * confirm (its errors are toasted). Escape or Cancel puts the button back, focused.
 */
export function confirmStep(button, { question, confirmLabel, action }) {
  const restore = () => {
    box.replaceWith(button);
    button.focus();
  };
  const yes = h("button", { type: "button", class: "danger small", async onclick() {
    yes.disabled = true;
    try {
      await action();
      if (box.isConnected) box.replaceWith(button); // still on screen: the button comes back
    } catch (error) {
      toast(error.message, "error");
      restore();
    }
  } }, confirmLabel);
  const no = h("button", { type: "button", class: "ghost small", onclick: restore }, "Cancel");
  const box = h("span", { class: "confirm", role: "group", "aria-label": question,
                          onkeydown: (e) => { if (e.key === "Escape") restore(); } },
    h("span", { class: "question" }, question), yes, no);
  button.replaceWith(box);
  no.focus();
}

/** "2026-12-04T10:15:02Z" → "4 Dec 2026, 10:15:02" (seconds: deliveries come close together). */
export function when(iso) {
  return iso ? new Date(iso).toLocaleString(undefined, { dateStyle: "medium",
                                                        timeStyle: "medium" }) : "";
}

/** The API's message as a sentence: capital first letter, a full stop at the end. */
export function sentence(message) {
  const text = String(message ?? "").trim();
  if (!text) return text;
  const first = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}
