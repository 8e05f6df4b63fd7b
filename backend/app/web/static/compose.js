// The "New video" form: photos in order, timing, transition, format, audio and priority.

import { api } from "./api.js";
import { picture } from "./assets.js";
import { clearErrors, h, showErrors, toast } from "./dom.js";
import { state } from "./state.js";

// The slideshow's transitions as GET /transitions lists them: name -> whether it blends.
const blends = new Map();

function syncTransitionSeconds(form) {
  document.getElementById("transition-s").disabled = blends.get(form.transition.value) === false;
}

/** Fill the transition picker from the API's list, keeping the user's choice if still offered. */
export async function loadTransitions() {
  const form = document.getElementById("compose-form");
  const kinds = (await api("/transitions")).filter((k) => k.slideshow);
  const current = form.transition.value;
  blends.clear();
  for (const k of kinds) blends.set(k.name, k.blends);
  form.transition.replaceChildren(...kinds.map((k) => h("option", { value: k.name }, k.label)));
  form.transition.value = blends.has(current) ? current
    : kinds.find((k) => k.default)?.name ?? kinds[0]?.name ?? "";
  syncTransitionSeconds(form);
}

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
  form.transition.addEventListener("change", () => syncTransitionSeconds(form));
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
      showErrors(form, error, { nouns: { asset_ids: "photo" } });
    } finally {
      submit.disabled = false;
    }
  });
}
