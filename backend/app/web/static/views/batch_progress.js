// One batch on screen: counts, an overall bar and a row per item, kept current by pushed
// job and workflow events; the ZIP of everything that succeeded once anything has.

import { api } from "../api.js";
import { h, toast } from "../dom.js";

const FINAL = new Set(["succeeded", "failed", "cancelled", "dead"]);
const RUNNING = new Set(["started", "progress", "running"]);
// how far along a state is: a snapshot or a late event never moves an item back
const RANK = { pending: 0, waiting: 0, queued: 1, retrying: 1, held: 1, started: 2,
               progress: 3, running: 3, succeeded: 4, failed: 4, cancelled: 4, dead: 4 };
const LABELS = { pending: "Waiting", waiting: "Waiting", queued: "Queued", held: "Held",
                 retrying: "Retrying", started: "Started", progress: "Working",
                 running: "Working", succeeded: "Done", failed: "Failed",
                 cancelled: "Cancelled", dead: "Failed" };
const JOB_STATES = { "job.queued": "queued", "job.started": "started", "job.progress": "progress",
                     "job.succeeded": "succeeded", "job.failed": "failed",
                     "job.cancelled": "cancelled", "job.dead": "dead", "job.retrying": "retrying" };

function countsText(items) {
  const n = (pred) => items.filter(pred).length;
  const parts = [`${n((i) => i.state === "succeeded")} done`,
                 `${n((i) => i.state === "failed" || i.state === "dead")} failed`,
                 `${n((i) => RUNNING.has(i.state))} running`,
                 `${n((i) => !FINAL.has(i.state) && !RUNNING.has(i.state))} waiting`];
  const cancelled = n((i) => i.state === "cancelled");
  if (cancelled) parts.push(`${cancelled} cancelled`);
  return parts.join(" · ");
}

function errorText(error) {
  if (!error) return "";
  const where = error.step ? `${error.step} step: ` : "";
  return `${where}${error.message || error.code}`;
}

/** The panel of batch `batchId`; returns { el, apply(event), reload() }; `onFinished()`
 * once every item is final. */
