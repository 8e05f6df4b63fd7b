// The timeline editor: a Timeline (the API's schema) edited in place — scenes in a strip,
// transitions between them, the selected scene's settings, captions over a preview frame
// with the preset's safe zone, music, output — then a draft preview or the final render.
// Open with #/editor, #/editor?assets=<id>,<id> (those as scenes) or #/editor?from=<job id>.

import { api } from "../api.js";
import { h, toast } from "../dom.js";
import { humanize } from "../humanize.js";
import { createCaptions } from "./editor_captions.js";
import { createMediaCache } from "./editor_media.js";
import { exactError, exactFrames, loadSchema, sceneFor, timelineOfJob, toTimeline } from "./editor_model.js";
import { createOutput } from "./editor_output.js";
import { createPicker } from "./editor_picker.js";
import { createRender } from "./editor_render.js";
import { createScenePanel } from "./editor_scene.js";
import { createStrip } from "./editor_strip.js";

export const title = "Timeline editor";

async function loadAll(params) {
  const from = params.get("from");
  const [schema, kinds, presets, qualities, assets, clips, music, job] = await Promise.all([
    loadSchema(), api("/transitions"), api("/presets"), api("/qualities"),
    api("/assets?limit=500"), api("/library?kind=clip&scope=shared&limit=100"),
    api("/library?kind=music&limit=100"),
    from ? api(`/tasks/${encodeURIComponent(from)}`).catch((error) => {
      toast(`Could not open that video's timeline: ${error.message}.`, "error");
      return null;
    }) : null]);
  const items = [
    ...assets.filter((a) => a.kind === "image" || a.kind === "video")
      .map((a) => ({ id: a.id, kind: a.kind, name: a.filename, shared: false, duration_s: a.duration_s })),
    ...clips.items.map((c) => ({ id: c.id, kind: "video", name: c.title || c.filename, shared: true,
                                 duration_s: c.duration_s })),
  ];
  return { schema, kinds, presets, qualities, items, music: music.items, job };
}

function startingTimeline(data, params) {
  const fallback = data.kinds.find((k) => k.default)?.name;
  const transition = { kind: fallback, duration_s: data.schema.defaultOf("Transition", "duration_s") };
  let tl = data.job ? timelineOfJob(data.job.params ?? {}, data.presets) : null;
  if (data.job && !tl) toast("That job has no timeline to edit; starting afresh.", "error");
  if (!tl) {
    const ids = (params.get("assets") ?? "").split(",").filter(Boolean);
    const byId = new Map(data.items.map((i) => [i.id, i]));
    tl = { scenes: ids.filter((id) => byId.has(id)).map((id) => sceneFor(byId.get(id), transition)),
           output: { preset: data.schema.defaultOf("Output", "preset"), quality: "standard" } };
  }
  tl.transition ??= transition;
  return { tl, transition };
}

export function mount(root, ctx) {
  const media = createMediaCache();
  const page = h("section", { class: "editor", "aria-labelledby": "editor-title", "aria-busy": "true" },
    h("h1", { id: "editor-title" }, "Timeline editor"),
    h("p", { class: "muted" }, "Loading your media…"));
  root.replaceChildren(page);
  let render = null;
  ctx.onEvent((e) => render?.event(e));
  ctx.onReady((resumed) => render?.ready(resumed));

  loadAll(ctx.params).then((data) => {
    if (!page.isConnected) return;
    render = build(page, data, ctx, media);
  }).catch((error) => {
    page.setAttribute("aria-busy", "false");
    page.replaceChildren(h("h1", { id: "editor-title" }, "Timeline editor"),
      h("p", { class: "error", role: "alert" }, `Could not open the editor: ${error.message}`));
  });
  return () => media.release();
}

