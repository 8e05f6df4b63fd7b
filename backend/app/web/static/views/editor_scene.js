// The selected scene's settings: length (number and slider), fit, Ken Burns motion and a
// text overlay; every choice list is the schema's, read from the API.

import { h } from "../dom.js";
import { wordsOf } from "./editor_model.js";

const SLIDER_MAX_S = 15; // the slider's reach; the number field takes any length

function field(id, label, control, errorFor, hint) {
  return h("div", { class: "field" },
    h("label", { for: id }, label), control,
    hint ? h("p", { class: "muted small" }, hint) : null,
    h("p", { class: "field-error", "data-error-for": errorFor }));
}

function choices(values, current, label = wordsOf) {
  return values.map((v) => h("option", { value: v, selected: v === current }, label(v)));
}

/** props: { schema, sceneName(scene), onChange(), onRemove(key) } → { el, render(scene, i) } */
export function createScenePanel(props) {
  const { schema } = props;
  const body = h("div", { class: "scene-body" });
  const el = h("section", { class: "card editor-scene", "aria-labelledby": "scene-title" },
    h("h2", { id: "scene-title" }, "Scene"), body);

  function render(scene, i) {
    const title = el.querySelector("#scene-title");
    if (!scene) {
      title.textContent = "Scene";
      body.replaceChildren(h("p", { class: "muted" }, "Add scenes to start."));
      return;
    }
    title.textContent = `Scene ${i + 1}: ${props.sceneName(scene)}`;
    const path = `timeline.scenes.${i}`;
    const changed = () => props.onChange();

    const seconds = h("input", { id: "scene-duration", type: "number", step: "0.1", min: "0",
                                 value: scene.duration_s ?? "" });
    const slider = h("input", { id: "scene-duration-range", type: "range", min: "0.5",
                                max: String(SLIDER_MAX_S), step: "0.1",
                                value: scene.duration_s ?? 3, "aria-label": "Duration handle" });
    seconds.addEventListener("input", () => {
      scene.duration_s = seconds.value === "" ? null : Number(seconds.value);
      slider.value = seconds.value;
      changed();
    });
    slider.addEventListener("input", () => {
      seconds.value = slider.value;
      scene.duration_s = Number(slider.value);
      changed();
    });

    const fit = h("select", { id: "scene-fit", onchange: () => { scene.fit = fit.value; changed(); } },
      choices(schema.enumOf("ImageScene", "fit"), scene.fit ?? schema.defaultOf("ImageScene", "fit")));

    const motion = scene.motion ?? { kind: "none" };
    const amountBounds = schema.bounds("Motion", "amount");
    const kind = h("select", { id: "scene-motion" },
      choices(schema.enumOf("Motion", "kind"), motion.kind));
    const amount = h("input", { id: "scene-motion-amount", type: "range", step: "0.01",
                                min: "0.01", max: String(amountBounds.max),
                                value: motion.amount ?? schema.defaultOf("Motion", "amount") });
    const easing = h("select", { id: "scene-motion-easing" },
      choices(schema.enumOf("Motion", "easing"), motion.easing ?? schema.defaultOf("Motion", "easing")));
    const setMotion = () => {
      scene.motion = kind.value === "none" ? null
        : { kind: kind.value, amount: Number(amount.value), easing: easing.value };
      amount.disabled = easing.disabled = !scene.motion;
      changed();
    };
    amount.disabled = easing.disabled = !scene.motion;
    for (const c of [kind, easing]) c.addEventListener("change", setMotion);
    amount.addEventListener("input", setMotion);

    const text = scene.text ?? {};
    const words = h("input", { id: "scene-text", type: "text", maxLength: 500, value: text.text ?? "" });
    const position = h("select", { id: "scene-text-position" },
      choices(schema.enumOf("TextOverlay", "position"),
              text.position ?? schema.defaultOf("TextOverlay", "position")));
    const setText = () => {
      scene.text = words.value ? { ...(scene.text ?? {}), text: words.value, position: position.value }
        : null;
      changed();
    };
    words.addEventListener("input", setText);
    position.addEventListener("change", setText);

    const parts = [
      h("div", { class: "duration-handle" },
        field("scene-duration", "Duration (seconds)", seconds, `${path}.duration_s`), slider),
    ];
    if (scene.kind !== "card") {
      parts.push(h("div", { class: "grid" },
        field("scene-fit", "Fit", fit, `${path}.fit`),
        field("scene-motion", "Motion (Ken Burns)", kind, `${path}.motion`)),
      h("div", { class: "grid" },
        field("scene-motion-amount", "Motion amount", amount, `${path}.motion.amount`),
        field("scene-motion-easing", "Easing", easing, `${path}.motion.easing`)));
    }
    if (scene.kind === "video") {
      const start = h("input", { id: "scene-in", type: "number", step: "0.1", min: "0",
                                 value: scene.in_s ?? 0, oninput: () => {
        scene.in_s = Number(start.value);
        changed();
      } });
      parts.push(field("scene-in", "Start in the clip (s)", start, `${path}.in_s`));
    }
    parts.push(h("div", { class: "grid" },
      field("scene-text", "Text overlay", words, `${path}.text.text`),
      field("scene-text-position", "Text position", position, `${path}.text.position`)),
    h("p", { class: "field-error", "data-error-for": `${path}.text` }),
    h("button", { type: "button", class: "ghost small", onclick: () => props.onRemove(scene._key) },
      `Remove scene ${i + 1}`));
    body.replaceChildren(...parts);
  }

  return { el, render };
}
