// The jobs panel: snapshots from GET /tasks, kept current by the pushed job events.

import { api } from "./api.js";
import { toast } from "./dom.js";
import { createCard, title, updateCard } from "./job_card.js";

const PAGE = 20;
const FINAL = new Set(["succeeded", "failed", "cancelled", "dead"]);
// How far along a state is; a snapshot never moves a job back (events may be newer).
const RANK = { pending: 0, queued: 1, retrying: 1, started: 2, progress: 3,
               succeeded: 4, failed: 4, cancelled: 4, dead: 4 };

const jobs = new Map(); // id -> { job, card }
const waiting = new Map(); // id -> events that came before the job's snapshot
// A long render's segments are jobs of their own that report too; the render's card
// shows their progress, so they get no card (and no second fetch per event).
const parts = new Set();
let cursor = null;

function list() {
  return document.getElementById("job-list");
}

function refreshEmpty() {
  document.getElementById("jobs-empty").hidden = jobs.size > 0;
  document.getElementById("jobs-more").hidden = !cursor;
}

function place(card, job) {
  const later = [...list().children].find((el) => jobs.get(el.dataset.jobId)?.job.created_at
                                                  < job.created_at);
  list().insertBefore(card, later ?? null);
}

/** Take a job as read from the API, unless the page already knows a later state of it. */
export function mergeSnapshot(read) {
  if (read.kind === "segment") {
    parts.add(read.id);
    waiting.delete(read.id);
    return;
  }
  const known = jobs.get(read.id);
  if (!known) {
    const entry = { job: { ...read, eta_s: null }, card: null };
    entry.card = createCard(entry.job, { onCancel: cancel });
    jobs.set(read.id, entry);
    place(entry.card, entry.job);
  } else if (RANK[read.state] > RANK[known.job.state]
             || (read.state === known.job.state && read.progress >= known.job.progress)) {
    Object.assign(known.job, read);
    updateCard(known.card, known.job);
  }
  for (const event of waiting.get(read.id) ?? []) applyEvent(event);
  waiting.delete(read.id);
  refreshEmpty();
}

async function fetchJob(id, event) {
  if (waiting.has(id)) {
    waiting.get(id).push(event);
    return;
  }
  waiting.set(id, [event]);
  try {
    mergeSnapshot(await api(`/tasks/${id}`));
  } catch {
    waiting.delete(id); // deleted meanwhile, or offline: the next load shows it
  }
}

const CHANGES = {
  "job.queued": (e) => ({ state: "queued", priority: e.priority ?? undefined }),
  "job.started": (e) => ({ state: "started", attempts: e.attempt ?? undefined, eta_s: null }),
  "job.progress": (e) => ({ state: e.state ?? "progress", progress: e.progress,
                            stage: e.stage, eta_s: e.eta_s }),
  "job.succeeded": (e) => ({ state: "succeeded", progress: 1, stage: "done", eta_s: null,
                             result: e.result }),
  "job.failed": (e) => ({ state: "failed", error: e.error, eta_s: null }),
  "job.cancelled": () => ({ state: "cancelled", eta_s: null }),
};

/** Apply one pushed event, in stream order: events are the newest word on a job. */
export function applyEvent(event, { live = true } = {}) {
  // a kind of event this page does not know still says which state the job is in
  const change = CHANGES[event.type]
    ?? (event.state in RANK ? (e) => ({ state: e.state, error: e.error, eta_s: null }) : null);
  if (!change || parts.has(event.job_id) || event.kind === "segment") return;
  const known = jobs.get(event.job_id);
  if (!known) {
    fetchJob(event.job_id, event);
    return;
  }
  // a cancelled render reports progress until its worker notices; that is not news
  if (FINAL.has(known.job.state) && event.type === "job.progress") return;
  const values = Object.fromEntries(Object.entries(change(event))
    .filter(([, v]) => v !== undefined));
  const was = known.job.state;
  Object.assign(known.job, values);
  updateCard(known.card, known.job, { autoplay: live && was !== "succeeded" });
  // news for the slideshow screen only: the other screens show their own jobs' ends
  const shown = !document.getElementById("app-view").hidden;
  if (live && shown && FINAL.has(values.state) && was !== values.state) {
    toast(`${title(known.job)}: ${values.state}.`, values.state === "succeeded" ? "info" : "error");
  }
}

async function cancel(job) {
  try {
    mergeSnapshot(await api(`/tasks/${job.id}`, { method: "DELETE" }));
  } catch (error) {
    toast(`Could not cancel: ${error.message}`, "error");
  }
}

async function loadPage() {
  const query = new URLSearchParams({ limit: String(PAGE) });
  if (cursor) query.set("cursor", cursor);
  const page = await api(`/tasks?${query}`);
  cursor = page.next_cursor;
  for (const read of page.items) mergeSnapshot(read);
  refreshEmpty();
}

/** Forget every job, as on signing out. */
export function clearJobs() {
  jobs.clear();
  waiting.clear();
  cursor = null;
  list().replaceChildren();
  refreshEmpty();
}

/** Forget every job and load the newest page. */
export async function loadJobs() {
  clearJobs();
  await loadPage();
}

export function setupJobs() {
  document.getElementById("jobs-more").addEventListener("click", () => {
    loadPage().catch((error) => toast(error.message, "error"));
  });
}
