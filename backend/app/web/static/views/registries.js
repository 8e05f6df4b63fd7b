// The API's registries the Projects and Topic → reel screens pick from, each fetched once
// per page: voices, output platforms, and the enums of the API's own schema (tones,
// qualities), so no list of them is copied into the page.

import { api } from "../api.js";

const cache = new Map();

function once(key, load) {
  if (!cache.has(key)) {
    const promise = load();
    promise.catch(() => cache.delete(key)); // a failed load is tried again next time
    cache.set(key, promise);
  }
  return cache.get(key);
}

/** [{provider, id, name, language, gender, default}] from GET /voices. */
export const voices = () => once("voices", () => api("/voices"));

/** The presets a workflow can make reels for ({name, label, ...}, platform: true). */
export const platforms = () => once("platforms", async () =>
  (await api("/presets")).filter((p) => p.platform));

/**
 * The allowed values of `schema.property` in the API's OpenAPI document. A name two modules
 * share is spelt with its module ("app__schemas__brand__Watermark") or split into
 * "-Input"/"-Output": those count too, the API's schemas module first.
 */
export async function enumOf(schema, property) {
  const doc = await once("openapi", () => api("/openapi.json"));
  const all = doc.components?.schemas ?? {};
  const names = Object.keys(all).filter((n) => n === schema || n.startsWith(`${schema}-`)
                                               || n.endsWith(`__${schema}`))
    .sort((a, b) => Number(b.includes("__schemas__")) - Number(a.includes("__schemas__")));
  for (const name of names) {
    const prop = all[name].properties?.[property] ?? {};
    const variant = [prop, ...(prop.anyOf ?? [])].find((p) => Array.isArray(p.enum));
    if (variant) return variant.enum;
  }
  return [];
}

/** "informative" → "Informative". */
export const capital = (word) => word.charAt(0).toUpperCase() + word.slice(1);

/** A voice <option>'s value ("provider|id") and back to VoiceSettings fields. */
export const voiceValue = (v) => `${v.provider}|${v.id}`;
export function voiceOf(value) {
  if (!value) return null;
  const cut = value.indexOf("|");
  return { provider: value.slice(0, cut) || null, voice: value.slice(cut + 1) };
}

/** Options for a voice <select>, `selected` a VoiceSettings; the first says what unset means. */
export function voiceOptions(list, selected, emptyLabel) {
  const options = [new Option(emptyLabel, "")];
  for (const v of list) {
    const label = `${v.name} (${v.language}${v.gender ? `, ${v.gender}` : ""})`
      + (v.default ? " · default" : "");
    const chosen = !!selected?.voice && selected.voice === v.id
      && (!selected.provider || selected.provider === v.provider);
    options.push(new Option(label, voiceValue(v), false, chosen));
  }
  return options;
}
