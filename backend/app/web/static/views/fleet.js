// Fleet: each queue's depth, running jobs, failure rate and health (GET /tasks/stats/queues),
// the workers serving it with their pool sizes, and a worker count to apply per queue
// (POST /admin/scale, local pools or Kubernetes replicas as the API reports).
// Stats push no events, so the screen refreshes every 5 s while it is shown.

import { api } from "../api.js";
import { clearErrors, h, showErrors, toast } from "../dom.js";
import { everyFew, healthBadge, percent, screenHead, seconds, tableBox } from "./ops_ui.js";

export const title = "Fleet";

const REFRESH_MS = 5000;
const BACKENDS = { local: "local (Celery pools on this machine)",
                   kubernetes: "Kubernetes (replicas of each worker Deployment)" };
const REASONS = {
  no_worker: "no worker consumes it", workers_unknown: "workers did not answer",
  pending_warning: "many messages waiting", pending_critical: "too many messages waiting",
  oldest_waiting_warning: "jobs wait long", oldest_waiting_critical: "jobs wait too long",
  failure_ratio_warning: "failures above the warning rate",
  failure_ratio_critical: "failures above the critical rate",
};

export function mount(root) {
  const refreshButton = h("button", { type: "button", class: "ghost", onclick: () => loop.refresh() },
                          "Refresh");
  const { head, updated, stamp } = screenHead("fleet-title", "Fleet", refreshButton);
  const overall = h("p", { class: "ops-overall" });
  const queueRows = h("tbody");
  const backendLine = h("p", { class: "muted" });
  const scaleRows = h("tbody");
  root.replaceChildren(h("section", { class: "ops fleet", "aria-labelledby": "fleet-title" },
    head, updated, overall,
    h("section", { class: "card", "aria-labelledby": "queues-title" },
      h("h2", { id: "queues-title" }, "Queues"),
      tableBox("Queues", ["Queue", "Health", "On the broker", "Waiting", "Running",
                          "Failed (last hour)", "Oldest wait", "Workers"], queueRows)),
    h("section", { class: "card", "aria-labelledby": "workers-title" },
      h("h2", { id: "workers-title" }, "Workers"), backendLine,
      tableBox("Workers per queue", ["Queue", "Served by", "Workers and pool sizes",
                                     "Running / asked", "Scale"], scaleRows, { stack: true }))));

  const controls = new Map(); // queue → its scale row, kept so typing survives a refresh

  function queueRow(q) {
    const why = q.reasons.map((code) => REASONS[code] ?? code).join(", ");
    return h("tr", { "data-queue": q.queue },
      h("th", { scope: "row" }, q.queue),
      h("td", {}, healthBadge(q.health), why ? h("span", { class: "small muted" }, ` ${why}`) : null),
      h("td", {}, String(q.pending)), h("td", {}, String(q.waiting)),
      h("td", {}, String(q.active)),
      h("td", {}, q.completed + q.failed
        ? `${percent(q.failure_ratio)} (${q.failed} of ${q.completed + q.failed})` : "–"),
      h("td", {}, seconds(q.oldest_waiting_s)),
      h("td", {}, q.workers === null ? "unknown" : String(q.workers)));
  }

  function scaleControl(item, maxWorkers) {
    const id = `scale-${item.queue}`;
    const input = h("input", { id, name: "desired_workers", type: "number", min: "0",
                               max: String(maxWorkers), step: "1", inputMode: "numeric",
                               oninput: () => { row.dirty = true; } });
    const apply = h("button", { type: "submit", class: "primary small" }, "Apply");
    const form = h("form", { class: "ops-scale", novalidate: true },
      h("div", { class: "field" },
        h("label", { for: id }, `Workers for ${item.queue}`), input,
        h("p", { class: "field-error", "data-error-for": "desired_workers" })),
      apply, h("p", { class: "form-error", "data-error-for": "", role: "alert" }));
    const row = { dirty: false, input, form, cells: {} };
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      const desired = Number.parseInt(input.value, 10);
      apply.disabled = true;
      apply.textContent = "Applying…";
      try {
        const scale = await api("/admin/scale", { method: "POST", json: {
          queue: item.queue, desired_workers: Number.isNaN(desired) ? null : desired } });
        row.dirty = false;
        toast(`${item.queue}: ${scale.observed_workers ?? "?"} of ${scale.desired_workers} `
              + "workers running");
        fillScale(scale, maxWorkers);
      } catch (error) {
        // the queue's own refusals (nobody consumes it) belong to this row's form too
        showErrors(form, error.field === "queue" ? { ...error, field: "" } : error);
      } finally {
        apply.disabled = false;
        apply.textContent = "Apply";
      }
    });
    return row;
  }

  function fillScale(item, maxWorkers) {
    let row = controls.get(item.queue);
    if (!row) {
      row = scaleControl(item, maxWorkers);
      row.cells = { target: h("td", { "data-label": "Served by" }),
                    workers: h("td", { "data-label": "Workers" }),
                    counts: h("td", { "data-label": "Running / asked" }) };
      row.tr = h("tr", { "data-queue": item.queue }, h("th", { scope: "row" }, item.queue),
                 row.cells.target, row.cells.workers, row.cells.counts,
                 h("td", { "data-label": "Scale" }, row.form));
      controls.set(item.queue, row);
    }
    const shared = item.shared_with.length ? ` (with ${item.shared_with.join(", ")})` : "";
    row.cells.target.textContent = `${item.target}${shared}`;
    const workers = item.workers.map((w) => {
      const paused = item.paused.includes(w.hostname) ? ", paused" : "";
      const plural = w.processes === 1 ? "process" : "processes";
      return h("li", {}, `${w.hostname}: ${w.processes} ${plural}${paused}`);
    });
    row.cells.workers.replaceChildren(workers.length
      ? h("ul", { class: "ops-workers" }, ...workers) : h("span", { class: "muted" }, "none"));
    const asked = item.desired_workers ?? "not set";
    const observed = item.observed_workers ?? "unknown";
    row.cells.counts.replaceChildren(...[
      h("span", { class: "ops-counts" }, `${observed} / ${asked}`),
      item.settled ? null : h("span", { class: "small muted" }, " settling"),
      item.message ? h("p", { class: "small muted" }, item.message) : null].filter(Boolean));
    if (!row.dirty && document.activeElement !== row.input) {
      row.input.value = String(item.desired_workers ?? item.observed_workers ?? 0);
    }
    return row.tr;
  }

  async function load() {
    try {
      const [stats, scale] = await Promise.all([api("/tasks/stats/queues"), api("/admin/scale")]);
      overall.replaceChildren("All queues: ", healthBadge(stats.health));
      queueRows.replaceChildren(...Object.values(stats.queues).map(queueRow));
      backendLine.textContent = `Scaling backend: ${BACKENDS[scale.backend] ?? scale.backend}. `
        + `At most ${scale.max_workers} workers per queue.`;
      for (const item of scale.items) {
        const tr = fillScale(item, scale.max_workers);
        if (!tr.isConnected) scaleRows.append(tr); // rows stay put: a focused input keeps focus
      }
      stamp();
    } catch (error) {
      toast(`Could not load the fleet: ${error.message}`, "error");
    }
  }

  const loop = everyFew(REFRESH_MS, load);
  return () => loop.stop();
}
