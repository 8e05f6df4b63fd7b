// One dead letter: what ran, how it last failed, and (expanded) its arguments and every
// attempt with its worker, times and error.

import { formatTime, h } from "../dom.js";
import { seconds } from "./ops_ui.js";

function errorText(error) {
  if (!error) return "no error recorded";
  const message = error.message ? `: ${error.message}` : "";
  return `${error.code ?? "error"}${message}`;
}

/** To the second: attempts of one job are often seconds apart. */
function exactTime(iso) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

function attemptLine(entry) {
  const parts = [`Attempt ${entry.attempt ?? "?"}`];
  if (entry.worker) parts.push(`on ${entry.worker}`);
  if (entry.started_at) parts.push(`started ${exactTime(entry.started_at)}`);
  if (entry.started_at && entry.ended_at) {
    parts.push(`ran ${seconds((Date.parse(entry.ended_at) - Date.parse(entry.started_at)) / 1000)}`);
  }
  return h("li", {}, h("span", {}, parts.join(" · ")),
           h("span", { class: "dl-attempt-error" }, errorText(entry.error)));
}

/** The list item of `letter` (a DeadLetterRead); `actions` = { requeue, discard, selected }. */
export function deadLetterItem(letter, actions) {
  const short = letter.id.slice(0, 8);
  const name = `${letter.task_name} job ${short}`;
  const detailsId = `dl-details-${letter.id}`;
  const select = h("input", { type: "checkbox", id: `dl-select-${letter.id}`,
                              onchange: () => actions.selected() });
  const details = h("div", { class: "dl-details", id: detailsId, hidden: true },
    h("dl", { class: "dl-facts" },
      h("dt", {}, "Job"), h("dd", {}, letter.id),
      h("dt", {}, "Owner"), h("dd", {}, letter.user_id),
      h("dt", {}, "Submitted"), h("dd", {}, formatTime(letter.created_at)),
      h("dt", {}, "Priority"), h("dd", {}, String(letter.priority)),
      h("dt", {}, "Last error"), h("dd", { class: "dl-last-error" }, errorText(letter.error))),
    h("h3", {}, "Attempts"),
    letter.attempt_log.length
      ? h("ol", { class: "dl-attempts" }, ...letter.attempt_log.map(attemptLine))
      : h("p", { class: "muted" }, "No attempt was recorded."),
    h("h3", {}, "Arguments"),
    h("pre", { class: "dl-params", tabindex: "0", "aria-label": `Arguments of ${name}` },
      JSON.stringify(letter.params, null, 2)));
  const toggle = h("button", { type: "button", class: "ghost small", "aria-expanded": "false",
                               "aria-controls": detailsId, "aria-label": `Details of ${name}`,
                               onclick: () => {
                                 details.hidden = !details.hidden;
                                 toggle.setAttribute("aria-expanded", String(!details.hidden));
                                 toggle.textContent = details.hidden ? "Details" : "Hide details";
                                 toggle.setAttribute("aria-label", `${toggle.textContent} of ${name}`);
                               } }, "Details");
  const item = h("li", { class: "dead-letter", "data-job-id": letter.id },
    h("div", { class: "dl-head" },
      select, h("label", { for: select.id, class: "visually-hidden" }, `Select ${name}`),
      h("div", { class: "dl-summary" },
        h("p", { class: "dl-title" }, h("strong", {}, letter.task_name),
          h("span", { class: "muted" }, ` · ${letter.queue} · ${short}`)),
        h("p", { class: "dl-error" }, errorText(letter.error)),
        h("p", { class: "muted small" },
          `${letter.attempts} attempts · dead since ${formatTime(letter.finished_at ?? letter.created_at)}`)),
      h("div", { class: "dl-actions" }, toggle,
        h("button", { type: "button", class: "primary small", "aria-label": `Requeue ${name}`,
                      onclick: (event) => actions.requeue([letter.id], event.currentTarget) },
          "Requeue"),
        h("button", { type: "button", class: "ghost small", "aria-label": `Discard ${name}`,
                      onclick: (event) => actions.discard([letter.id], event.currentTarget) },
          "Discard"))),
    details);
  return { item, select, id: letter.id };
}
