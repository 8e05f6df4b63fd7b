// The brand kit basics of the project form: caption and card colours, a music bed from the
// library (volume, ducking) and an optional watermark. Sections the form does not show
// (fonts, intro and outro cards, caption style and size) are kept as they were.

import { h } from "../dom.js";
import { capital } from "./registries.js";

const DEFAULTS = { caption: "#ffffff", highlight: "#ffd400", primary: "#1f2a44",
                   secondary: "#0b1020", text: "#ffffff" }; // starting points of the pickers

function color(id, label, value) {
  return h("div", { class: "color-field" },
    h("input", { id, type: "color", value }),
    h("label", { for: id }, label));
}

function toggle(id, label, on, controls) {
  const box = h("input", { id, type: "checkbox", checked: on });
  const sync = () => controls.querySelectorAll("input").forEach((i) => { i.disabled = !box.checked; });
  box.addEventListener("change", sync);
  sync();
  return h("div", { class: "check" }, box, h("label", { for: id }, label));
}

function itemName(item) {
  return item.title || item.filename;
}

/** The kit's fields in a fieldset: { element, read } where read() gives their values. */
export function brandFields(id, brand, { music, images, corners }) {
  const cap = brand.captions ?? {};
  const col = brand.colors ?? {};
  const captionColors = h("div", { class: "colors" },
    color(`${id}-cap-color`, "Caption text", cap.color ?? DEFAULTS.caption),
    color(`${id}-cap-highlight`, "Spoken word", cap.highlight ?? DEFAULTS.highlight));
  const cardColors = h("div", { class: "colors" },
    color(`${id}-primary`, "Card top", col.primary ?? DEFAULTS.primary),
    color(`${id}-secondary`, "Card bottom", col.secondary ?? DEFAULTS.secondary),
    color(`${id}-text`, "Card text", col.text ?? DEFAULTS.text));
  const captionToggle = toggle(`${id}-cap-on`, "Own caption colours",
                               !!(cap.color || cap.highlight), captionColors);
  const cardToggle = toggle(`${id}-cards-on`, "Own card colours",
                            !!(col.primary || col.secondary || col.text), cardColors);
  const track = h("select", { id: `${id}-music` }, new Option("No music", ""),
    ...music.map((m) => new Option(itemName(m), m.id, false, m.id === brand.music?.asset_id)));
  const volume = h("input", { id: `${id}-volume`, type: "number", min: -40, max: 10, step: 1,
                              value: brand.music?.volume_db ?? -6, inputMode: "numeric" });
  const duck = h("input", { id: `${id}-duck`, type: "checkbox",
                            checked: brand.music?.duck ?? true });
  const logo = h("select", { id: `${id}-logo` }, new Option("No watermark", ""),
    ...images.map((m) => new Option(itemName(m), m.id, false,
                                    m.id === brand.watermark?.asset_id)));
  const corner = h("select", { id: `${id}-corner` },
    ...corners.map((c) => new Option(capital(c.replace("_", " ")), c, false,
                                     c === (brand.watermark?.position ?? "bottom_right"))));
  const element = h("fieldset", { class: "field brand-kit" },
    h("legend", {}, "Brand kit"),
    captionToggle, captionColors, cardToggle, cardColors,
    h("div", { class: "grid" },
      h("div", { class: "field" }, h("label", { for: track.id }, "Music"), track,
        music.length ? null : h("p", { class: "muted small" }, "The library has no music yet.")),
      h("div", { class: "field" }, h("label", { for: volume.id }, "Music volume (dB)"), volume),
      h("div", { class: "field" }, h("label", { for: logo.id }, "Watermark"), logo),
      h("div", { class: "field" }, h("label", { for: corner.id }, "Watermark corner"), corner)),
    h("div", { class: "check" }, duck,
      h("label", { for: duck.id }, "Lower the music while the voice speaks")),
    h("p", { class: "field-error", "data-error-for": "brand" }));
  const value = (suffix) => element.querySelector(`#${id}-${suffix}`).value;
  const on = (suffix) => element.querySelector(`#${id}-${suffix}`).checked;
  const read = () => ({
    captions: on("cap-on") ? { color: value("cap-color"), highlight: value("cap-highlight") } : null,
    colors: on("cards-on") ? { primary: value("primary"), secondary: value("secondary"),
                               text: value("text") } : null,
    music: track.value ? { asset_id: track.value, volume_db: Number(volume.value),
                           duck: duck.checked } : null,
    watermark: logo.value ? { asset_id: logo.value, position: corner.value } : null,
  });
  return { element, read };
}

/** The kit to send: the form's sections over `old`, the sections it does not show kept. */
export function brandOf(fields, old) {
  const form = fields.read();
  const kit = { ...old };
  const { color: _c, highlight: _h, ...captionRest } = old.captions ?? {};
  const captions = { ...captionRest, ...(form.captions ?? {}) };
  kit.captions = Object.values(captions).some((v) => v !== null && v !== undefined)
    ? captions : null;
  kit.colors = form.colors;
  kit.music = form.music;
  kit.watermark = form.watermark
    ? { ...(old.watermark?.asset_id === form.watermark.asset_id ? old.watermark : {}),
        ...form.watermark }
    : null;
  return kit;
}
