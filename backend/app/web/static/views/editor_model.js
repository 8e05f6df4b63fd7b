// The editor's state is a Timeline as the API takes it (docs/render.md), its scenes each
// carrying a local `_key` that never leaves the page. Also: the schema's enums and bounds
// (read from the API's OpenAPI document, never copied here), the exact length as the
// renderer computes it (media/plan.py), and the API's field paths made exact.

import { api } from "../api.js";

let nextKey = 1;

/** A scene with its local key (kept across reorders, so a tile keeps its thumbnail). */
export function keyed(scene) {
  return { ...scene, _key: nextKey++ };
}

/** The timeline's JSON Schema parts, read from the API's own OpenAPI document. */
export async function loadSchema() {
  const spec = await api("/openapi.json");
  const models = spec.components.schemas;
  const prop = (model, field) => {
    const p = models[model].properties[field];
    return p.anyOf?.find((a) => a.type !== "null") ?? p;
  };
  return {
    enumOf: (model, field) => prop(model, field).enum ?? [],
    defaultOf: (model, field) => models[model].properties[field].default,
    bounds: (model, field) => {
      const p = prop(model, field);
      return { min: p.minimum ?? p.exclusiveMinimum, max: p.maximum ?? p.exclusiveMaximum };
    },
  };
}

/** "zoom_in" → "Zoom in": how a schema value reads in a picker. */
export function wordsOf(value) {
  const text = String(value).replaceAll("_", " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A new scene for an asset (image or clip) of the user's or the shared library's. */
export function sceneFor(asset, transition) {
  const base = { asset: asset.id, fit: "cover", transition: { ...transition } };
  if (asset.kind === "video" || asset.kind === "clip") {
    const seconds = Math.min(asset.duration_s || 3, 5);
    return keyed({ kind: "video", ...base, in_s: 0, duration_s: Math.round(seconds * 10) / 10 });
  }
  return keyed({ kind: "image", ...base, duration_s: 3 });
}

/** The editable timeline of a job: its own, or the slideshow shorthand spelled out. */
export function timelineOfJob(params, presets) {
  if (params.timeline) {
    const tl = structuredClone(params.timeline);
    tl.scenes = tl.scenes.map(keyed);
    return tl;
  }
  if (!params.asset_ids) return null;
  const [w, h] = String(params.resolution ?? "").split("x").map(Number);
  const preset = presets.find((p) => p.width === w && p.height === h)?.name;
  const transition = { kind: params.transition, duration_s: params.transition_s };
  return {
    scenes: params.asset_ids.map((id) => keyed({ kind: "image", asset: id, fit: "cover",
                                                  duration_s: params.seconds_per_image,
                                                  transition })),
    output: { ...(preset ? { preset } : {}), fps: params.fps ?? 30 },
  };
}

function pruned(value) {
  if (Array.isArray(value)) return value.map(pruned);
  if (value === null || typeof value !== "object") return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith("_") || v === null || v === undefined || v === "") continue;
    out[k] = pruned(v);
  }
  return out;
}

/** The timeline as the API takes it: no local keys, no empty overlays, nothing after the end. */
export function toTimeline(tl) {
  const out = pruned(tl);
  out.scenes = out.scenes.map((scene, i) => {
    const s = { ...scene };
    if (!s.text?.text) delete s.text;
    if (i === out.scenes.length - 1) delete s.transition;
    return s;
  });
  if (out.audio && !out.audio.music && !out.audio.voice) delete out.audio;
  return out;
}

/** Python's round(): halves go to the even neighbour (the renderer's frame grid uses it). */
export function roundEven(x) {
  const floor = Math.floor(x);
  if (x - floor !== 0.5) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * The video's exact length in frames, as media/plan.py fixes it: scene lengths rounded on
 * the cumulative line, minus each blending transition's frames; or output.duration_s in
 * whole frames. `clipSeconds(id)` is a clip's length; `blends(kind)` is the registry's word.
 */
export function exactFrames(tl, { clipSeconds, blends }) {
  const fps = tl.output?.fps ?? 30;
  if (tl.output?.duration_s) return { frames: roundEven(tl.output.duration_s * fps), fps };
  let cum = 0;
  let edge = 0;
  for (const s of tl.scenes) {
    let seconds = s.duration_s;
    if (s.kind === "video" && !seconds) {
      const available = (clipSeconds(s.asset) ?? 0) - (s.in_s ?? 0);
      seconds = s.out_s ? Math.min(available, s.out_s - (s.in_s ?? 0)) : available;
    }
    cum += (Number(seconds) || 0) * fps;
    edge = roundEven(cum);
  }
  let overlap = 0;
  for (let i = 0; i < tl.scenes.length - 1; i++) {
    const tr = tl.scenes[i].transition ?? tl.transition ?? { kind: null, duration_s: 0.5 };
    if (blends(tr.kind)) overlap += Math.max(1, roundEven((Number(tr.duration_s) || 0) * fps));
  }
  return { frames: edge - overlap, fps };
}

/**
 * An API error item as {field, message}, its field the full path: a cross-field check
 * arrives as field "timeline" with the path at the head of its message, and pydantic puts
 * the scene's kind after its index (timeline.scenes.3.image.duration_s).
 */
export function exactError({ field, message }) {
  let path = field ?? "";
  let text = String(message ?? "").replace(/^Value error, /, "");
  const head = /^([a-z_]+(?:\.[a-z0-9_]+)*): ([\s\S]*)$/.exec(text);
  if (head && head[1] === path) {
    text = head[2];
  } else if (head && (path === "timeline" || path === "")) {
    path = head[1].startsWith("timeline") ? head[1] : `timeline.${head[1]}`;
    text = head[2];
  }
  path = path.replace(/^(timeline\.scenes\.\d+)\.(image|video|card)(?=\.|$)/, "$1");
  return { field: path, message: text };
}
