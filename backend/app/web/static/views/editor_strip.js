// The scene strip: thumbnails in order, reordered by drag and drop or from the keyboard
// (Move earlier / later buttons, Alt+Arrow keys on a tile), and between each two scenes the
// transition from the registry, its rendered preview shown on hover and focus.

import { h } from "../dom.js";

/**
 * props: { media, kinds (GET /transitions), sceneName(scene), isShared(id), onSelect(key),
 * onMove(from, to), onChange() }. Returns { el, render(tl, selectedKey) }.
 */
export function createStrip(props) {
  const list = h("ol", { class: "strip", "aria-label": "Scenes in order" });
  const said = h("p", { class: "visually-hidden", "aria-live": "polite" });
  // one preview place under the strip: a popover inside it would be clipped by its scrolling
  const stage = h("figure", { class: "gap-preview", hidden: true });
  const el = h("section", { class: "card editor-strip", "aria-labelledby": "strip-title" },
    h("h2", { id: "strip-title" }, "Scenes"),
    h("p", { class: "muted small" },
      "Drag a scene to move it, or use its arrows (Alt+← / Alt+→ on a selected tile)."),
    list, stage, said);
  let tl = null;
  let selected = null;
  let refocus = null; // { key, part } to focus after the next render

  function move(from, to, part) {
    if (to < 0 || to >= tl.scenes.length || from === to) return;
    const key = tl.scenes[from]._key;
    refocus = { key, part };
    props.onMove(from, to);
    said.textContent = `Scene moved to position ${to + 1} of ${tl.scenes.length}.`;
  }

  function preview(gap, kindName, i) {
    const kind = props.kinds.find((k) => k.name === kindName);
    const label = `Transition ${i + 1}→${i + 2}: ${kind?.label ?? kindName}`;
    stage.replaceChildren(h("figcaption", { class: "small" }, label),
      h("span", { class: "muted small" }, "Loading preview…"));
    stage.hidden = false;
    stage.dataset.gap = String(i);
    props.media.transition(kindName).then((url) => {
      if (stage.hidden || stage.dataset.gap !== String(i)
          || gap.querySelector("select").value !== kindName) return;
      if (!url) {
        stage.replaceChildren(h("figcaption", { class: "small" }, label),
          h("span", { class: "muted small" }, "No single preview: each gap draws its own."));
        return;
      }
      const video = h("video", { src: url, muted: true, loop: true, autoplay: true,
                                 playsInline: true, "aria-label": `Preview of ${kind?.label}` });
      video.setAttribute("muted", "");
      stage.replaceChildren(h("figcaption", { class: "small" }, label), video);
      video.play().catch(() => {});
    });
  }

  function gapFor(scene, i) {
    const tr = scene.transition ?? tl.transition ?? { kind: props.kinds.find((k) => k.default)?.name,
                                                      duration_s: 0.5 };
    const kindId = `gap-kind-${scene._key}`;
    const lenId = `gap-len-${scene._key}`;
    const path = `timeline.scenes.${i}.transition`;
    const select = h("select", { id: kindId, onchange: () => {
      scene.transition = { ...tr, kind: select.value };
      props.onChange();
      preview(gap, select.value, i);
    } }, props.kinds.map((k) => h("option", { value: k.name, selected: k.name === tr.kind }, k.label)));
    const length = h("input", { id: lenId, type: "number", step: "0.1", min: "0", value: tr.duration_s,
                                class: "gap-length", onchange: () => {
      scene.transition = { ...tr, kind: select.value, duration_s: Number(length.value) };
      props.onChange();
    } });
    const gap = h("div", { class: "gap" },
      h("div", { class: "field" },
        h("label", { for: kindId, class: "small" }, `Transition ${i + 1}→${i + 2}`),
        select, h("p", { class: "field-error", "data-error-for": path })),
      h("div", { class: "field" },
        h("label", { for: lenId, class: "small" }, "Length (s)"), length,
        h("p", { class: "field-error", "data-error-for": `${path}.duration_s` })));
    gap.addEventListener("mouseenter", () => preview(gap, select.value, i));
    gap.addEventListener("focusin", () => preview(gap, select.value, i));
    const hide = () => { if (stage.dataset.gap === String(i)) stage.hidden = true; };
    gap.addEventListener("mouseleave", () => gap.contains(document.activeElement) || hide());
    gap.addEventListener("focusout", (e) => gap.contains(e.relatedTarget) || hide());
    return gap;
  }

  function tile(scene, i) {
    const n = tl.scenes.length;
    const name = props.sceneName(scene);
    const img = h("img", { alt: "", draggable: false });
    if (scene.asset) {
      props.media.thumbnail(scene.asset, props.isShared(scene.asset)).then((url) => {
        if (url) img.src = url;
      });
    } else {
      img.hidden = true;
    }
    // The name is the visible text (number, length, overlay) joined by hidden words.
    const hidden = (text) => h("span", { class: "visually-hidden" }, text);
    const pick = h("button", {
      type: "button", class: "scene-pick", "aria-pressed": String(scene._key === selected),
      "aria-keyshortcuts": "Alt+ArrowLeft Alt+ArrowRight",
      onclick: () => props.onSelect(scene._key),
      onkeydown: (e) => {
        if (!e.altKey || !["ArrowLeft", "ArrowRight"].includes(e.key)) return;
        e.preventDefault();
        move(i, e.key === "ArrowLeft" ? i - 1 : i + 1, "pick");
      },
    },
    h("span", { class: "scene-thumb" }, img),
    hidden("Scene "), h("span", { class: "scene-no" }, String(i + 1)),
    hidden(` of ${n}: ${name}, `), h("span", { class: "scene-len" }, `${scene.duration_s ?? "?"} s`),
    scene.text?.text ? [hidden("with the text "), h("span", { class: "scene-text" }, scene.text.text)] : null);
    const card = h("div", { class: "scene-card", draggable: true, "data-index": i },
      pick,
      h("div", { class: "scene-moves" },
        h("button", { type: "button", class: "icon small", "data-part": "earlier", disabled: i === 0,
                      "aria-label": `Move scene ${i + 1} earlier`, onclick: () => move(i, i - 1, "earlier") }, "←"),
        h("button", { type: "button", class: "icon small", "data-part": "later", disabled: i === n - 1,
                      "aria-label": `Move scene ${i + 1} later`, onclick: () => move(i, i + 1, "later") }, "→")),
      h("p", { class: "field-error", "data-error-for": `timeline.scenes.${i}` }));
    card.addEventListener("dragstart", (e) => {
      e.dataTransfer.setData("text/plain", String(i));
      e.dataTransfer.effectAllowed = "move";
      card.classList.add("dragging");
    });
    card.addEventListener("dragend", () => card.classList.remove("dragging"));
    card.addEventListener("dragover", (e) => {
      e.preventDefault();
      e.dataTransfer.dropEffect = "move";
      card.classList.add("drop-target");
    });
    card.addEventListener("dragleave", () => card.classList.remove("drop-target"));
    card.addEventListener("drop", (e) => {
      e.preventDefault();
      card.classList.remove("drop-target");
      const from = Number(e.dataTransfer.getData("text/plain"));
      if (Number.isInteger(from)) move(from, i, "pick");
    });
    return h("li", { class: "scene-tile", "data-key": scene._key },
      card, i < n - 1 ? gapFor(scene, i) : null);
  }

  function render(timeline, selectedKey) {
    tl = timeline;
    selected = selectedKey;
    list.replaceChildren(...tl.scenes.map(tile));
    if (refocus) {
      const li = list.querySelector(`[data-key="${refocus.key}"]`);
      const wanted = li?.querySelector(`[data-part="${refocus.part}"]:not(:disabled)`)
        ?? li?.querySelector(".scene-pick");
      refocus = null;
      wanted?.focus();
    }
  }

  return { el, render };
}