function build(page, data, ctx, media) {
  const { schema, kinds } = data;
  const { tl, transition } = startingTimeline(data, ctx.params);
  const items = new Map(data.items.map((i) => [i.id, i]));
  let selected = tl.scenes[0]?._key ?? null;
  const indexOf = (key) => tl.scenes.findIndex((s) => s._key === key);
  const current = () => tl.scenes[indexOf(selected)] ?? null;
  const sceneName = (s) => (s.asset ? items.get(s.asset)?.name ?? "a clip of the job" : "card");
  const thumbnail = (s) => media.thumbnail(s.asset, !!items.get(s.asset)?.shared);

  const output = createOutput({
    schema, presets: data.presets, qualities: data.qualities, music: data.music,
    onChange: () => { output.summary(); captions.paint(current()); },
    length: () => exactFrames(tl, {
      clipSeconds: (id) => items.get(id)?.duration_s,
      blends: (kind) => kinds.find((k) => k.name === kind)?.blends ?? true }),
  });
  const captions = createCaptions({
    schema, thumbnail,
    preset: () => data.presets.find((p) => p.name === output.presetName()) ?? data.presets[0],
    onChange: () => {},
  });
  const strip = createStrip({
    media, kinds, sceneName, isShared: (id) => !!items.get(id)?.shared,
    onSelect: (key) => { selected = key; refresh(); },
    onMove: (from, to) => {
      const [scene] = tl.scenes.splice(from, 1);
      tl.scenes.splice(to, 0, scene);
      refresh();
    },
    onChange: () => output.summary(),
  });
  const scenePanel = createScenePanel({
    schema, sceneName,
    onChange: () => { strip.render(tl, selected); captions.paint(current()); output.summary(); },
    onRemove: (key) => {
      const i = indexOf(key);
      tl.scenes.splice(i, 1);
      selected = tl.scenes[Math.min(i, tl.scenes.length - 1)]?._key ?? null;
      refresh();
      toast(`Scene ${i + 1} removed.`);
    },
  });
  const picker = createPicker({
    items: data.items, media,
    onAdd: (picked) => {
      for (const item of picked) tl.scenes.push(sceneFor(item, transition));
      selected ??= tl.scenes[0]?._key ?? null;
      refresh();
      toast(`${picked.length} scene${picked.length === 1 ? "" : "s"} added.`);
    },
  });
  const renderPanel = createRender({
    timeline: (quality) => {
      const body = toTimeline(tl);
      if (quality) body.output = { ...body.output, quality };
      return { timeline: body };
    },
    onRefused: (error) => showRefusal(error),
  });

  function refresh() {
    strip.render(tl, selected);
    scenePanel.render(current(), indexOf(selected));
    captions.render(tl, current());
    output.render(tl);
  }

  /** Each of the API's errors next to its control: a scene's field selects that scene first. */
  function showRefusal(error) {
    for (const slot of page.querySelectorAll("[data-error-for]")) slot.textContent = "";
    for (const input of page.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    const found = (error.details?.length ? error.details : [error]).map(exactError);
    const scene = found.map((e) => /^timeline\.scenes\.(\d+)/.exec(e.field)).find(Boolean);
    if (scene && tl.scenes[Number(scene[1])]) {
      selected = tl.scenes[Number(scene[1])]._key;
      refresh();
    }
    let first = null;
    for (const { field, message: said } of found) {
      // the API counts scenes from 0, the strip from 1
      const message = humanize(said, field.endsWith("scenes") ? "scene" : null)
        .replace(/\bscene (\d+)\b/g, (_, n) => `scene ${Number(n) + 1}`);
      const parts = field.split(".");
      let slot = null;
      while (parts.length && !slot) {
        slot = page.querySelector(`[data-error-for="${CSS.escape(parts.join("."))}"]`);
        parts.pop();
      }
      slot ??= page.querySelector('.editor-render [data-error-for=""]');
      slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
      const input = slot.closest(".field")?.querySelector("input, select, textarea");
      input?.setAttribute("aria-invalid", "true");
      first ??= input ?? slot;
    }
    if (first?.matches("input, select, textarea")) first.focus();
    toast("The video was not sent: see the marked fields.", "error");
  }

  const panels = h("div", { class: "editor-panels" },
    scenePanel.el, captions.el, output.music, output.output, renderPanel.el);
  page.replaceChildren(
    h("h1", { id: "editor-title" }, "Timeline editor"),
    h("p", { class: "muted" }, data.job ? "Editing the timeline of an earlier video." :
      "Arrange scenes, transitions, captions and music, preview a draft, then render."),
    h("p", { class: "field-error", "data-error-for": "timeline.scenes" }),
    picker.el, strip.el, panels);
  picker.open(tl.scenes.length === 0);
  refresh();
  page.setAttribute("aria-busy", "false");
  page.dataset.ready = "true";
  return renderPanel;
}
