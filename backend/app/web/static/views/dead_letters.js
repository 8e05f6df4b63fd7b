// Dead letters: jobs that exhausted their retries (GET /admin/dead-letters), filtered by task
// type, queue, error and age (kept in the URL), each expandable to its error and attempts;
// requeue one or many with one click (POST /admin/requeue), or discard them for good
// (POST /admin/dead-letters/discard).

import { api } from "../api.js";
import { h, showErrors, toast } from "../dom.js";
import { confirmStep } from "./account_parts.js";
import { deadLetterItem } from "./dead_letter_item.js";
import { screenHead } from "./ops_ui.js";

export const title = "Dead letters";

const PAGE = 50;
const FILTERS = ["task_type", "queue", "error_code", "error_text", "max_age_hours"];
const AGES = [["", "Any time"], ["1", "Last hour"], ["24", "Last 24 hours"],
              ["168", "Last 7 days"], ["720", "Last 30 days"]];

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function textField(name, label, value) {
  const id = `dl-filter-${name}`;
  return h("div", { class: "field" }, h("label", { for: id }, label),
    h("input", { id, name, type: "search", value: value ?? "", autocomplete: "off" }),
    h("p", { class: "field-error", "data-error-for": name }));
}

function selectField(name, label, options, value) {
  const id = `dl-filter-${name}`;
  return h("div", { class: "field" }, h("label", { for: id }, label),
    h("select", { id, name },
      ...options.map(([v, text]) => h("option", { value: v, selected: v === (value ?? "") }, text))),
    h("p", { class: "field-error", "data-error-for": name }));
}

export function mount(root, ctx) {
  const asked = Object.fromEntries(FILTERS.map((f) => [f, ctx.params.get(f) ?? ""]));
  const refreshButton = h("button", { type: "button", class: "ghost", onclick: () => load() },
                          "Refresh");
  const { head, updated, stamp } = screenHead("dead-title", "Dead letters", refreshButton);
  const queueField = selectField("queue", "Queue", [["", "Any queue"]], asked.queue);
  const filters = h("form", { class: "card ops-filters", novalidate: true,
                              "aria-label": "Filter dead letters" },
    h("div", { class: "grid" },
      textField("task_type", "Task type", asked.task_type), queueField,
      textField("error_code", "Error code", asked.error_code),
      textField("error_text", "Error message contains", asked.error_text),
      selectField("max_age_hours", "Died", AGES, asked.max_age_hours)),
    h("p", { class: "form-error", "data-error-for": "", role: "alert" }),
    h("div", { class: "ops-actions" },
      h("button", { type: "submit", class: "primary" }, "Show"),
      h("button", { type: "button", class: "ghost", onclick: () => ctx.navigate("dead-letters") },
        "Clear filters")));
  const selectAll = h("input", { type: "checkbox", id: "dl-select-all", onchange: () => {
    for (const row of rows.values()) row.select.checked = selectAll.checked;
    selected();
  } });
  const requeueSelected = h("button", { type: "button", class: "primary", disabled: true,
                                        onclick: (e) => requeue(chosen(), e.currentTarget) },
                            "Requeue selected");
  const discardSelected = h("button", { type: "button", class: "ghost", disabled: true,
                                        onclick: () => confirmDiscard(chosen(), discardSelected) },
                            "Discard selected");
  const count = h("p", { class: "muted", role: "status" });
  const list = h("ul", { class: "dead-list", "aria-label": "Dead letters" });
  const empty = h("p", { class: "card empty", hidden: true },
                  "No dead letters match. Jobs land here once they exhaust their retries.");
  const more = h("button", { type: "button", class: "ghost", hidden: true,
                             onclick: () => load(true) }, "Show more");
  root.replaceChildren(h("section", { class: "ops dead-letters", "aria-labelledby": "dead-title" },
    head, updated, filters,
    h("div", { class: "ops-bulk" },
      h("span", { class: "ops-check" }, selectAll,
        h("label", { for: selectAll.id }, "Select all shown")),
      requeueSelected, discardSelected),
    count, empty, list, more));

  const rows = new Map(); // id → { item, select }

  const chosen = () => [...rows.values()].filter((r) => r.select.checked).map((r) => r.id);

  function selected() {
    const n = chosen().length;
    requeueSelected.disabled = discardSelected.disabled = n === 0;
    requeueSelected.textContent = n ? `Requeue selected (${n})` : "Requeue selected";
    discardSelected.textContent = n ? `Discard selected (${n})` : "Discard selected";
    selectAll.checked = n > 0 && n === rows.size;
  }

  function showCount() {
    count.textContent = rows.size ? `${plural(rows.size, "dead letter")} shown` : "";
    empty.hidden = rows.size > 0;
  }

  function drop(ids) {
    for (const id of ids) {
      rows.get(id)?.item.remove();
      rows.delete(id);
    }
    selected();
    showCount();
    list.querySelector("button")?.focus({ preventScroll: true }); // focus stays on the list
  }

  async function act(ids, button, path, body, key, [verb, pastTense]) {
    if (!ids.length) return;
    button.disabled = true;
    try {
      const done = (await api(path, { method: "POST", json: body }))[key];
      drop(done);
      const gone = ids.length - done.length;
      toast(`${pastTense} ${plural(done.length, "job")}`
            + (gone ? `; ${gone} had already left the dead letters` : ""));
      if (gone) load();
    } catch (error) {
      toast(`Could not ${verb}: ${error.message}`, "error");
    } finally {
      button.disabled = false;
      selected();
    }
  }

  /** Discarding is for good: the button asks first (Escape or Cancel keeps the jobs). */
  function confirmDiscard(ids, button) {
    if (!ids.length) return;
    confirmStep(button, { question: `Discard ${plural(ids.length, "job")} for good?`,
                          confirmLabel: "Discard", action: () => discard(ids, button) });
  }

  const requeue = (ids, button) => act(ids, button, "/admin/requeue", { ids }, "requeued",
                                       ["requeue", "Requeued"]);
  const discard = (ids, button) => act(ids, button, "/admin/dead-letters/discard",
                                       { job_ids: ids }, "discarded", ["discard", "Discarded"]);

  async function load(append = false) {
    const query = new URLSearchParams({ limit: String(PAGE),
                                        offset: String(append ? rows.size : 0) });
    for (const [key, value] of Object.entries(asked)) if (value) query.set(key, value);
    let letters;
    try {
      letters = await api(`/admin/dead-letters?${query}`);
    } catch (error) {
      showErrors(filters, error);
      return;
    }
    if (!append) {
      rows.clear();
      list.replaceChildren();
    }
    for (const letter of letters) {
      if (rows.has(letter.id)) continue;
      const row = deadLetterItem(letter, { requeue, discard: confirmDiscard, selected });
      rows.set(letter.id, row);
      list.append(row.item);
    }
    more.hidden = letters.length < PAGE;
    selected();
    showCount();
    stamp();
  }

  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    const form = new FormData(filters);
    const params = {};
    for (const f of FILTERS) {
      const value = String(form.get(f) ?? "").trim();
      if (value) params[f] = value;
    }
    ctx.navigate("dead-letters", params); // the filters live in the URL; the screen reloads
  });

  // The queues are the API's, never a list in the page.
  api("/tasks/stats/queues").then((stats) => {
    const select = queueField.querySelector("select");
    for (const name of Object.keys(stats.queues)) {
      select.append(h("option", { value: name, selected: name === asked.queue }, name));
    }
  }).catch((error) => toast(`Could not load the queues: ${error.message}`, "error"));

  load(); // operators get no events of other people's jobs: Refresh reloads
}
