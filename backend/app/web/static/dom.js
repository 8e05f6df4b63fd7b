// Small DOM helpers: element building, field errors next to inputs, toasts and formats.

import { humanize } from "./humanize.js";

/** Build an element: h("button", {class: "x", onclick}, "text", child). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key in el && !key.includes("-")) el[key] = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

/** "asset_ids.2" belongs to the field "asset_ids"; "username" is the email on sign-in. */
function slotFor(form, field) {
  const aliases = { username: "email" };
  const name = aliases[field] ?? field ?? "";
  const root = name.split(".")[0];
  return form.querySelector(`[data-error-for="${CSS.escape(root)}"]`)
    ?? form.querySelector('[data-error-for=""]');
}

/** API messages start with their field ("file: too large"); next to the field, drop it. */
export function withoutPrefix(field, message) {
  const prefix = `${field}: `;
  return field && message.startsWith(prefix) ? message.slice(prefix.length) : message;
}

export function clearErrors(form) {
  for (const slot of form.querySelectorAll("[data-error-for]")) slot.textContent = "";
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
}

/**
 * Show an ApiError next to the field it names (each of `details` for validation errors), in
 * plain words; `nouns` names what a list field holds ({asset_ids: "photo"}).
 */
export function showErrors(form, error, { nouns = {} } = {}) {
  clearErrors(form);
  const items = error.details?.length
    ? error.details.map((d) => ({ field: d.field, message: d.message }))
    : [{ field: error.field, message: error.message }];
  for (const { field, message } of items) {
    const slot = slotFor(form, field);
    const root = String(field ?? "").split(".")[0];
    const text = humanize(withoutPrefix(field, String(message)), nouns[root]);
    slot.textContent = slot.textContent ? `${slot.textContent} ${text}` : text;
    const input = slot.closest(".field")?.querySelector("input, select");
    input?.setAttribute("aria-invalid", "true");
  }
  form.querySelector('[aria-invalid="true"]')?.focus();
}

/** A short message in the polite live region; errors stay longer. */
export function toast(message, kind = "info") {
  const box = document.getElementById("toasts");
  const item = h("p", { class: `toast ${kind}` }, message);
  box.append(item);
  setTimeout(() => item.remove(), kind === "error" ? 8000 : 4000);
}

export function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function formatSeconds(s) {
  if (s === null || s === undefined) return "";
  const total = Math.max(0, Math.round(s));
  const m = Math.floor(total / 60);
  return m ? `${m} min ${String(total % 60).padStart(2, "0")} s` : `${total} s`;
}

export function formatTime(iso) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
