// The dashboard's entry point: switches between signed out and in, and starts the live feed.

import { API, api, auth } from "./api.js";
import { loadAssets, setupAssets } from "./assets.js";
import { setupAuth } from "./auth.js";
import { publishEvent, publishReady } from "./bus.js";
import { loadTransitions, setupCompose } from "./compose.js";
import { toast } from "./dom.js";
import { applyEvent, clearJobs, loadJobs, mergeSnapshot, setupJobs } from "./jobs.js";
import { LiveEvents } from "./live.js";
import { startRouter, stopRouter, VIEWS } from "./router.js";
import { state } from "./state.js";
import { forgetAllThumbs } from "./thumbs.js";

const STATUS_TEXT = { live: "Live", connecting: "Connecting…", offline: "Reconnecting" };

let early = null; // events that arrive while the job list loads after a fresh handshake

function showStatus(name, retryMs) {
  const badge = document.getElementById("live-status");
  badge.dataset.state = name;
  badge.textContent = retryMs ? `${STATUS_TEXT[name]} in ${Math.ceil(retryMs / 1000)} s`
    : STATUS_TEXT[name];
}

const live = new LiveEvents({
  onStatus: showStatus,
  onEvent(event) {
    if (event.job_id) { // a workflow's own stages name no job: not the jobs panel's
      if (early) early.push(event);
      else applyEvent(event);
    }
    publishEvent(event); // the screens merge events into their own snapshots
  },
  async onReady(resumed) {
    publishReady(resumed);
    if (resumed) return; // the server replays everything after our last event id
    early = [];
    try {
      await loadJobs();
    } catch (error) {
      toast(`Could not load jobs: ${error.message}`, "error");
    }
    const pending = early;
    early = null;
    for (const event of pending ?? []) applyEvent(event); // none if signed out meanwhile
  },
});

function showApp() {
  document.getElementById("auth-view").hidden = true;
  document.getElementById("app-view").hidden = false;
  document.getElementById("account").hidden = false;
  document.getElementById("account-email").textContent = auth.email ?? "";
  loadAssets().catch((error) => toast(`Could not load media: ${error.message}`, "error"));
  loadTransitions()
    .catch((error) => toast(`Could not load transitions: ${error.message}`, "error"));
  live.start(); // the job list loads once the feed is up, so no event falls in between
  route().catch((error) => toast(`Could not load your account: ${error.message}`, "error"));
}

/** Projects are the home screen once the user has one; until then the slideshow is. */
async function route() {
  const me = await api("/auth/me");
  let home = "studio";
  if (VIEWS.projects) {
    if ((await api("/projects")).length) home = "projects";
  }
  await startRouter(me, () => home);
}

function showSignIn(message) {
  live.stop();
  stopRouter();
  early = null;
  state.assets = [];
  state.selection = [];
  state.emit("assets");
  state.emit("selection");
  clearJobs();
  document.getElementById("app-view").hidden = true;
  document.getElementById("account").hidden = true;
  document.getElementById("auth-view").hidden = false;
  signIn.show(message);
  document.getElementById("auth-email").focus();
}

const signIn = setupAuth(showApp);
setupAssets();
setupCompose((job) => mergeSnapshot(job));
setupJobs();

document.getElementById("sign-out").addEventListener("click", () => {
  // revoked on the server too, not only forgotten by this tab
  const headers = auth.header();
  fetch(`${API}/auth/logout`, { method: "POST", headers, keepalive: true }).catch(() => {});
  auth.clear();
});
window.addEventListener("reelforge:signed-out", (event) => {
  forgetAllThumbs();
  showSignIn(event.detail.reason === "expired" ? "Your session has expired. Sign in again." : "");
});

if (auth.token) showApp();
else showSignIn();
