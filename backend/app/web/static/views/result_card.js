// One finished video in the gallery: its player, download, per-platform versions of a
// workflow's reel, the post caption text, and the publish action.

import { signedResultUrl } from "../api.js";
import { formatBytes, formatTime, h, toast } from "../dom.js";
import { title as jobTitle } from "../job_card.js";

/** Download `url` as `name` through a link the browser follows. */
function saveAs(url, name) {
  const a = h("a", { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
}

function facts(result) {
  if (!result) return "";
  const size = result.width && result.height ? `${result.width}×${result.height}` : null;
  return [result.duration_s && `${Number(result.duration_s).toFixed(1)} s`, size,
          result.size_bytes && formatBytes(result.size_bytes)].filter(Boolean).join(" · ");
}

/**
 * A card for a succeeded video job; `workflow` (or null) is the workflow it rendered for.
 * `onPublish(source)` opens the publish dialog for { job_id } or { workflow_id }.
 */
export function resultCard(job, { onPublish }) {
  let workflow = null;
  let picked = false;
  let shown = false; // the player loads when the card first scrolls into view
  const heading = h("h2", { class: "result-title" }, jobTitle(job));
  const meta = h("p", { class: "muted small" });
  const box = h("div", { class: "player result-player" });
  const picker = h("select", { class: "variant", "aria-label": `Version of ${jobTitle(job)}` });
  const pickerField = h("label", { class: "variant-field", hidden: true }, "Version ", picker);
  const subtitles = h("p", { class: "muted small subtitles", hidden: true });
  const download = h("button", { type: "button", class: "ghost small" }, "Download");
  const caption = h("button", { type: "button", class: "ghost small", hidden: true },
    "Caption text");
  const publish = h("button", { type: "button", class: "ghost small" }, "Publish or schedule");
  // the job's timeline (or slideshow) opens in the editor, to change a scene and render again
  const edit = h("a", { class: "button ghost small", href: `#/editor?from=${job.id}` },
    "Edit in timeline");
  const card = h("li", { class: "card result", "data-job-id": job.id },
    heading, meta, box, pickerField, subtitles,
    h("div", { class: "result-actions" }, download, caption, publish, edit));

  const versions = () => {
    const list = [{ id: job.id, label: "Original render", result: job.result, platform: null }];
    for (const [platform, reel] of Object.entries(workflow?.result?.reels ?? {})) {
      list.push({ id: reel.job_id, label: platform, result: reel, platform });
    }
    return list;
  };
  const chosen = () => versions().find((v) => v.id === picker.value) ?? versions()[0];

  function draw() {
    const list = versions();
    const keep = picker.value;
    picker.replaceChildren(...list.map((v) => h("option", { value: v.id }, v.label)));
    // the first platform's version unless the person picked one
    picker.value = picked && list.some((v) => v.id === keep) ? keep
      : list[list.length > 1 ? 1 : 0].id;
    pickerField.hidden = list.length < 2;
    const version = chosen();
    meta.textContent = [facts(version.result), formatTime(job.finished_at ?? job.created_at)]
      .filter(Boolean).join(" · ");
    caption.hidden = !version.result?.caption;
    const burned = workflow && (workflow.params?.video?.captions ?? "karaoke") !== "none";
    subtitles.hidden = !burned;
    subtitles.textContent = "Subtitles are part of the picture; there is no separate "
      + "subtitle file.";
  }

  async function openPlayer() {
    const version = chosen();
    box.replaceChildren(h("p", { class: "muted small" }, "Loading video…"));
    let url;
    try {
      url = await signedResultUrl(version.id);
    } catch (error) {
      box.replaceChildren(h("p", { class: "error", role: "alert" }, error.message));
      return;
    }
    let renewed = false;
    const video = h("video", { controls: true, preload: "metadata", playsInline: true,
                               src: url, "aria-label": `${heading.textContent}, ${version.label}` });
    video.addEventListener("error", async () => {
      if (renewed) return; // a link that expired is signed again, once
      renewed = true;
      try {
        video.src = await signedResultUrl(version.id);
      } catch {
        // the file is gone: the browser's own error state stays on screen
      }
    });
    box.replaceChildren(video);
  }

  picker.addEventListener("change", () => {
    picked = true;
    draw();
    if (shown) openPlayer();
  });
  download.addEventListener("click", async () => {
    const version = chosen();
    try {
      const suffix = version.platform ? `-${version.platform}` : "";
      saveAs(await signedResultUrl(version.id), `reelforge-${job.id.slice(0, 8)}${suffix}.mp4`);
    } catch (error) {
      toast(`Could not download: ${error.message}`, "error");
    }
  });
  caption.addEventListener("click", () => {
    const version = chosen();
    const blob = new Blob([version.result.caption], { type: "text/plain" });
    const url = URL.createObjectURL(blob);
    saveAs(url, `caption-${version.platform ?? "video"}.txt`);
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
  publish.addEventListener("click", () => {
    const source = workflow?.state === "succeeded" ? { workflow_id: workflow.id }
      : { job_id: job.id };
    onPublish(source, heading.textContent);
  });

  draw();
  return {
    el: card,
    /** Load the player (its first frame is the poster): once, when the card is in view. */
    show() {
      if (shown) return;
      shown = true;
      openPlayer();
    },
    /** The workflow this render belongs to (read, or from its last stage event). */
    setWorkflow(read) {
      workflow = read;
      const text = read.params?.topic ?? read.params?.script;
      if (text) heading.textContent = text.length > 80 ? `${text.slice(0, 79)}…` : text;
      picker.setAttribute("aria-label", `Version of ${heading.textContent}`);
      draw();
    },
  };
}
