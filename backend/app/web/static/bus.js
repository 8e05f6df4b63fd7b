// The live feed shared with the screens: each subscribes for as long as it is shown.

const listeners = { event: new Set(), ready: new Set() };

/** Call `fn(event)` for each pushed job event; returns the unsubscribe function. */
export function onEvent(fn) {
  listeners.event.add(fn);
  return () => listeners.event.delete(fn);
}

/** Call `fn(resumed)` after each WebSocket handshake (a fresh one means: reload snapshots). */
export function onReady(fn) {
  listeners.ready.add(fn);
  return () => listeners.ready.delete(fn);
}

export function publishEvent(event) {
  for (const fn of [...listeners.event]) fn(event);
}

export function publishReady(resumed) {
  for (const fn of [...listeners.ready]) fn(resumed);
}
