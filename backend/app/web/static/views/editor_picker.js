// "Add scenes": the user's images and clips and the shared library's clips, picked with
// checkboxes and appended to the timeline in the order they were ticked.

import { h } from "../dom.js";

/** props: { items: [{id, kind, name, shared, duration_s}], media, onAdd(items) } */
export function createPicker(props) {
  const list = h("ul", { class: "picker-list" });
  const add = h("button", { type: "button", class: "primary small", disabled: true },
    "Add selected scenes");
  const el = h("details", { class: "card editor-picker" },
    h("summary", {}, h("h2", { class: "inline" }, "Add scenes")),
    props.items.length ? null
      : h("p", { class: "muted" }, "Upload photos or clips on the Slideshow screen first."),
    list, add);
  let drawn = false;
  let ticked = []; // ids in the order they were checked

  function draw() {
    if (drawn) return;
    drawn = true; // thumbnails only once the picker is opened
    list.replaceChildren(...props.items.map((item) => {
      const id = `pick-${item.id}`;
      const img = h("img", { alt: "" });
      props.media.thumbnail(item.id, item.shared).then((url) => { if (url) img.src = url; });
      const box = h("input", { type: "checkbox", id, value: item.id, onchange: () => {
        ticked = ticked.filter((x) => x !== item.id);
        if (box.checked) ticked.push(item.id);
        count();
      } });
      return h("li", { class: "picker-item" }, box,
        h("label", { for: id }, h("span", { class: "scene-thumb" }, img),
          h("span", { class: "caption" },
            `${item.name}${item.kind === "image" ? "" : " (clip)"}${item.shared ? " · library" : ""}`)));
    }));
  }

  function count() {
    const n = ticked.length;
    add.disabled = n === 0;
    add.textContent = n ? `Add ${n} scene${n === 1 ? "" : "s"}` : "Add selected scenes";
  }

  add.addEventListener("click", () => {
    props.onAdd(ticked.map((id) => props.items.find((x) => x.id === id)));
    ticked = [];
    for (const box of list.querySelectorAll("input:checked")) box.checked = false;
    count();
  });
  el.addEventListener("toggle", () => el.open && draw());

  return {
    el,
    open(yes) {
      el.open = yes;
      if (yes) draw();
    },
  };
}
