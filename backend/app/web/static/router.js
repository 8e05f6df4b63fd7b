// Screens by URL hash (#/name?key=value): the registry below is the one list of them; the
// nav is built from it, admin screens only for admins.

import { onEvent, onReady } from "./bus.js";
import { h, toast } from "./dom.js";

/**
 * name → { label, load, admin? }. A screen module exports `title` and
 * `mount(root, ctx)`, which may return a cleanup function; ctx is
 * { params, navigate, onEvent, onReady, user }, and subscriptions made through ctx end
 * when the screen is left. "studio" is the slideshow screen kept in index.html.
 */
export const VIEWS = {
  projects: { label: "Projects", load: () => import("./views/projects.js") },
  reel: { label: "Topic → reel", load: () => import("./views/reel.js") },
  editor: { label: "Timeline editor", load: () => import("./views/editor.js") },
  studio: { label: "Slideshow" },
  batches: { label: "Batches", load: () => import("./views/batches.js") },
  results: { label: "Results", load: () => import("./views/results.js") },
  account: { label: "Account", load: () => import("./views/account.js") },
  fleet: { label: "Fleet", load: () => import("./views/fleet.js"), admin: true },
  "dead-letters": { label: "Dead letters", load: () => import("./views/dead_letters.js"),
                    admin: true },
  performance: { label: "Performance", load: () => import("./views/performance.js"),
                 admin: true },
  users: { label: "Users", load: () => import("./views/users.js"), admin: true },
};

let current = null; // { name, cleanup: [] }
let user = null;

export function parseHash(hash = location.hash) {
  const [path, query = ""] = hash.replace(/^#\/?/, "").split("?");
  return { name: path || "", params: new URLSearchParams(query) };
}

export function navigate(name, params = {}) {
  const query = new URLSearchParams(params).toString();
  location.hash = `#/${name}${query ? `?${query}` : ""}`;
}

function allowed(name) {
  const view = VIEWS[name];
  return !!view && (!view.admin || user?.role === "admin");
}

function buildNav() {
  const nav = document.getElementById("nav");
  const links = Object.entries(VIEWS).filter(([name]) => allowed(name)).map(([name, view]) =>
    h("a", { href: `#/${name}`, "data-view": name, class: view.admin ? "admin" : null },
      view.label));
  nav.replaceChildren(...links);
  nav.hidden = false;
}

function markCurrent(name) {
  for (const link of document.querySelectorAll("#nav a")) {
    if (link.dataset.view === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function leave() {
  for (const fn of current?.cleanup ?? []) fn();
  current = null;
  document.getElementById("view-root").replaceChildren();
}

async function show(defaultName) {
  const { name: asked, params } = parseHash();
  const name = allowed(asked) ? asked : defaultName();
  if (name !== asked) {
    history.replaceState(null, "", `#/${name}`);
  }
  leave();
  markCurrent(name);
  const studio = name === "studio";
  document.getElementById("app-view").hidden = !studio;
  const root = document.getElementById("view-root");
  root.hidden = studio;
  const mine = (current = { name, cleanup: [] });
  if (studio) {
    document.title = "Slideshow · Reelforge";
    return;
  }
  let module;
  try {
    module = await VIEWS[name].load();
  } catch (error) {
    toast(`Could not load this screen: ${error.message}`, "error");
    return;
  }
  if (current !== mine) return; // left while loading
  document.title = `${module.title} · Reelforge`;
  const ctx = {
    params,
    user,
    navigate,
    onEvent: (fn) => mine.cleanup.push(onEvent(fn)),
    onReady: (fn) => mine.cleanup.push(onReady(fn)),
  };
  const cleanup = module.mount(root, ctx);
  if (typeof cleanup === "function") mine.cleanup.push(cleanup);
  root.querySelector("h1, h2")?.setAttribute("tabindex", "-1");
}

let started = false;
let fallback = () => "studio";

/** Start (or restart after sign-in) routing for `me`; `home()` names the default screen. */
export function startRouter(me, home) {
  user = me;
  fallback = home;
  buildNav();
  if (!started) {
    started = true;
    window.addEventListener("hashchange", () => user && show(fallback));
  }
  return show(fallback);
}

export function stopRouter() {
  user = null;
  leave();
  document.getElementById("nav").hidden = true;
}
