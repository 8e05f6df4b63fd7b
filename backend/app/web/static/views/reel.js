// Topic → reel: the form, then the workflow's stages advancing live (#/reel?workflow=<id>,
// so a reload resumes from GET /workflows/{id} and the events), its script to edit and
// re-run from the voice step, Retry on a failed step, and the reels once done.

import { api } from "../api.js";
import { h, toast } from "../dom.js";
import { reelForm } from "./reel_form.js";
import { reelsList, scriptEditor } from "./reel_result.js";
import { Tracker } from "./reel_stages.js";
import { platforms } from "./registries.js";

export const title = "Topic → reel";

async function labelsOfPlatforms() {
  try {
    return Object.fromEntries((await platforms()).map((p) => [p.name, p.label]));
  } catch {
    return {};
  }
}

function showForm(root, ctx) {
  root.replaceChildren(h("p", { class: "muted" }, "Loading…"));
  reelForm({
    project: ctx.params.get("project"),
    onSubmitted: (workflow) => ctx.navigate("reel", { workflow: workflow.id }),
  }).then((form) => {
    root.replaceChildren(form);
    form.querySelector("select, input")?.focus();
  }).catch((error) => toast(`Could not load the form: ${error.message}`, "error"));
}

function showWorkflow(root, ctx, workflowId) {
  const head = h("div", { class: "screen-head" }, h("h1", { id: "reel-title" }, "Your reel"),
    h("button", { type: "button", class: "ghost", onclick: () => ctx.navigate("reel",
      tracker.workflow?.params?.project_id ? { project: tracker.workflow.params.project_id } : {}) },
      "Make another reel"));
  const cancel = h("button", { type: "button", class: "ghost", hidden: true, onclick: async () => {
    try {
      tracker.setSnapshot(await api(`/workflows/${workflowId}`, { method: "DELETE" }));
      toast("Cancelled: the running step stops, later steps will not run");
    } catch (error) {
      toast(`Could not cancel: ${error.message}`, "error");
    }
  } }, "Cancel this reel");
  const runAgain = h("button", { type: "button", class: "primary", hidden: true,
                                 onclick: () => tracker.onRetry() }, "Run the rest again");
  const about = h("p", { class: "muted" });
  const scriptSlot = h("div", { class: "card script-slot", hidden: true });
  const resultSlot = h("div", { class: "card result-slot", hidden: true });
  let labels = {};
  const labelsReady = labelsOfPlatforms().then((found) => {
    labels = tracker.labels = found;
  });
  let shownScript = null; // the content job whose script the editor holds
  let shownReels = false;
  let buffer = []; // events that arrive while a snapshot loads (the first one: at once)

  const tracker = new Tracker({
    labels,
    onRetry: async () => {
      try {
        const retried = await api(`/tasks/${workflowId}/retry`, { method: "POST" });
        toast(`Running again from the ${retried.steps[0]?.split(":")[0] ?? "failed"} step`);
        await load({ force: true });
      } catch (error) {
        toast(`Could not retry: ${error.message}`, "error");
      }
    },
    onRestart: () => load({ force: true }),
    onChange: ({ workflow, state }) => {
      cancel.hidden = state !== "running" && state !== "pending";
      runAgain.hidden = state !== "cancelled";
      const content = workflow.steps.find((s) => s.step === "content");
      if (content?.state === "succeeded" && content.result?.narration
          && shownScript !== content.job_id) {
        shownScript = content.job_id;
        scriptSlot.replaceChildren(scriptEditor(workflow, content.result.narration, {
          onSubmitted: (next) => ctx.navigate("reel", { workflow: next.id }),
        }));
        scriptSlot.hidden = false;
      }
      if (state === "succeeded" && !shownReels) {
        shownReels = true;
        resultSlot.replaceChildren(reelsList(workflow, labels));
        resultSlot.hidden = false;
      } else if (state !== "succeeded" && shownReels) {
        shownReels = false;
        resultSlot.hidden = true;
        resultSlot.replaceChildren();
      }
    },
  });
  root.replaceChildren(h("section", { class: "reel-view", "aria-labelledby": "reel-title" },
    head, about, h("div", { class: "card" }, h("h2", {}, "Stages"), tracker.element,
      h("div", { class: "form-actions" }, cancel, runAgain)),
    resultSlot, scriptSlot));

  async function load({ force = false } = {}) {
    buffer = buffer ?? [];
    await labelsReady;
    try {
      const workflow = await api(`/workflows/${workflowId}`);
      const p = workflow.params ?? {};
      about.textContent = p.topic ? `About: ${p.topic}` : "From your own script";
      tracker.setSnapshot(workflow, { force });
    } catch (error) {
      about.textContent = error.status === 404 ? "This reel does not exist, or is not yours."
        : `Could not load this reel: ${error.message}`;
    }
    const pending = buffer ?? [];
    buffer = null;
    for (const event of pending) tracker.applyEvent(event);
  }

  ctx.onEvent((event) => {
    if (buffer) buffer.push(event);
    else tracker.applyEvent(event);
  });
  ctx.onReady((resumed) => {
    if (!resumed) load();
  });
  load();
}

export function mount(root, ctx) {
  const workflowId = ctx.params.get("workflow");
  if (workflowId) showWorkflow(root, ctx, workflowId);
  else showForm(root, ctx);
}
