// Results: the user's finished videos, newest first (slideshows and workflows' reels with
// their per-platform versions); a video that finishes while the screen is open comes first.

import { api } from "../api.js";
import { h, toast } from "../dom.js";
import { resultCard } from "./result_card.js";
import { publishDialog } from "./result_publish.js";

export const title = "Results";

const PAGE = 12;

export function mount(root, ctx) {
  const gallery = h("ul", { class: "gallery", "aria-label": "Finished videos" });
  const empty = h("p", { class: "muted", hidden: true },
    "Nothing finished yet. Videos appear here as soon as they are done.");
  const more = h("button", { type: "button", class: "ghost", hidden: true }, "Show more");
  const cards = new Map(); // job id -> card
  const byWorkflow = new Map(); // workflow id -> [card]
  const fetching = new Set();
  let cursor = null;
  let generation = 0; // a fresh load drops the answers of an older one
  const shown = new WeakMap(); // card element -> its card
  const inView = new IntersectionObserver((entries) => {
    for (const entry of entries.filter((e) => e.isIntersecting)) {
      shown.get(entry.target)?.show();
      inView.unobserve(entry.target);
    }
  }, { rootMargin: "200px" });

  root.replaceChildren(h("div", { class: "results-view" },
    h("h1", {}, "Results"), empty, gallery, more));
  const openPublish = publishDialog(root);

  async function attachWorkflow(card, workflowId) {
    if (!byWorkflow.has(workflowId)) byWorkflow.set(workflowId, []);
    byWorkflow.get(workflowId).push(card);
    try {
      card.setWorkflow(await api(`/workflows/${workflowId}`));
    } catch {
      // the workflow is gone: the render stays on its own
    }
  }

  function add(job, { first = false } = {}) {
    if (cards.has(job.id) || job.state !== "succeeded" || job.kind !== "video") return;
    const card = resultCard(job, { onPublish: openPublish });
    cards.set(job.id, card);
    if (first) gallery.prepend(card.el);
    else gallery.append(card.el);
    if (job.workflow_id) attachWorkflow(card, job.workflow_id);
    shown.set(card.el, card);
    inView.observe(card.el);
    empty.hidden = true;
  }

  async function loadPage({ fresh = false } = {}) {
    const mine = fresh ? ++generation : generation;
    const query = new URLSearchParams({ state: "succeeded", kind: "video", limit: String(PAGE) });
    if (cursor && !fresh) query.set("cursor", cursor);
    const page = await api(`/tasks?${query}`);
    if (mine !== generation) return;
    if (fresh) {
      cards.clear();
      byWorkflow.clear();
      gallery.replaceChildren();
    }
    cursor = page.next_cursor;
    for (const job of page.items) add(job);
    empty.hidden = cards.size > 0;
    more.hidden = !cursor;
  }

  async function arrived(jobId) {
    if (cards.has(jobId) || fetching.has(jobId)) return;
    fetching.add(jobId);
    try {
      add(await api(`/tasks/${jobId}`), { first: true });
    } catch {
      // deleted meanwhile: nothing to show
    } finally {
      fetching.delete(jobId);
    }
  }

  more.addEventListener("click", () => loadPage().catch((e) => toast(e.message, "error")));
  ctx.onEvent((event) => {
    if (event.type === "job.succeeded" && event.job_id) arrived(event.job_id);
    if (event.workflow_id && event.type === "workflow.stage" && event.stage === "done") {
      for (const card of byWorkflow.get(event.workflow_id) ?? []) {
        api(`/workflows/${event.workflow_id}`).then(card.setWorkflow).catch(() => {});
      }
    }
  });
  ctx.onReady((resumed) => {
    if (!resumed) loadPage({ fresh: true }).catch((e) => toast(e.message, "error"));
  });
  loadPage({ fresh: true }).catch((e) => toast(`Could not load results: ${e.message}`, "error"));
  return () => inView.disconnect();
}
