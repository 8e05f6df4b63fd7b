// The stage tracker of one workflow: each step (script, voice, render, one optimisation per
// platform, publish) with its state, progress bar and ETA, from GET /workflows/{id} and
// kept current by the pushed events of its step jobs (events win over the snapshot).

import { formatBytes, formatSeconds, h } from "../dom.js";
import { capital } from "./registries.js";

const RANK = { waiting: 0, pending: 0, queued: 1, retrying: 1, started: 2, progress: 3,
               succeeded: 4, failed: 4, cancelled: 4, dead: 4 };
const FINAL = new Set(["succeeded", "failed", "cancelled", "dead"]);
const RUNNING = new Set(["started", "progress"]);
const STATE_TEXT = { waiting: "Waiting", pending: "Queued", queued: "Queued",
                     started: "Running", progress: "Running", retrying: "Retrying",
                     succeeded: "Done", failed: "Failed", dead: "Failed",
                     cancelled: "Cancelled" };
const FROM_EVENT = {
  "job.queued": () => ({ state: "queued" }),
  "job.started": () => ({ state: "started" }),
  "job.progress": (e) => ({ state: "progress", progress: e.progress, stage: e.stage,
                            eta_s: e.eta_s }),
  "job.retrying": (e) => ({ state: "retrying", error: e.error, eta_s: null }),
  "job.succeeded": (e) => ({ state: "succeeded", progress: 1, eta_s: null, result: e.result,
                             error: null }),
  "job.failed": (e) => ({ state: "failed", error: e.error, eta_s: null }),
  "job.dead": (e) => ({ state: "dead", error: e.error, eta_s: null }),
  "job.cancelled": () => ({ state: "cancelled", eta_s: null }),
};

/** "Script", "Voice", "Render", "Optimise for TikTok", "Publish". */
export function stepName(step, labels, ownScript) {
  const [stage, platform] = step.split(":");
  if (stage === "content") return ownScript ? "Script (your text, cut into scenes)" : "Script";
  if (stage === "optimize") return `Optimise for ${labels[platform] ?? platform}`;
  return capital(stage);
}

function done(step) {
  const r = step.result ?? {};
  const parts = [r.word_count && `${r.word_count} words`,
                 r.duration_s && `${r.duration_s.toFixed(1)} s`,
                 r.width && `${r.width}×${r.height}`, r.size_bytes && formatBytes(r.size_bytes)];
  return parts.filter(Boolean).join(" · ") || "Done";
}

function statusOf(step, workflowState) {
  if (RUNNING.has(step.state)) {
    const eta = step.eta_s !== null && step.eta_s !== undefined
      ? ` · about ${formatSeconds(step.eta_s)} left` : "";
    return `${capital(step.stage ?? "working")} · ${Math.round(step.progress * 100)}%${eta}`;
  }
  if (step.state === "succeeded") return done(step);
  if (step.state === "waiting") return "Starts when the step before it is done";
  if (step.state === "pending" || step.state === "queued") return "Waiting for a worker";
  if (step.state === "retrying") return `Trying again: ${step.error?.message ?? "a passing fault"}`;
  if (step.state === "cancelled") {
    return workflowState === "failed" ? "Not run: an earlier step failed" : "Cancelled";
  }
  return "";
}

/** The workflow's state as its steps tell it (its own final event has no job id). */
export function stateOf(steps) {
  if (steps.some((s) => s.state === "failed" || s.state === "dead")) return "failed";
  if (steps.every((s) => s.state === "succeeded")) return "succeeded";
  if (steps.some((s) => s.state === "cancelled") && steps.every((s) => FINAL.has(s.state))) {
    return "cancelled";
  }
  return steps.some((s) => s.state !== "waiting" && s.state !== "pending") ? "running" : "pending";
}

export class Tracker {
  /**
   * `onRetry(step)` for a failed step's Retry; `onChange(view)` after each update;
   * `onRestart()` when a finished step runs again (the snapshot is then stale).
   */
  constructor({ labels, onRetry, onChange, onRestart }) {
    Object.assign(this, { labels, onRetry, onChange, onRestart });
    this.workflow = null;
    this.overall = h("progress", { max: 100, "aria-label": "Whole reel" });
    this.summary = h("p", { class: "status small", "aria-live": "polite" });
    this.list = h("ol", { class: "stages", "aria-label": "Stages" });
    this.element = h("div", { class: "tracker" }, this.overall, this.summary, this.list);
  }

