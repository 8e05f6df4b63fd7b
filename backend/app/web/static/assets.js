// The media panel: upload photos and audio, list them, pick photos for the next video.

import { api } from "./api.js";
import { formatBytes, formatSeconds, h, toast, withoutPrefix } from "./dom.js";
import { state } from "./state.js";
import { forgetThumb, rememberThumb, thumbFor } from "./thumbs.js";

const LIST_LIMIT = 500;

function kindOf(file) {
  if (file.type.startsWith("image/")) return "image";
  if (file.type.startsWith("audio/")) return "audio";
  return null; // let the server sniff it and say what it is not
}

async function uploadOne(file, log) {
  const entry = h("li", {}, h("span", { class: "name" }, file.name),
                  h("span", { class: "status" }, "Uploading…"));
  log.prepend(entry);
  const form = new FormData();
  form.append("file", file, file.name);
  const kind = kindOf(file);
  if (kind) form.append("kind", kind);
  try {
    const asset = await api("/assets", { method: "POST", form });
    if (asset.kind === "image") await rememberThumb(asset.id, file);
    state.assets.unshift(asset);
    // fresh photos join the video in upload order, ready to render
    if (asset.kind === "image") state.selection.push(asset.id);
    state.emit("assets");
    state.emit("selection");
    entry.remove();
  } catch (error) {
    entry.classList.add("error");
    entry.lastChild.textContent = withoutPrefix(error.field, error.message);
    entry.setAttribute("role", "alert");
  }
}

async function uploadAll(files) {
  const log = document.getElementById("upload-log");
  for (const old of log.querySelectorAll(".error")) old.remove();
  for (const file of files) await uploadOne(file, log); // one at a time: uploads can be large
}

async function remove(asset) {
  try {
    await api(`/assets/${asset.id}`, { method: "DELETE" });
  } catch (error) {
    toast(`Could not delete ${asset.filename}: ${error.message}`, "error");
    return;
  }
  forgetThumb(asset.id);
  state.assets = state.assets.filter((a) => a.id !== asset.id);
  state.selection = state.selection.filter((id) => id !== asset.id);
  state.emit("assets");
  state.emit("selection");
}

function toggle(asset) {
  const at = state.selection.indexOf(asset.id);
  if (at >= 0) state.selection.splice(at, 1);
  else state.selection.push(asset.id);
  state.emit("selection");
}

/** A photo's picture: its thumbnail when this tab uploaded it, else its size. */
export function picture(asset) {
  const src = thumbFor(asset.id);
  return src
    ? h("img", { src, alt: "", loading: "lazy" })
    : h("span", { class: "placeholder" }, `${asset.width}×${asset.height}`);
}

function imageTile(asset) {
  const order = state.selection.indexOf(asset.id) + 1;
  return h("li", { class: "tile", "data-asset-id": asset.id },
    h("button", { type: "button", class: "pick", "aria-pressed": String(order > 0),
                  "aria-label": `${order ? "Remove" : "Add"} ${asset.filename}` +
                                `${order ? ` (photo ${order})` : ""}`,
                  onclick: () => toggle(asset) },
      picture(asset), order ? h("span", { class: "badge" }, String(order)) : null),
    h("span", { class: "caption", title: asset.filename }, asset.filename),
    h("button", { type: "button", class: "delete", "aria-label": `Delete ${asset.filename}`,
                  title: "Delete", onclick: () => remove(asset) }, "×"));
}

function audioRow(asset) {
  return h("li", { "data-asset-id": asset.id },
    h("span", { class: "name" }, asset.filename),
    h("span", { class: "muted small" },
      `${formatSeconds(asset.duration_s)} · ${formatBytes(asset.size_bytes)}`),
    h("button", { type: "button", class: "ghost small", "aria-label": `Delete ${asset.filename}`,
                  onclick: () => remove(asset) }, "Delete"));
}

function render() {
  const images = state.images();
  document.getElementById("image-count").textContent = images.length ? `(${images.length})` : "";
  document.getElementById("images-hint").textContent = images.length
    ? "Select photos in the order they should appear."
    : "No photos yet.";
  document.getElementById("image-list").replaceChildren(...images.map(imageTile));
  const audio = state.audio();
  document.getElementById("audio-list").replaceChildren(...(audio.length
    ? audio.map(audioRow)
    : [h("li", { class: "muted small" }, "No audio yet.")]));
}

export async function loadAssets() {
  state.assets = await api(`/assets?limit=${LIST_LIMIT}`);
  state.selection = state.selection.filter((id) => state.asset(id));
  state.emit("assets");
  state.emit("selection");
}

export function setupAssets() {
  const input = document.getElementById("upload-input");
  const zone = document.getElementById("dropzone");
  input.addEventListener("change", async () => {
    const files = [...input.files];
    input.value = "";
    await uploadAll(files);
  });
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    uploadAll([...event.dataTransfer.files]);
  });
  state.on("assets", render);
  state.on("selection", render);
}
