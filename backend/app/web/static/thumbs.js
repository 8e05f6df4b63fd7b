// Thumbnails of uploaded photos, drawn in the browser from the file the user picked.
//
// The API stores photos but offers no way to read one back, so the page keeps a small JPEG
// of each photo it uploaded, per tab, keyed by asset id. Photos uploaded elsewhere show
// their size instead.

const PREFIX = "reelforge.thumb.";
const EDGE_PX = 240; // twice the tile size, sharp on high-density screens
const QUALITY = 0.8;

/** A small JPEG data URL of an image file. */
async function draw(file) {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, EDGE_PX / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return canvas.toDataURL("image/jpeg", QUALITY);
}

/** Remember a thumbnail of `file` for `assetId`; a failure only costs the picture. */
export async function rememberThumb(assetId, file) {
  try {
    sessionStorage.setItem(PREFIX + assetId, await draw(file));
  } catch {
    // undecodable here or storage full: the tile falls back to the photo's size
  }
}

export function thumbFor(assetId) {
  return sessionStorage.getItem(PREFIX + assetId);
}

export function forgetThumb(assetId) {
  sessionStorage.removeItem(PREFIX + assetId);
}

export function forgetAllThumbs() {
  for (const key of Object.keys(sessionStorage)) {
    if (key.startsWith(PREFIX)) sessionStorage.removeItem(key);
  }
}
