// The page's shared state: the user's assets and the photos picked for the next video.

const events = new EventTarget();

export const state = {
  assets: [],
  selection: [], // image asset ids, in display order

  images() {
    return this.assets.filter((a) => a.kind === "image");
  },
  audio() {
    return this.assets.filter((a) => a.kind === "audio");
  },
  asset(id) {
    return this.assets.find((a) => a.id === id);
  },

  on(name, listener) {
    events.addEventListener(name, listener);
  },
  emit(name) {
    events.dispatchEvent(new Event(name));
  },
};
