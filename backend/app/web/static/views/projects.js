// Projects: the user's series with their defaults and brand kit; create, edit, delete
// (cancelling running work on request), "Make a reel" and each project's recent reels.

import { api } from "../api.js";
import { h, toast } from "../dom.js";
import { projectCard } from "./project_card.js";
import { projectForm } from "./project_form.js";

export const title = "Projects";

const FINAL_STAGES = new Set(["done", "failed", "cancelled"]);

export function mount(root, ctx) {
  const formSlot = h("div", { class: "form-slot" });
  const list = h("ul", { class: "project-list", "aria-label": "Your projects" });
  const empty = h("div", { class: "card empty", hidden: true },
    h("p", {}, "No projects yet. A project keeps a series' topic, audience, voice, platforms "
      + "and look, so each reel starts from them."),
    h("p", { class: "muted" }, "You can also ",
      h("a", { href: "#/reel" }, "make a reel without a project"), "."));
  const newButton = h("button", { type: "button", class: "primary", onclick: () => openForm(null) },
                      "New project");
  root.replaceChildren(h("section", { class: "projects", "aria-labelledby": "projects-title" },
    h("div", { class: "screen-head" }, h("h1", { id: "projects-title" }, "Projects"), newButton),
    formSlot, empty, list));

  let opened = null; // the button that opened the form, focused again when it closes
  const watchers = new Set(); // each card's "this workflow ended" function

  function closeForm() {
    formSlot.replaceChildren();
    newButton.hidden = false;
    opened?.focus();
  }

  async function openForm(project, from = newButton) {
    opened = from;
    let form;
    try {
      form = await projectForm(project, {
        onSaved: () => {
          closeForm();
          load();
        },
        onCancel: closeForm,
      });
    } catch (error) {
      toast(`Could not open the form: ${error.message}`, "error");
      return;
    }
    newButton.hidden = true;
    formSlot.replaceChildren(h("div", { class: "card" }, form));
    form.querySelector("input")?.focus();
  }

  async function load() {
    let projects;
    try {
      projects = await api("/projects");
    } catch (error) {
      toast(`Could not load your projects: ${error.message}`, "error");
      return;
    }
    watchers.clear();
    list.replaceChildren(...projects.map((project) => projectCard(project, {
      onEdit: (button) => openForm(project, button),
      onDeleted: load,
      makeReel: () => ctx.navigate("reel", { project: project.number }),
      watch: (fn) => watchers.add(fn),
    })));
    empty.hidden = projects.length > 0;
  }

  // A workflow's final stage changes a recent reel's state: refresh the card listing it.
  ctx.onEvent((event) => {
    if (event.type !== "workflow.stage" || !FINAL_STAGES.has(event.stage)) return;
    for (const fn of watchers) fn(event.workflow_id);
  });
  ctx.onReady((resumed) => {
    if (!resumed) load();
  });
  load();
}
