// Music from the library (volume, ducking, loudness target) and the output: preset,
// quality, frame rate, an exact length, and the video's length as the renderer will make it.

import { h } from "../dom.js";
import { wordsOf } from "./editor_model.js";

function field(id, label, control, errorFor) {
  return h("div", { class: "field" }, h("label", { for: id }, label), control,
    h("p", { class: "field-error", "data-error-for": errorFor }));
}

/** props: { schema, presets, qualities, music (library items), onChange(), length() } */
export function createOutput(props) {
  const { schema } = props;
  let tl = null;

  const track = h("select", { id: "music-track" },
    h("option", { value: "" }, "No music"),
    props.music.map((m) => h("option", { value: m.id },
      `${m.title || m.filename}${m.shared ? "" : " (yours)"}${m.duration_s ? ` · ${Math.round(m.duration_s)} s` : ""}`)));
  const volume = h("input", { id: "music-volume", type: "range", step: "1",
                              ...schema.bounds("Music", "volume_db") });
  const volumeOut = h("output", { for: "music-volume" });
  const duck = h("input", { id: "music-duck", type: "checkbox" });
  const loudness = h("input", { id: "loudness", type: "number", step: "0.5",
                                ...schema.bounds("Audio", "loudness_lufs") });
  const music = h("section", { class: "card editor-music", "aria-labelledby": "music-title" },
    h("h2", { id: "music-title" }, "Music"),
    field("music-track", "Track", track, "timeline.audio.music.asset"),
    h("div", { class: "field" },
      h("label", { for: "music-volume" }, "Music volume (dB) ", volumeOut), volume,
      h("p", { class: "field-error", "data-error-for": "timeline.audio.music.volume_db" })),
    h("div", { class: "field check" }, duck,
      h("label", { for: "music-duck" }, "Lower the music while a voice speaks (ducking)")),
    field("loudness", "Loudness target (LUFS)", loudness, "timeline.audio.loudness_lufs"),
    h("p", { class: "field-error", "data-error-for": "timeline.audio" }));

  const preset = h("select", { id: "out-preset" },
    props.presets.map((p) => h("option", { value: p.name }, `${p.label} (${p.width}×${p.height})`)));
  const quality = h("select", { id: "out-quality" },
    props.qualities.map((q) => h("option", { value: q.name }, wordsOf(q.name))));
  const fps = h("select", { id: "out-fps" },
    schema.enumOf("Output", "fps").map((v) => h("option", { value: v }, `${v} fps`)));
  const exact = h("input", { id: "out-duration", type: "number", step: "0.1", min: "0",
                             placeholder: "sum of the scenes" });
  const length = h("p", { class: "length", id: "out-length", "aria-live": "polite" });
  const output = h("section", { class: "card editor-output", "aria-labelledby": "out-title" },
    h("h2", { id: "out-title" }, "Output"),
    h("div", { class: "grid" },
      field("out-preset", "Preset", preset, "timeline.output.preset"),
      field("out-quality", "Quality", quality, "timeline.output.quality"),
      field("out-fps", "Frame rate", fps, "timeline.output.fps"),
      field("out-duration", "Exact length (s, optional)", exact, "timeline.output.duration_s")),
    length);

  function changed() {
    const out = (tl.output = { ...(tl.output ?? {}) });
    out.preset = preset.value;
    out.quality = quality.value;
    out.fps = Number(fps.value);
    out.duration_s = exact.value === "" ? null : Number(exact.value);
    const audio = { ...(tl.audio ?? {}) };
    audio.music = track.value ? { ...(audio.music ?? {}), asset: track.value,
                                  volume_db: Number(volume.value), duck: duck.checked } : null;
    audio.loudness_lufs = loudness.value === "" ? null : Number(loudness.value);
    tl.audio = audio.music || audio.voice ? audio : null;
    volumeOut.textContent = volume.value;
    volume.disabled = duck.disabled = !track.value;
    props.onChange();
  }
  for (const c of [track, duck, preset, quality, fps]) c.addEventListener("change", changed);
  for (const c of [volume, exact, loudness]) c.addEventListener("input", changed);

  function render(timeline) {
    tl = timeline;
    const out = tl.output ?? {};
    preset.value = out.preset ?? schema.defaultOf("Output", "preset");
    quality.value = out.quality ?? schema.defaultOf("Output", "quality");
    fps.value = String(out.fps ?? schema.defaultOf("Output", "fps"));
    exact.value = out.duration_s ?? "";
    const m = tl.audio?.music;
    if (m && ![...track.options].some((o) => o.value === m.asset)) {
      track.append(h("option", { value: m.asset }, "The job's track"));
    }
    track.value = m?.asset ?? "";
    volume.value = m?.volume_db ?? schema.defaultOf("Music", "volume_db");
    volumeOut.textContent = volume.value;
    duck.checked = m?.duck ?? schema.defaultOf("Music", "duck");
    volume.disabled = duck.disabled = !m;
    loudness.value = tl.audio?.loudness_lufs ?? schema.defaultOf("Audio", "loudness_lufs");
    summary();
  }

  /** The length line: whole frames as the renderer will cut them. */
  function summary() {
    const { frames, fps: rate } = props.length();
    length.textContent = `Length: ${(frames / rate).toFixed(2)} s (${frames} frames at ${rate} fps)`;
  }

  return { music, output, render, summary, presetName: () => preset.value };
}