  get steps() {
    return this.workflow?.steps ?? [];
  }

  /** Take a snapshot; unless `force` (after a retry), a step never moves back. */
  setSnapshot(workflow, { force = false } = {}) {
    const known = new Map(this.steps.map((s) => [s.job_id, s]));
    if (!force && this.workflow?.id === workflow.id) {
      workflow.steps = workflow.steps.map((s) => {
        const mine = known.get(s.job_id);
        return mine && RANK[mine.state] > RANK[s.state] ? mine : s;
      });
    }
    this.workflow = workflow;
    this.list.replaceChildren(...workflow.steps.map((s) => this.item(s)));
    this.render();
  }

  /** Apply a pushed event; true when it was about this workflow. */
  applyEvent(event) {
    if (!this.workflow) return false;
    if (event.workflow_id === this.workflow.id && event.type.startsWith("workflow.")) {
      Object.assign(this.workflow, { progress: event.progress, eta_s: event.eta_s,
                                     label: event.label });
    }
    const step = this.steps.find((s) => s.job_id === event.job_id);
    const change = step && FROM_EVENT[event.type]?.(event);
    if (change) {
      if (FINAL.has(step.state) && RANK[change.state] < RANK[step.state]) {
        // a final step queued or started again: retried elsewhere (another tab, the API)
        if (event.type === "job.queued" || event.type === "job.started") this.onRestart?.();
        return true; // otherwise an old event (a cancelled render's last progress)
      }
      Object.assign(step, change);
    }
    if (!step && event.workflow_id !== this.workflow.id) return false;
    this.render();
    return true;
  }

  item(step) {
    const name = stepName(step.step, this.labels, !!this.workflow.params?.script);
    return h("li", { class: "stage", "data-step": step.step, "data-job-id": step.job_id },
      h("div", { class: "stage-head" }, h("span", { class: "stage-name" }, name),
        h("span", { class: "state" })),
      h("progress", { max: 100, "aria-label": `Progress of ${name}` }),
      h("p", { class: "status small" }),
      h("p", { class: "error small", role: "alert", hidden: true }),
      h("button", { type: "button", class: "primary small retry", hidden: true,
                    "aria-label": `Retry from ${name}`, onclick: () => this.onRetry(step) },
        "Retry"));
  }

  render() {
    const state = stateOf(this.steps);
    for (const step of this.steps) {
      const li = this.list.querySelector(`[data-job-id="${step.job_id}"]`);
      const name = li.querySelector(".stage-name").textContent;
      li.dataset.state = step.state;
      const badge = li.querySelector(".state");
      badge.textContent = STATE_TEXT[step.state] ?? step.state;
      badge.dataset.state = step.state;
      const bar = li.querySelector("progress");
      if (step.state === "queued" || step.state === "pending" || step.state === "retrying") {
        bar.removeAttribute("value");
      } else {
        bar.value = step.state === "succeeded" ? 100 : Math.round((step.progress ?? 0) * 1000) / 10;
      }
      li.querySelector(".status").textContent = statusOf(step, state);
      const failed = step.state === "failed" || step.state === "dead";
      const error = li.querySelector(".error");
      error.hidden = !failed;
      error.textContent = failed ? `${name} failed: ${step.error?.message || "an unknown error"}`
        + (step.error?.code ? ` (${step.error.code.replaceAll("_", " ")})` : "") : "";
      li.querySelector(".retry").hidden = !failed || state !== "failed";
    }
    const w = this.workflow;
    this.overall.value = state === "succeeded" ? 100 : Math.round((w.progress ?? 0) * 1000) / 10;
    const eta = w.eta_s && state === "running" ? ` · about ${formatSeconds(w.eta_s)} left` : "";
    const words = { pending: "Waiting for a worker", succeeded: "Your reels are ready",
                    failed: "A step failed", cancelled: "Cancelled" };
    this.summary.textContent = words[state]
      ?? `${capital(w.label ?? "working")} · ${Math.round((w.progress ?? 0) * 100)}%${eta}`;
    this.element.dataset.state = state;
    this.onChange({ workflow: w, state });
  }
}