export function batchPanel(batchId, { titles = [], onFinished = () => {} } = {}) {
  const items = new Map(); // id -> { read, row }
  let snapshot = null;
  let endChecked = false;
  let endTold = false;
  const counts = h("p", { class: "batch-counts", "aria-live": "polite" });
  const overall = h("progress", { max: 100, "aria-label": "Overall progress" });
  const percent = h("span", { class: "muted small" });
  const state = h("span", { class: "state" });
  const download = h("a", { class: "button primary", hidden: true,
                            download: `reelforge-batch-${batchId.slice(0, 8)}.zip` },
    "Download all (zip)");
  let linkExpires = 0;
  download.addEventListener("click", async (event) => {
    if (Date.now() < linkExpires - 30_000) return; // the signed link is still good
    event.preventDefault();
    await signLink();
    download.click();
  });
  const list = h("ol", { class: "batch-items", "aria-label": "Items" });
  const el = h("section", { class: "card batch", "aria-labelledby": "batch-title",
                            "data-batch-id": batchId },
    h("div", { class: "batch-head" },
      h("h2", { id: "batch-title" }, "Batch progress"), state),
    h("p", { class: "muted small batch-meta" }),
    counts, h("div", { class: "batch-bar" }, overall, percent),
    h("div", { class: "batch-actions" }, download),
    list);

  async function signLink() {
    try {
      const link = await api(`/batches/${batchId}/archive/link`);
      download.href = link.url;
      linkExpires = new Date(link.expires_at).getTime();
    } catch (error) {
      toast(`Could not prepare the download: ${error.message}`, "error");
    }
  }

  function rowFor(read) {
    const title = read.title ?? titles[read.index] ?? `${read.kind} item`;
    return h("li", { class: "batch-item", "data-item-id": read.id, "data-index": read.index },
      h("span", { class: "batch-num" }, String(read.index + 1)),
      h("span", { class: "batch-title" }, title),
      h("span", { class: "state" }),
      h("progress", { max: 100, "aria-label": `Progress of item ${read.index + 1}` }),
      h("span", { class: "batch-stage muted small" }),
      h("p", { class: "error small", hidden: true }));
  }

  function drawItem(entry) {
    const { read, row } = entry;
    row.dataset.state = read.state;
    const badge = row.querySelector(".state");
    badge.textContent = LABELS[read.state] ?? read.state;
    badge.dataset.state = read.state;
    const bar = row.querySelector("progress");
    bar.value = Math.round((FINAL.has(read.state) ? 1 : read.progress) * 1000) / 10;
    row.querySelector(".batch-stage").textContent = FINAL.has(read.state) ? ""
      : read.label ?? "";
    const error = row.querySelector(".error");
    error.textContent = errorText(read.error);
    error.hidden = !read.error || !["failed", "dead"].includes(read.state);
  }

  function drawTotals() {
    const all = [...items.values()].map((e) => e.read);
    counts.textContent = countsText(all);
    const progress = all.reduce((sum, i) => sum + (FINAL.has(i.state) ? 1 : i.progress), 0)
      / Math.max(all.length, 1);
    overall.value = Math.round(progress * 1000) / 10;
    percent.textContent = `${Math.round(progress * 100)}%`;
    const finished = all.length && all.every((i) => FINAL.has(i.state));
    const done = all.filter((i) => i.state === "succeeded").length;
    const name = !finished ? "running" : done === all.length ? "succeeded"
      : done ? "partial" : all.every((i) => i.state === "cancelled") ? "cancelled" : "failed";
    state.textContent = { running: "Running", succeeded: "Done", partial: "Partly done",
                          failed: "Failed", cancelled: "Cancelled" }[name];
    state.dataset.state = name === "partial" ? "failed" : name;
    el.dataset.state = name;
    if (done && download.hidden) {
      download.hidden = false;
      signLink();
    }
    if (finished && snapshot?.state === "running" && !endChecked) {
      endChecked = true;
      reload(); // the server's word on the end, once
    } else if (finished && !endTold) {
      endTold = true;
      onFinished();
    }
  }

  function merge(read) {
    const known = items.get(read.id);
    if (!known) {
      const entry = { read: { ...read }, row: rowFor(read) };
      items.set(read.id, entry);
      list.append(entry.row);
      drawItem(entry);
    } else if (RANK[read.state] > RANK[known.read.state]
               || (read.state === known.read.state && read.progress >= known.read.progress)) {
      Object.assign(known.read, read);
      drawItem(known);
    }
  }

  async function reload() {
    try {
      snapshot = await api(`/batches/${batchId}`);
    } catch (error) {
      el.replaceChildren(h("h2", { id: "batch-title" }, "Batch progress"),
        h("p", { class: "error", role: "alert" }, `Could not load this batch: ${error.message}`));
      return;
    }
    el.querySelector(".batch-meta").textContent =
      `${snapshot.item_count} items · submitted ${new Date(snapshot.created_at).toLocaleString()}`;
    for (const read of snapshot.items) merge(read);
    drawTotals();
  }

  function change(entry, values) {
    if (FINAL.has(entry.read.state) && values.state !== undefined
        && !FINAL.has(values.state)) return; // a late event after the end
    if (values.state && RANK[values.state] < RANK[entry.read.state]) delete values.state;
    Object.assign(entry.read, values);
    drawItem(entry);
    drawTotals();
  }

  /** A pushed event: a workflow item's stage or progress, or a video item's job event. */
  function apply(event) {
    if (event.workflow_id && items.has(event.workflow_id)) {
      const entry = items.get(event.workflow_id);
      const final = { done: "succeeded", failed: "failed", cancelled: "cancelled" }[event.stage];
      change(entry, final ? { state: final, progress: 1, error: event.error ?? null, label: "" }
        : { state: event.stage === "queued" ? "pending" : "running",
            progress: event.progress ?? entry.read.progress, label: event.label ?? "" });
    } else if (!event.workflow_id && event.job_id && items.has(event.job_id)) {
      const entry = items.get(event.job_id);
      const next = JOB_STATES[event.type] ?? (event.state in RANK ? event.state : null);
      if (!next) return;
      change(entry, { state: next, progress: event.progress ?? entry.read.progress,
                      label: event.stage ?? "", error: event.error ?? entry.read.error });
    }
  }

  return { el, apply, reload };
}
