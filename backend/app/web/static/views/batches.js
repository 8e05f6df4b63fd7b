// Batches: a CSV of topics (pasted or chosen) previewed row by row with its problems, sent
// as one batch; its progress followed live; the user's recent batches.

import { api } from "../api.js";
import { clearErrors, formatTime, h, toast } from "../dom.js";
import { itemOfField, KNOWN_COLUMNS, MAX_ROWS, readBatch, rowMessage } from "./batch_csv.js";
import { batchPanel } from "./batch_progress.js";

export const title = "Batches";

const EXAMPLE = "topic,duration_s,platforms\nwhy the sky is blue,20,tiktok|youtube";
const STATES = { running: "Running", succeeded: "Done", partial: "Partly done",
                 failed: "Failed", cancelled: "Cancelled" };

function previewTable(parsed, serverErrors) {
  const body = parsed.rows.map((row) => {
    const problems = [...row.problems, ...(serverErrors.get(row.number - 1) ?? [])];
    const overrides = Object.entries(row.item.overrides)
      .filter(([key]) => key !== "topic" && key !== "script")
      .map(([key, value]) => `${key}: ${typeof value === "object" && !Array.isArray(value)
        ? Object.entries(value).map(([k, v]) => `${k} ${v}`).join(", ") : value}`);
    if (row.item.project_id) overrides.push(`project: ${row.item.project_id}`);
    const problem = problems.length ? `Row ${row.number}: ${problems.join("; ")}` : "";
    return h("tr", { "data-row": row.number, class: problem ? "invalid" : null },
      h("th", { scope: "row" }, String(row.number)),
      h("td", {}, row.title),
      h("td", { class: "muted small" }, overrides.join(" · ")),
      h("td", { class: "error small row-error" }, problem));
  });
  return h("table", { class: "batch-preview" },
    h("caption", { class: "muted small" },
      `${parsed.rows.length} row${parsed.rows.length === 1 ? "" : "s"}`),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Row"),
      h("th", { scope: "col" }, "Topic or script"), h("th", { scope: "col" }, "Settings"),
      h("th", { scope: "col" }, "Problems"))),
    h("tbody", {}, body));
}

function newBatchForm(onSubmitted) {
  const text = h("textarea", { id: "batch-csv", name: "csv", rows: 7, spellcheck: false,
                               placeholder: EXAMPLE, "aria-describedby": "batch-csv-help" });
  const file = h("input", { id: "batch-file", type: "file", accept: ".csv,text/csv" });
  const preview = h("div", { class: "batch-preview-box", "aria-live": "polite" });
  const formError = h("p", { class: "form-error", "data-error-for": "", role: "alert" });
  const submit = h("button", { type: "submit", class: "primary" }, "Submit batch");
  let serverErrors = new Map(); // row index -> messages from the last refused submit
  let parsed = readBatch("");

  function refresh() {
    parsed = readBatch(text.value);
    preview.replaceChildren(
      parsed.headerError ? h("p", { class: "error" }, parsed.headerError) : "",
      parsed.rows.length ? previewTable(parsed, serverErrors) : "");
  }

  text.addEventListener("input", () => {
    serverErrors = new Map();
    formError.textContent = "";
    refresh();
  });
  file.addEventListener("change", async () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    text.value = await chosen.text(); // read here, in the browser
    text.dispatchEvent(new Event("input"));
  });

  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "new-batch-title",
                           onsubmit: async (event) => {
    event.preventDefault();
    clearErrors(form);
    const bad = parsed.rows.filter((r) => r.problems.length);
    if (parsed.headerError || !parsed.rows.length) {
      formError.textContent = parsed.headerError
        ?? "Paste a CSV or choose a file: a first row naming the columns, then one row per reel.";
      return;
    }
    if (bad.length) {
      formError.textContent = `Fix ${bad.length === 1 ? "row" : "rows"} `
        + `${bad.map((r) => r.number).join(", ")} first.`;
      preview.querySelector("tr.invalid")?.scrollIntoView({ block: "nearest" });
      return;
    }
    if (parsed.rows.length > MAX_ROWS) {
      formError.textContent = `A batch holds at most ${MAX_ROWS} rows; this has ${parsed.rows.length}.`;
      return;
    }
    submit.disabled = true;
    try {
      const batch = await api("/tasks/submit/batch", {
        method: "POST", json: { task_type: "workflow", items: parsed.rows.map((r) => r.item) } });
      toast(`Batch of ${batch.item_count} submitted.`);
      onSubmitted(batch, parsed.rows.map((r) => r.title));
    } catch (error) {
      const where = itemOfField(error.field);
      if (where) {
        serverErrors = new Map([[where.index, [rowMessage(error, where.field)]]]);
        refresh();
        formError.textContent = `Row ${where.index + 1} was refused: see the table.`;
      } else {
        formError.textContent = error.message;
      }
    } finally {
      submit.disabled = false;
    }
  } },
    h("h2", { id: "new-batch-title" }, "New batch"),
    h("div", { class: "field" },
      h("label", { for: "batch-csv" }, "Topics (CSV)"),
      text,
      h("p", { id: "batch-csv-help", class: "muted small" },
        "The first row names the columns: topic (or script) and, if you like, ",
        KNOWN_COLUMNS.filter((c) => c !== "topic" && c !== "script").join(", "),
        ". Separate platforms with | or ;. Each row becomes one reel.")),
    h("div", { class: "field" },
      h("label", { for: "batch-file" }, "Or choose a CSV file"), file),
    preview, formError,
    h("div", { class: "batch-actions" }, submit));
  return form;
}

