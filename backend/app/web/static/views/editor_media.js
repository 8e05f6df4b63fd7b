// Pictures the editor shows, fetched with the bearer token and kept as blob URLs for the
// screen's life: scene thumbnails and the transitions' rendered previews.

import { API, auth } from "../api.js";

const MAX_PARALLEL = 6; // a browser's connections per origin over HTTP/1.1

/** Blob URLs by request path, fetched at most MAX_PARALLEL at a time; `release()` frees them. */
export function createMediaCache() {
  const urls = new Map(); // path -> Promise<string|null>
  const queue = [];
  let running = 0;

  function pump() {
    while (running < MAX_PARALLEL && queue.length) {
      const { path, resolve } = queue.shift();
      running++;
      fetch(API + path, { headers: auth.header() })
        .then(async (r) => (r.ok ? URL.createObjectURL(await r.blob()) : null))
        .catch(() => null)
        .then((url) => {
          running--;
          resolve(url);
          pump();
        });
    }
  }

  function get(path) {
    if (!urls.has(path)) {
      urls.set(path, new Promise((resolve) => {
        queue.push({ path, resolve });
        pump();
      }));
    }
    return urls.get(path);
  }

  return {
    /** A scene's picture: the user's own asset's thumbnail, else the library's preview. */
    async thumbnail(assetId, shared) {
      if (!shared) {
        const own = await get(`/assets/${assetId}/thumbnail`);
        if (own) return own;
      }
      return get(`/library/${assetId}/preview`);
    },
    /** The one-second MP4 of a transition kind (null when it has no single look). */
    transition(name) {
      return get(`/transitions/${encodeURIComponent(name)}/preview`);
    },
    release() {
      for (const promise of urls.values()) promise.then((url) => url && URL.revokeObjectURL(url));
      urls.clear();
    },
  };
}
