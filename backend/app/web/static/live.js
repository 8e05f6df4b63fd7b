// The user's event stream over the WebSocket: reconnects with backoff and resumes by event id.

import { API, api, auth } from "./api.js";

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 15000;
const CLOSE_LIFETIME = 4000; // the server ends a connection after its lifetime: come back now

/**
 * Follow `/ws`: `onReady(resumed)` after each handshake, `onEvent(event)` for each job event,
 * `onStatus("live" | "connecting" | "offline", retryMs)` for the indicator.
 */
export class LiveEvents {
  constructor({ onReady, onEvent, onStatus }) {
    Object.assign(this, { onReady, onEvent, onStatus });
    this.lastEventId = null; // kept for this page's lifetime only; a reload starts afresh
    this.attempt = 0;
    this.socket = null;
    this.timer = null;
    this.stopped = true;
    this.reconnectNow = () => this.stopped || this.connect();
  }

  start() {
    this.stopped = false;
    window.addEventListener("online", this.reconnectNow);
    this.connect();
  }

  stop() {
    this.stopped = true;
    this.connecting = null;
    window.removeEventListener("online", this.reconnectNow);
    clearTimeout(this.timer);
    this.socket?.close(1000, "signed out");
    this.socket = null;
    this.lastEventId = null;
  }

  /** A one-time ticket, not the token, goes in the URL: URLs end up in logs. */
  url(ticket) {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const query = new URLSearchParams({ ticket });
    if (this.lastEventId) query.set("last_event_id", this.lastEventId);
    return `${scheme}://${location.host}${API}/ws?${query}`;
  }

  async connect() {
    clearTimeout(this.timer);
    if (this.socket) {
      this.socket.onclose = null;
      this.socket.close();
      this.socket = null;
    }
    this.onStatus("connecting");
    const attempt = (this.connecting = {});
    let ticket;
    try {
      ticket = (await api("/ws/ticket", { method: "POST" })).ticket;
    } catch {
      // a 401 has signed the page out already; anything else is retried like a drop
      if (this.connecting === attempt) this.retry();
      return;
    }
    if (this.stopped || this.connecting !== attempt) return; // stopped or superseded
    const socket = new WebSocket(this.url(ticket));
    let ready = false;
    this.socket = socket;
    socket.onmessage = (message) => {
      const event = JSON.parse(message.data);
      if (event.type === "ready") {
        ready = true;
        this.attempt = 0;
        this.onStatus("live");
        this.onReady(this.lastEventId !== null);
      } else if (event.id && (event.job_id || event.workflow_id)) {
        // a workflow's queued and final stages name no job: screens follow workflows too
        this.lastEventId = event.id;
        this.onEvent(event);
      }
    };
    socket.onclose = (close) => {
      if (this.socket !== socket || this.stopped) return;
      this.socket = null;
      if (!ready) this.checkToken(); // a refused handshake looks like any other drop
      this.retry(close.code === CLOSE_LIFETIME ? 0 : null);
    };
  }

  /** An expired token makes the API answer 401, which signs the page out. */
  checkToken() {
    api("/auth/me").catch(() => {});
  }

  retry(delayMs = null) {
    if (this.stopped) return;
    if (!auth.token) {
      auth.clear("expired");
      return;
    }
    const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** this.attempt);
    const wait = delayMs ?? Math.round(base * (0.5 + Math.random() / 2)); // jitter
    this.attempt += 1;
    this.onStatus("offline", wait);
    this.timer = setTimeout(() => this.connect(), wait);
  }
}
