// The Topic → reel form: a topic or a pasted script, voice, platforms, quality, length and
// an optional project whose settings fill what is left out. Submits one workflow.

import { api } from "../api.js";
import { clearErrors, h, showErrors } from "../dom.js";
import { capital, enumOf, platforms, voiceOf, voiceOptions, voices } from "./registries.js";

function field(id, label, control, errorFor, hint) {
  return h("div", { class: "field" }, h("label", { for: id }, label), control,
    hint ?? null, h("p", { class: "field-error", "data-error-for": errorFor }));
}

/** The form; `project` preselects a project (its number or id); `onSubmitted(workflow)`. */
export async function reelForm({ project: wanted, onSubmitted }) {
  const quiet = (p) => p.catch(() => []);
  const [projects, voiceList, platformList, qualities] = await Promise.all([
    quiet(api("/projects")), quiet(voices()), quiet(platforms()),
    quiet(enumOf("VideoSettings", "quality"))]);
  const chosen = () => projects.find((p) => String(p.number) === projectSelect.value);
  const projectSelect = h("select", { id: "reel-project", name: "project_id",
                                      "aria-describedby": "reel-project-hint" },
    new Option("No project", ""),
    ...projects.map((p) => new Option(`#${p.number} · ${p.name}`, String(p.number), false,
                                      wanted === String(p.number) || wanted === p.id)));
  const topic = h("input", { id: "reel-topic", name: "topic", type: "text", maxLength: 200,
                             autocomplete: "off", "aria-describedby": "reel-topic-hint" });
  const topicHint = h("p", { class: "muted small", id: "reel-topic-hint" });
  const script = h("textarea", { id: "reel-script", name: "script", rows: 6, maxLength: 5000 });
  const voice = h("select", { id: "reel-voice", name: "voice" });
  const boxes = h("div", { class: "checks" }, platformList.map((p) => h("label", { class: "check" },
    h("input", { type: "checkbox", name: "platforms", value: p.name }), p.label)));
  const quality = h("select", { id: "reel-quality", name: "quality" },
    ...qualities.map((q) => new Option(capital(q), q, false, q === "standard")));
  const duration = h("input", { id: "reel-duration", name: "duration_s", type: "number",
                                min: 12, max: 300, step: 1, value: 30, inputMode: "numeric" });
  const mode = (value, label, checked) => h("label", { class: "check" },
    h("input", { type: "radio", name: "source", value, checked }), label);
  const topicField = field("reel-topic", "Topic", topic, "topic", topicHint);
  const scriptField = field("reel-script", "Script", script, "script",
    h("p", { class: "muted small" }, "Read as written: it is cut into scenes, not rewritten."));
  const durationField = field("reel-duration", "Length (seconds)", duration, "duration_s");

  const form = h("form", { class: "card reel-form", novalidate: true, "aria-labelledby": "reel-title" },
    h("h1", { id: "reel-title" }, "Topic → reel"),
    field("reel-project", "Project", projectSelect, "project_id",
      h("p", { class: "muted small", id: "reel-project-hint" },
        "Optional: its settings fill in what you leave out.")),
    h("fieldset", { class: "field" }, h("legend", {}, "Start from"),
      h("div", { class: "checks" }, mode("topic", "A topic", true), mode("script", "My own script", false))),
    topicField, scriptField,
    h("div", { class: "grid" },
      field("reel-voice", "Voice", voice, "voice"),
      field("reel-quality", "Quality", quality, "video"),
      durationField),
    h("fieldset", { class: "field" }, h("legend", {}, "Platforms"), boxes,
      h("p", { class: "field-error", "data-error-for": "platforms" })),
    h("p", { class: "form-error", "data-error-for": "", role: "alert" }),
    h("button", { type: "submit", class: "primary" }, "Make the reel"));

  function fromProject() {
    const p = chosen();
    voice.replaceChildren(...voiceOptions(voiceList, null, p?.voice?.voice
      ? `The project's voice (${p.voice.voice})` : "The server's default voice"));
    const ticked = p?.platforms?.length ? p.platforms : platformList.slice(0, 1).map((x) => x.name);
    for (const box of boxes.querySelectorAll("input")) box.checked = ticked.includes(box.value);
    topicHint.textContent = p?.topic ? `Leave empty for the project's topic: ${p.topic}`
      : "What the reel is about, e.g. why the sky is blue.";
  }

  function fromMode() {
    const own = form.elements.source.value === "script";
    topicField.hidden = own;
    durationField.hidden = own; // a script's length is its own
    scriptField.hidden = !own;
  }

  projectSelect.addEventListener("change", fromProject);
  form.addEventListener("change", (event) => event.target.name === "source" && fromMode());
  fromProject();
  fromMode();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const own = form.elements.source.value === "script";
    const body = {
      platforms: [...boxes.querySelectorAll("input:checked")].map((b) => b.value),
      video: { quality: quality.value },
    };
    if (own) body.script = script.value.trim();
    else {
      if (topic.value.trim()) body.topic = topic.value.trim();
      body.duration_s = Number(duration.value);
    }
    if (voice.value) body.voice = voiceOf(voice.value);
    if (chosen()) body.project_id = chosen().number;
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      onSubmitted(await api("/tasks/submit/workflow", { method: "POST", json: body }));
    } catch (error) {
      showErrors(form, error);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}
