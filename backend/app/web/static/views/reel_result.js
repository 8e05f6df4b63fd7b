// What a workflow produced: its script, editable and re-run from the voice step as a new
// workflow with the same settings, and once done the reel of each platform to play and
// download.

import { api } from "../api.js";
import { clearErrors, h, showErrors } from "../dom.js";
import { openPlayer } from "../player.js";

/** The settings of `workflow` again, reading `text` as given instead of writing a script. */
export function rerunBody(workflow, text) {
  const body = Object.fromEntries(Object.entries(workflow.params ?? {})
    .filter(([key, value]) => value !== null && key !== "topic" && key !== "duration_s"));
  body.script = text;
  return body;
}

/** The editor of the script the content step wrote; `onSubmitted(workflow)` after a re-run. */
export function scriptEditor(workflow, narration, { onSubmitted }) {
  const text = h("textarea", { id: "reel-edit-script", name: "script", rows: 8, maxLength: 5000,
                               value: narration, "aria-describedby": "reel-edit-hint" });
  const form = h("form", { class: "script-editor", novalidate: true },
    h("h2", {}, "Script"),
    h("div", { class: "field" },
      h("label", { for: text.id }, "The words the voice reads"),
      h("p", { class: "muted small", id: "reel-edit-hint" },
        "Change the words, then re-run. Your text is read as written: the script step only "
        + "cuts it into scenes instead of writing a new one, and the voice, render and "
        + "platform steps run again as a new reel with the same settings."),
      text,
      h("p", { class: "field-error", "data-error-for": "script" })),
    h("p", { class: "form-error", "data-error-for": "", role: "alert" }),
    h("button", { type: "submit", class: "primary" }, "Re-run from voice with this script"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      onSubmitted(await api("/tasks/submit/workflow",
                            { method: "POST", json: rerunBody(workflow, text.value.trim()) }));
    } catch (error) {
      showErrors(form, error);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** One player and download link per platform reel (the optimise steps' results). */
export function reelsList(workflow, labels) {
  const reels = workflow.steps.filter((s) => s.step.startsWith("optimize:"));
  const list = h("ul", { class: "reels", "aria-label": "Your reels" });
  for (const step of reels) {
    const platform = step.step.split(":")[1];
    const label = labels[platform] ?? platform;
    const box = h("div", { class: "player" });
    const caption = step.result?.caption;
    list.append(h("li", { class: "reel", "data-platform": platform },
      h("h3", {}, label), box,
      caption ? h("details", {}, h("summary", {}, `Caption for ${label}`),
                  h("p", { class: "small caption-text" }, caption)) : null));
    openPlayer(box, { id: step.job_id }).then(() => {
      box.querySelector("video")?.setAttribute("aria-label", `Reel for ${label}`);
      const link = box.querySelector("a[download]");
      if (link) {
        link.download = `reelforge-${platform}-${step.job_id}.mp4`;
        link.setAttribute("aria-label", `Download the ${label} reel`);
      }
    });
  }
  return h("section", { class: "reel-results", "aria-labelledby": "reel-results-title" },
    h("h2", { id: "reel-results-title" }, "Your reels"), list);
}
