// Preview (draft) and Render: submit the timeline, follow the job by its pushed events,
// then play the result in place; the final render also gets a download link.

import { api, signedResultUrl } from "../api.js";
import { h } from "../dom.js";

const FINAL = new Set(["succeeded", "failed", "cancelled", "dead"]);
const MAX_EARLY = 200; // events kept for jobs whose submit answer has not arrived yet

/**
 * props: { timeline(quality) → body or null, onRefused(error), quality() } →
 * { el, event(e), ready(resumed) }
 */
export function createRender(props) {
  const status = h("p", { class: "status", id: "render-status", "aria-live": "polite" });
  const bar = h("progress", { max: 1, value: 0, hidden: true, "aria-labelledby": "render-status" });
  const player = h("div", { class: "editor-player" });
  const draftButton = h("button", { type: "button", class: "ghost", onclick: () => start("draft") },
    "Preview (draft)");
  const renderButton = h("button", { type: "button", class: "primary", onclick: () => start(null) },
    "Render");
  const el = h("section", { class: "card editor-render", "aria-labelledby": "render-title" },
    h("h2", { id: "render-title" }, "Preview and render"),
    h("div", { class: "render-actions" }, draftButton, renderButton),
    h("p", { class: "form-error", "data-error-for": "", role: "alert" }),
    status, bar, player);

  let job = null; // { id, draft, state }
  const early = []; // events that came before their job's submit answer

  function show(read) {
    job.state = read.state;
    const percent = Math.round((read.progress ?? 0) * 100);
    bar.hidden = FINAL.has(read.state);
    bar.value = read.progress ?? 0;
    const what = job.draft ? "Draft preview" : "Render";
    status.textContent = {
      queued: `${what}: queued.`, started: `${what}: starting.`,
      progress: `${what}: ${read.stage ?? "rendering"}, ${percent} %.`,
      succeeded: `${what}: done.`, cancelled: `${what}: cancelled.`,
    }[read.state] ?? `${what}: ${read.state}${read.error?.message ? ` — ${read.error.message}` : "."}`;
    if (read.state === "succeeded") play();
    draftButton.disabled = renderButton.disabled = !FINAL.has(read.state);
  }

  async function play() {
    const { id, draft } = job;
    let url;
    try {
      url = await signedResultUrl(id);
    } catch (error) {
      player.replaceChildren(h("p", { class: "error", role: "alert" }, error.message));
      return;
    }
    if (job?.id !== id) return;
    const video = h("video", { src: url, controls: true, playsInline: true, preload: "auto",
                               muted: draft, "aria-label": draft ? "Draft preview" : "Rendered video" });
    const parts = [video];
    if (!draft) {
      parts.push(h("div", { class: "player-actions" },
        h("a", { href: url, download: `reelforge-${id}.mp4`, class: "button ghost" }, "Download video")));
    }
    player.replaceChildren(...parts);
    player.dataset.jobId = id;
    if (draft) video.play().catch(() => {}); // in place, at once; the user may still pause it
  }

  async function start(quality) {
    const body = props.timeline(quality);
    if (!body) return;
    draftButton.disabled = renderButton.disabled = true;
    status.textContent = quality === "draft" ? "Sending the draft preview…" : "Sending the render…";
    let read;
    try {
      read = await api("/tasks/submit/video", { method: "POST", json: body });
    } catch (error) {
      draftButton.disabled = renderButton.disabled = false;
      status.textContent = "";
      props.onRefused(error);
      return;
    }
    job = { id: read.id, draft: quality === "draft", state: read.state };
    player.replaceChildren();
    delete player.dataset.jobId;
    show(read);
    for (const e of early.splice(0).filter((x) => x.job_id === read.id)) event(e);
  }

  /** A pushed job event: ours updates the status; others' are kept in case they are ours. */
  function event(e) {
    if (!job || e.job_id !== job.id) {
      early.push(e);
      if (early.length > MAX_EARLY) early.shift();
      return;
    }
    if (FINAL.has(job.state)) return; // a cancelled render may still report progress
    const state = e.type?.startsWith("job.") ? e.type.slice(4) : e.state;
    if (!["queued", "started", "progress", ...FINAL].includes(state)) return;
    show({ state, progress: state === "succeeded" ? 1 : e.progress ?? bar.value, stage: e.stage,
           error: e.error });
  }

  /** After a fresh handshake events may have been missed: read our job's row again. */
  async function ready(resumed) {
    if (resumed || !job || FINAL.has(job.state)) return;
    const read = await api(`/tasks/${job.id}`).catch(() => null);
    if (read && job?.id === read.id) show(read);
  }

  return { el, event, ready };
}
