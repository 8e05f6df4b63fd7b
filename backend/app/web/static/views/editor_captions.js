// Captions (style, colours, size) and the preview frame: the selected scene in a box of the
// preset's shape, the preset's safe zone drawn over it, and a sample caption line placed as
// the renderer places it (bottom centre, on the safe zone's bottom edge, inside its sides).

import { h } from "../dom.js";
import { wordsOf } from "./editor_model.js";

const SAMPLE = "Your captions appear here";

function field(id, label, control, errorFor) {
  return h("div", { class: "field" }, h("label", { for: id }, label), control,
    h("p", { class: "field-error", "data-error-for": errorFor }));
}

/** props: { schema, preset(), thumbnail(scene) → Promise<url|null>, onChange() } */
export function createCaptions(props) {
  const { schema } = props;
  let tl = null;
  let draft = null; // the captions while switched off, so switching back restores them

  const on = h("input", { id: "cap-on", type: "checkbox" });
  const script = h("textarea", { id: "cap-script", rows: 3, maxLength: 20000 });
  const style = h("select", { id: "cap-style" },
    schema.enumOf("Captions", "style").map((v) => h("option", { value: v }, wordsOf(v))));
  const size = h("input", { id: "cap-size", type: "number", step: "1",
                            ...schema.bounds("Captions", "size") });
  const color = h("input", { id: "cap-color", type: "color" });
  const highlight = h("input", { id: "cap-highlight", type: "color" });
  const controls = h("div", { class: "caption-controls" },
    field("cap-script", "Caption script", script, "timeline.captions.script"),
    h("div", { class: "grid" },
      field("cap-style", "Caption style", style, "timeline.captions.style"),
      field("cap-size", "Caption size (px at full size)", size, "timeline.captions.size")),
    h("div", { class: "grid" },
      field("cap-color", "Caption colour", color, "timeline.captions.color"),
      field("cap-highlight", "Highlight colour (karaoke)", highlight, "timeline.captions.highlight")));

  const picture = h("img", { class: "frame-picture", alt: "" });
  const safe = h("div", { class: "frame-safe", "aria-hidden": "true" });
  const overlay = h("p", { class: "frame-text", "aria-hidden": "true" });
  const line = h("p", { class: "frame-caption", "aria-hidden": "true" });
  const frame = h("div", { class: "frame" }, picture, safe, overlay, line);
  const about = h("figcaption", { class: "muted small" });
  const el = h("section", { class: "card editor-captions", "aria-labelledby": "cap-title" },
    h("h2", { id: "cap-title" }, "Captions and frame"),
    h("div", { class: "field check" }, on, h("label", { for: "cap-on" }, "Burn in captions")),
    h("p", { class: "field-error", "data-error-for": "timeline.captions" }),
    controls,
    h("figure", { class: "frame-figure" }, frame, about));

  function read() {
    const caps = { ...(tl.captions ?? draft ?? {}) };
    caps.script = script.value || null;
    caps.style = style.value;
    caps.size = size.value === "" ? null : Number(size.value);
    caps.color = color.value.toUpperCase();
    caps.highlight = highlight.value.toUpperCase();
    return caps;
  }

  function changed() {
    if (on.checked) tl.captions = read();
    else draft = read();
    controls.hidden = !on.checked;
    paint();
    props.onChange();
  }
  for (const c of [on, style, color, highlight]) c.addEventListener("change", changed);
  for (const c of [script, size]) c.addEventListener("input", changed);

  /** Draw the frame: the preset's shape and safe zone, the scene, its text, a caption line. */
  function paint(scene) {
    const p = props.preset();
    if (!p) return;
    const pct = (v, of) => `${(v / of) * 100}%`;
    frame.style.aspectRatio = `${p.width} / ${p.height}`;
    Object.assign(safe.style, { top: pct(p.safe.top, p.height), bottom: pct(p.safe.bottom, p.height),
                                left: pct(p.safe.left, p.width), right: pct(p.safe.right, p.width) });
    Object.assign(line.style, { bottom: pct(p.safe.bottom, p.height), left: pct(p.safe.left, p.width),
                                right: pct(p.safe.right, p.width) });
    Object.assign(overlay.style, { top: pct(p.safe.top, p.height), bottom: pct(p.safe.bottom, p.height),
                                   left: pct(p.safe.left, p.width), right: pct(p.safe.right, p.width) });
    const caps = read();
    const px = caps.size ?? p.caption_size;
    // container query units: the line scales with the frame as the video would
    line.style.fontSize = `${(px / p.height) * 100}cqh`;
    line.style.color = caps.color;
    line.dataset.style = caps.style;
    line.hidden = !on.checked;
    const words = (caps.script || SAMPLE).split(/\s+/).filter(Boolean)
      .slice(0, schema.defaultOf("Captions", "max_words"));
    line.replaceChildren(h("span", { class: "words" }, ...words.flatMap((w, k) => [
      k ? " " : "",
      h("span", { class: k === 0 && caps.style === "karaoke" ? "hl" : null }, w)])));
    const hl = line.querySelector(".hl");
    if (hl) hl.style.color = caps.highlight;
    size.placeholder = String(p.caption_size);
    about.textContent = `${p.label}, ${p.width}×${p.height}: the dashed box is the safe zone.`;
    if (scene !== undefined) {
      overlay.textContent = scene?.text?.text ?? "";
      overlay.dataset.position = scene?.text?.position ?? "center";
      overlay.style.fontSize = `${((scene?.text?.size ?? 72) / p.height) * 100}cqh`;
      picture.dataset.fit = scene?.fit ?? "cover";
      picture.hidden = !scene?.asset;
      if (scene?.asset) props.thumbnail(scene).then((url) => { if (url) picture.src = url; });
    }
  }

  function render(timeline, scene) {
    tl = timeline;
    const caps = tl.captions ?? draft ?? {};
    on.checked = !!tl.captions;
    controls.hidden = !on.checked;
    script.value = caps.script ?? "";
    style.value = caps.style ?? schema.defaultOf("Captions", "style");
    size.value = caps.size ?? "";
    color.value = (caps.color ?? schema.defaultOf("Captions", "color")).slice(0, 7).toLowerCase();
    highlight.value = (caps.highlight ?? schema.defaultOf("Captions", "highlight")).slice(0, 7)
      .toLowerCase();
    paint(scene ?? null);
  }

  return { el, render, paint };
}
