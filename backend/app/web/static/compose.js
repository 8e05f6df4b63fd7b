// The "New video" form: photos in order, timing, transition, format, audio and priority.

import { api } from "./api.js";
import { picture } from "./assets.js";
import { clearErrors, h, showErrors, toast } from "./dom.js";
import { state } from "./state.js";

// The transitions VideoSubmit accepts (backend/app/schemas/jobs.py), with readable names.
const TRANSITIONS = [
  ["fade", "Fade"], ["none", "Cut (none)"], ["fadeblack", "Fade through black"],
  ["fadewhite", "Fade through white"], ["dissolve", "Dissolve"], ["wipeleft", "Wipe left"],
  ["wiperight", "Wipe right"], ["slideleft", "Slide left"], ["slideright", "Slide right"],
  ["circleopen", "Circle open"], ["radial", "Radial"], ["pixelize", "Pixelize"],
];

function move(index, by) {
  const list = state.selection;
  const to = index + by;
  if (to < 0 || to >= list.length) return;
  [list[index], list[to]] = [list[to], list[index]];
  state.emit("selection");
  document.querySelector(`#sequence li:nth-child(${to + 1}) [data-move="${by}"]`)?.focus();
}

function sequenceItem(id, index, count) {
  const asset = state.asset(id);
  const name = asset.filename;
  return h("li", { "data-asset-id": id },
    h("span", { class: "thumb" }, picture(asset)),
    h("span", { class: "name", title: name }, name),
    h("span", { class: "actions" },
      h("button", { type: "button", class: "icon", "data-move": "-1", disabled: index === 0,
                    "aria-label": `Move ${name} earlier`, onclick: () => move(index, -1) }, "↑"),
      h("button", { type: "button", class: "icon", "data-move": "1",
                    disabled: index === count - 1,
                    "aria-label": `Move ${name} later`, onclick: () => move(index, 1) }, "↓"),
      h("button", { type: "button", class: "icon", "aria-label": `Remove ${name} from the video`,
                    onclick: () => {
                      state.selection.splice(index, 1);
                      state.emit("selection");
                    } }, "×")));
}

function renderSequence() {
  const ids = state.selection.filter((id) => state.asset(id));
  document.getElementById("sequence")
    .replaceChildren(...ids.map((id, i) => sequenceItem(id, i, ids.length)));
  document.getElementById("sequence-empty").hidden = ids.length > 0;
}

function renderAudio() {
  const select = document.getElementById("audio");
  const current = select.value;
  select.replaceChildren(h("option", { value: "" }, "No audio"),
    ...state.audio().map((a) => h("option", { value: a.id }, a.filename)));
  select.value = state.asset(current) ? current : "";
}

function number(value) {
  return value.trim() === "" ? null : Number(value);
}

function body(form) {
  return {
    asset_ids: [...state.selection],
    seconds_per_image: number(form.seconds_per_image.value),
    transition: form.transition.value,
    transition_s: number(form.transition_s.value),
    resolution: form.resolution.value,
    fps: Number(form.fps.value),
    audio_asset_id: form.audio_asset_id.value || null,
    priority: Number(form.priority.value),
  };
}

/** Wire the form; `onSubmitted(job)` gets the accepted job. */
export function setupCompose(onSubmitted) {
  const form = document.getElementById("compose-form");
  const submit = document.getElementById("compose-submit");
  const transitionS = document.getElementById("transition-s");
  form.transition.replaceChildren(...TRANSITIONS.map(([v, label]) => h("option", { value: v },
                                                                        label)));
  form.transition.addEventListener("change", () => {
    transitionS.disabled = form.transition.value === "none";
  });
  form.priority.addEventListener("input", () => {
    document.getElementById("priority-value").value = form.priority.value;
  });
  state.on("selection", renderSequence);
  state.on("assets", () => {
    renderSequence();
    renderAudio();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    submit.disabled = true;
    try {
      const job = await api("/tasks/submit/video", { method: "POST", json: body(form) });
      toast("Video queued. Follow it under Jobs.");
      onSubmitted(job);
    } catch (error) {
      showErrors(form, error);
    } finally {
      submit.disabled = false;
    }
  });
}
