// The player of a finished job: a <video> on the job's signed, token-free result URL.

import { signedResultUrl } from "./api.js";
import { h } from "./dom.js";

/** Fill `box` with a player and a download link; a link that expired is signed again once. */
export async function openPlayer(box, job) {
  box.replaceChildren(h("p", { class: "muted small" }, "Loading video…"));
  let url;
  try {
    url = await signedResultUrl(job.id);
  } catch (error) {
    box.replaceChildren(h("p", { class: "error", role: "alert" }, error.message));
    return;
  }
  let renewed = false;
  const video = h("video", { controls: true, preload: "metadata", playsInline: true, src: url,
                             "aria-label": "Finished video" });
  const download = h("a", { href: url, download: `reelforge-${job.id}.mp4`, class: "button ghost" },
                     "Download");
  video.addEventListener("error", async () => {
    if (renewed) return;
    renewed = true;
    try {
      const at = video.currentTime;
      download.href = video.src = await signedResultUrl(job.id);
      video.currentTime = at;
    } catch {
      // the job or its file is gone: the browser's own error state stays on screen
    }
  });
  box.replaceChildren(video, h("div", { class: "player-actions" }, download));
}
