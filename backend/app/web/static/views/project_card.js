// One project in the list: its settings at a glance, "Make a reel", edit, delete (with the
// server's refusal while work runs and the offer to cancel it), and its recent reels.

import { api } from "../api.js";
import { formatTime, h, toast } from "../dom.js";
import { capital, platforms, voices } from "./registries.js";

const STATE_TEXT = { pending: "Waiting", running: "Running", succeeded: "Done",
                     failed: "Failed", cancelled: "Cancelled" };
const KIT_PARTS = { captions: "caption colours", colors: "card colours", music: "music",
                    watermark: "watermark", fonts: "fonts", intro: "intro card",
                    outro: "outro card" };

function facts(project) {
  const kit = Object.entries(KIT_PARTS).filter(([k]) => project.brand?.[k]).map(([, v]) => v);
  const rows = [["Topic", project.topic], ["Audience", project.audience],
                ["Tone", project.tone && capital(project.tone)], ["Language", project.language],
                ["Voice", project.voice?.voice], ["Platforms", project.platforms.join(", ")],
                ["Brand kit", kit.join(", ")]];
  return h("dl", { class: "facts" }, rows.filter(([, v]) => v).map(([k, v]) =>
    h("div", {}, h("dt", {}, k), h("dd", { "data-fact": k.toLowerCase() }, v))));
}

/** "Why the sky is blue · Done · 4 Dec 2026, 10:02": a workflow in a link's words. */
function reelLink(workflow) {
  const what = workflow.params?.topic ?? (workflow.params?.script ? "Your script" : "Reel");
  return h("li", { "data-workflow-id": workflow.id },
    h("a", { href: `#/reel?workflow=${workflow.id}` }, what),
    h("span", { class: "muted small" },
      ` · ${STATE_TEXT[workflow.state] ?? workflow.state} · ${formatTime(workflow.created_at)}`));
}

export function projectCard(project, { onEdit, onDeleted, makeReel, watch }) {
  const name = project.name;
  const recent = h("ul", { class: "recent", "aria-label": `Recent reels of ${name}` });
  const confirmBox = h("div", { class: "confirm", hidden: true });
  let shown = new Set(); // the ids of the workflows listed

  async function loadRecent() {
    try {
      const page = await api(`/projects/${project.number}/workflows?limit=3`);
      shown = new Set(page.items.map((w) => w.id));
      recent.replaceChildren(...page.items.map(reelLink));
      if (!page.items.length) recent.replaceChildren(h("li", { class: "muted small" }, "No reels yet."));
    } catch {
      recent.replaceChildren(h("li", { class: "error small" }, "Could not load its reels."));
    }
  }

  async function remove(cancel) {
    try {
      const done = await api(`/projects/${project.number}${cancel ? "?cancel=true" : ""}`,
                             { method: "DELETE" });
      const stopped = done.cancelled_workflows.length + done.cancelled_jobs.length;
      toast(`Deleted ${name}${stopped ? ` and cancelled ${stopped} running item(s)` : ""}`);
      onDeleted();
    } catch (error) {
      if (error.code !== "project_busy") {
        confirmBox.replaceChildren(h("p", { class: "error", role: "alert" }, error.message));
        return;
      }
      confirmBox.replaceChildren(
        // "project 1 (Tea) has 1 running workflow; cancel them first, or delete with
        // ?cancel=true": the button below is that second way, so the count is enough
        h("p", { class: "error", role: "alert" }, `${capital(error.message.split(";")[0])}.`),
        h("div", { class: "form-actions" },
          h("button", { type: "button", class: "danger", onclick: () => remove(true) },
            "Cancel running work and delete"),
          h("button", { type: "button", class: "ghost", onclick: closeConfirm }, "Keep it")));
      confirmBox.querySelector("button").focus();
    }
  }

  function closeConfirm() {
    confirmBox.hidden = true;
    deleteButton.focus();
  }

  const deleteButton = h("button", { type: "button", class: "ghost small",
                                     "aria-label": `Delete ${name}`, onclick: () => {
    confirmBox.hidden = false;
    confirmBox.replaceChildren(
      h("p", {}, `Delete ${name}? Its finished reels stay in your account.`),
      h("div", { class: "form-actions" },
        h("button", { type: "button", class: "danger", onclick: () => remove(false) },
          "Delete project"),
        h("button", { type: "button", class: "ghost", onclick: closeConfirm }, "Keep it")));
    confirmBox.querySelector("button").focus();
  } }, "Delete");

  const card = h("li", { class: "card project", "data-project": project.number },
    h("div", { class: "project-head" },
      h("h2", {}, h("span", { class: "muted" }, `#${project.number} `), name),
      h("button", { type: "button", class: "primary", "aria-label": `Make a reel in ${name}`,
                    onclick: makeReel }, "Make a reel")),
    facts(project),
    h("div", { class: "form-actions" },
      h("button", { type: "button", class: "ghost small", "aria-label": `Edit ${name}`,
                    onclick: (event) => onEdit(event.currentTarget) }, "Edit"),
      deleteButton),
    confirmBox,
    h("h3", {}, "Recent reels"), recent);

  platforms().then((list) => { // the registry's labels for the names stored
    const labels = Object.fromEntries(list.map((p) => [p.name, p.label]));
    const cell = card.querySelector('[data-fact="platforms"]');
    if (cell) cell.textContent = project.platforms.map((p) => labels[p] ?? p).join(", ");
  }).catch(() => {});
  voices().then((list) => { // the voice's name rather than its id
    const v = project.voice;
    const found = list.find((x) => x.id === v?.voice && (!v.provider || v.provider === x.provider));
    const cell = card.querySelector('[data-fact="voice"]');
    if (found && cell) cell.textContent = `${found.name} (${found.language})`;
  }).catch(() => {});
  watch((workflowId) => shown.has(workflowId) && loadRecent());
  loadRecent();
  return card;
}
