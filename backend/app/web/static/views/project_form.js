// The create / edit form of a project: its defaults and the basics of its brand kit. The
// choices (tones, voices, platforms, music, images, corners) come from the API.

import { api } from "../api.js";
import { clearErrors, h, showErrors, toast } from "../dom.js";
import { brandFields, brandOf } from "./project_brand.js";
import { capital, enumOf, platforms, voiceOf, voiceOptions, voices } from "./registries.js";

let serial = 0;

function field(id, label, control, errorFor, hint) {
  return h("div", { class: "field" },
    h("label", { for: id }, label),
    hint ? h("p", { class: "muted small", id: `${id}-hint` }, hint) : null,
    control,
    h("p", { class: "field-error", "data-error-for": errorFor }));
}

function text(id, name, value, attrs = {}) {
  return h("input", { id, name, type: "text", value: value ?? "", autocomplete: "off", ...attrs });
}

/** Load what the form offers; each list is [] when its registry cannot be read. */
async function choices() {
  const quiet = (promise) => promise.catch(() => []);
  const [tones, voiceList, platformList, corners, music, images] = await Promise.all([
    quiet(enumOf("ProjectCreate", "tone")), quiet(voices()), quiet(platforms()),
    quiet(enumOf("Watermark", "position")),
    quiet(api("/library?kind=music&limit=100").then((page) => page.items)),
    quiet(api("/library?kind=image&limit=100").then((page) => page.items)),
  ]);
  return { tones, voiceList, platformList, corners, music, images };
}

/**
 * A form for `project` (null: a new one). `onSaved(project)` runs after the API accepted
 * it; `onCancel()` when the person closes the form without saving.
 */
export async function projectForm(project, { onSaved, onCancel }) {
  const id = `project-form-${++serial}`;
  const c = await choices();
  const p = project ?? { voice: {}, platforms: [], brand: {} };
  const tone = h("select", { id: `${id}-tone`, name: "tone" },
    new Option("No default (informative)", ""),
    ...c.tones.map((t) => new Option(capital(t), t, false, t === p.tone)));
  const voice = h("select", { id: `${id}-voice`, name: "voice" },
    ...voiceOptions(c.voiceList, p.voice, "The server's default voice"));
  const boxes = c.platformList.map((pl) => h("label", { class: "check" },
    h("input", { type: "checkbox", name: "platforms", value: pl.name,
                 checked: p.platforms.includes(pl.name) }), pl.label));
  const brand = brandFields(id, p.brand ?? {}, c);
  const form = h("form", { class: "project-form", novalidate: true, "aria-labelledby": `${id}-title` },
    h("h2", { id: `${id}-title` }, project ? `Edit ${project.name}` : "New project"),
    h("div", { class: "grid" },
      field(`${id}-name`, "Name", text(`${id}-name`, "name", p.name, { required: true,
                                                                   maxLength: 100 }), "name"),
      field(`${id}-topic`, "Topic", text(`${id}-topic`, "topic", p.topic,
                                         { maxLength: 200 }), "topic"),
      field(`${id}-audience`, "Audience", text(`${id}-audience`, "audience", p.audience,
                                               { maxLength: 120 }), "audience"),
      field(`${id}-tone`, "Tone", tone, "tone"),
      field(`${id}-language`, "Language", text(`${id}-language`, "language", p.language,
                                               { placeholder: "en", maxLength: 5,
                                                 "aria-describedby": `${id}-language-hint` }),
            "language", "A language code: en, en-GB, de …"),
      field(`${id}-voice`, "Voice", voice, "voice")),
    h("fieldset", { class: "field" }, h("legend", {}, "Platforms"),
      h("div", { class: "checks" }, boxes),
      h("p", { class: "field-error", "data-error-for": "platforms" })),
    brand.element,
    h("p", { class: "form-error", "data-error-for": "", role: "alert" }),
    h("div", { class: "form-actions" },
      h("button", { type: "submit", class: "primary" }, project ? "Save project" : "Create project"),
      h("button", { type: "button", class: "ghost", onclick: onCancel }, "Cancel")));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const value = (name) => form.elements[name].value.trim();
    const optional = (name) => value(name) || (project ? null : undefined);
    const body = {
      name: value("name"), topic: optional("topic"), audience: optional("audience"),
      tone: optional("tone"), language: optional("language"),
      voice: voiceOf(voice.value) ?? (project ? null : undefined),
      platforms: [...form.querySelectorAll('input[name="platforms"]:checked')].map((b) => b.value),
      brand: brandOf(brand, p.brand ?? {}),
    };
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      const saved = await api(project ? `/projects/${project.number}` : "/projects",
                              { method: project ? "PATCH" : "POST", json: body });
      toast(project ? `Saved ${saved.name}` : `Created project ${saved.name}`);
      onSaved(saved);
    } catch (error) {
      showErrors(form, error);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}
