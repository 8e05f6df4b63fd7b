// One job on screen: state, stage, progress bar, ETA, cancel, and the player once it is done.

import { formatBytes, formatSeconds, formatTime, h } from "./dom.js";
import { openPlayer } from "./player.js";

const CANCELLABLE = new Set(["pending", "queued", "started", "progress", "retrying"]);
const RUNNING = new Set(["started", "progress"]);
const LABELS = { pending: "Pending", queued: "Queued", started: "Started", progress: "Rendering",
                 retrying: "Retrying", succeeded: "Succeeded", failed: "Failed",
                 cancelled: "Cancelled", dead: "Dead" };

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "Slideshow · 3 photos", "Video · 5 scenes", "Reel · render": what the job makes. */
export function title(job) {
  const params = job.params ?? {};
  if (job.workflow_id) return `Reel · ${job.kind === "video" ? "render" : job.kind}`;
  if (job.kind !== "video") return job.kind;
  if (params.asset_ids) return `Slideshow · ${plural(params.asset_ids.length, "photo")}`;
  if (params.timeline?.scenes) return `Video · ${plural(params.timeline.scenes.length, "scene")}`;
  return "Video";
}

function details(job) {
  const p = job.params ?? {};
  const parts = [p.resolution?.replace("x", "×"), p.fps && `${p.fps} fps`,
                 p.transition && p.transition !== "none" ? p.transition : "cuts",
                 p.audio_asset_id ? "with audio" : null, `priority ${job.priority}`];
  return parts.filter(Boolean).join(" · ");
}

function summary(result) {
  if (!result) return "";
  const parts = [result.duration_s && `${result.duration_s.toFixed(1)} s`,
                 result.size_bytes && formatBytes(result.size_bytes),
                 result.encoder, result.render_s && `rendered in ${result.render_s.toFixed(1)} s`];
  return parts.filter(Boolean).join(" · ");
}

function status(job) {
  if (job.state === "failed" || job.state === "dead") return "";
  if (job.state === "succeeded") return summary(job.result);
  if (RUNNING.has(job.state)) {
    const stage = job.stage ? job.stage[0].toUpperCase() + job.stage.slice(1) : "Working";
    const eta = job.eta_s !== null && job.eta_s !== undefined
      ? ` · about ${formatSeconds(job.eta_s)} left` : "";
    return `${stage} · ${Math.round(job.progress * 100)}%${eta}`;
  }
  return job.state === "cancelled" ? "" : "Waiting for a worker";
}

/** A card for `job`; `onCancel(job)` runs when its cancel button is pressed. */
export function createCard(job, { onCancel }) {
  const player = h("div", { class: "player" });
  const card = h("li", { class: "job", "data-job-id": job.id },
    h("div", { class: "job-head" },
      h("span", { class: "job-title" }, title(job)),
      h("span", { class: "state" })),
    h("p", { class: "muted small" }, `${details(job)} · ${formatTime(job.created_at)}`),
    h("progress", { max: 100, "aria-label": `Progress of ${title(job)}` }),
    h("p", { class: "status small" }),
    h("p", { class: "error small", hidden: true }),
    h("div", { class: "job-actions" },
      h("button", { type: "button", class: "ghost small cancel", onclick: () => onCancel(job) },
        "Cancel"),
      h("button", { type: "button", class: "primary small play",
                    onclick: (event) => {
                      event.currentTarget.hidden = true;
                      openPlayer(player, job);
                    } }, "Play")),
    player);
  updateCard(card, job);
  return card;
}

/** Show the job's current values; `autoplay` opens the player when it has just finished. */
export function updateCard(card, job, { autoplay = false } = {}) {
  card.dataset.state = job.state;
  const badge = card.querySelector(".state");
  badge.textContent = LABELS[job.state] ?? job.state;
  badge.dataset.state = job.state;
  const bar = card.querySelector("progress");
  if (job.state === "pending" || job.state === "queued" || job.state === "retrying") {
    bar.removeAttribute("value"); // indeterminate until a worker reports
  } else {
    bar.value = Math.round(job.progress * 1000) / 10;
  }
  bar.hidden = !CANCELLABLE.has(job.state);
  card.querySelector(".status").textContent = status(job);
  const error = card.querySelector(".error");
  error.hidden = !job.error || !["failed", "dead"].includes(job.state);
  error.textContent = job.error ? `${job.error.message} (${job.error.code})` : "";
  card.querySelector(".cancel").hidden = !CANCELLABLE.has(job.state);
  const player = card.querySelector(".player");
  const done = job.state === "succeeded";
  card.querySelector(".play").hidden = !done || player.childElementCount > 0;
  if (done && autoplay && player.childElementCount === 0) {
    card.querySelector(".play").hidden = true;
    openPlayer(player, job);
  }
  if (!done) player.replaceChildren();
}