function recentList(onOpen) {
  const list = h("ul", { class: "batch-recent", "aria-label": "Recent batches" });
  const empty = h("p", { class: "muted small" }, "No batches yet.");
  const more = h("button", { type: "button", class: "ghost small", hidden: true }, "Show more");
  let cursor = null;
  const rows = new Map();

  function row(batch) {
    const link = h("a", { href: `#/batches?batch=${batch.id}`,
                          onclick: (event) => { event.preventDefault(); onOpen(batch.id); } },
      `${batch.item_count} item${batch.item_count === 1 ? "" : "s"} · ${formatTime(batch.created_at)}`);
    return h("li", { "data-batch-id": batch.id }, link,
      h("span", { class: "state", "data-state": batch.state === "partial" ? "failed" : batch.state },
        STATES[batch.state] ?? batch.state),
      h("span", { class: "muted small" }, `${Math.round(batch.progress * 100)}%`));
  }

  async function load({ fresh = false } = {}) {
    if (fresh) {
      cursor = null;
      rows.clear();
      list.replaceChildren();
    }
    const query = new URLSearchParams({ limit: "10" });
    if (cursor) query.set("cursor", cursor);
    const page = await api(`/batches?${query}`);
    cursor = page.next_cursor;
    for (const batch of page.items) {
      const el = row(batch);
      rows.get(batch.id)?.replaceWith(el);
      if (!rows.has(batch.id)) list.append(el);
      rows.set(batch.id, el);
    }
    empty.hidden = rows.size > 0;
    more.hidden = !cursor;
  }
  more.addEventListener("click", () => load().catch((e) => toast(e.message, "error")));
  const el = h("section", { class: "card", "aria-labelledby": "recent-title" },
    h("h2", { id: "recent-title" }, "Recent batches"), empty, list, more);
  return { el, load };
}

export function mount(root, ctx) {
  const slot = h("div", { class: "column batch-column" }); // the open batch
  let panel = null;

  const recent = recentList((id) => ctx.navigate("batches", { batch: id }));
  function open(batchId, titles = []) {
    const onFinished = () => recent.load({ fresh: true }).catch(() => {});
    panel = batchPanel(batchId, { titles, onFinished });
    slot.replaceChildren(panel.el);
    panel.reload();
  }

  const form = newBatchForm((batch, titles) => {
    history.replaceState(null, "", `#/batches?batch=${batch.id}`); // a reload comes back here
    open(batch.id, titles);
    panel.el.scrollIntoView({ block: "start" });
    recent.load({ fresh: true }).catch(() => {});
  });
  root.replaceChildren(h("div", { class: "batches-view" },
    h("h1", {}, "Batches"),
    h("div", { class: "batches-grid" },
      h("div", { class: "column" }, form, recent.el),
      slot)));

  const asked = ctx.params.get("batch");
  if (asked) open(asked);
  recent.load().catch((e) => toast(`Could not load batches: ${e.message}`, "error"));
  ctx.onEvent((event) => panel?.apply(event));
  ctx.onReady((resumed) => {
    if (resumed) return; // every event since the last one is replayed
    panel?.reload();
    recent.load({ fresh: true }).catch((e) => toast(`Could not load batches: ${e.message}`, "error"));
  });
}
