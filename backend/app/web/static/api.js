// Calls to the public API with the bearer token, turning error bodies into ApiError.

export const API = "/api/v1";
const TOKEN_KEY = "reelforge.token";

/** An answer of the form {"error": {"code", "message", "field", "details"?}}. */
export class ApiError extends Error {
  constructor(status, { code = "http_error", message, field = null, details = null } = {}) {
    super(message || `request failed (${status})`);
    this.status = status;
    this.code = code;
    this.field = field;
    this.details = details;
  }
}

/** The signed-in session; the token lives in sessionStorage, so it ends with the tab. */
export const auth = {
  get token() {
    const saved = JSON.parse(sessionStorage.getItem(TOKEN_KEY) || "null");
    return saved && saved.expiresAt > Date.now() ? saved.token : null;
  },
  get email() {
    return JSON.parse(sessionStorage.getItem(TOKEN_KEY) || "null")?.email ?? null;
  },
  save(tokenRead, email) {
    const expiresAt = Date.now() + tokenRead.expires_in * 1000;
    sessionStorage.setItem(TOKEN_KEY, JSON.stringify({ token: tokenRead.access_token, email,
                                                       expiresAt }));
  },
  clear(reason = "signed-out") {
    sessionStorage.removeItem(TOKEN_KEY);
    window.dispatchEvent(new CustomEvent("reelforge:signed-out", { detail: { reason } }));
  },
  header() {
    return this.token ? { Authorization: `Bearer ${this.token}` } : {};
  },
};

async function errorOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON (a proxy's page, say): fall back to the status line
  }
  return new ApiError(response.status, body?.error ?? { message: response.statusText });
}

/**
 * Call the API: `json` sends a JSON body, `form` a FormData or URLSearchParams.
 * Returns the parsed body (null for 204); throws ApiError on a non-2xx answer.
 */
export async function api(path, { method = "GET", json, form, headers = {} } = {}) {
  const init = { method, headers: { Accept: "application/json", ...auth.header(), ...headers } };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers["Content-Type"] = "application/json";
  } else if (form !== undefined) {
    init.body = form;
  }
  let response;
  try {
    response = await fetch(API + path, init);
  } catch {
    throw new ApiError(0, { code: "network_error", message: "the server could not be reached" });
  }
  if (response.status === 401 && path !== "/auth/token") {
    auth.clear("expired"); // wrong credentials at sign-in are a field error, not an expiry
  }
  if (!response.ok) {
    throw await errorOf(response);
  }
  return response.status === 204 ? null : response.json();
}

/**
 * The signed, token-free URL of a finished job's video, for a <video> element.
 * The API answers with a 307 to it; fetch follows (keeping the headers on the same origin)
 * and asks for one byte only, so `response.url` names the signed file cheaply.
 */
export async function signedResultUrl(jobId) {
  const response = await fetch(`${API}/tasks/${jobId}/result?signed=true`, {
    headers: { ...auth.header(), Range: "bytes=0-0" },
  });
  if (!response.ok) {
    throw await errorOf(response);
  }
  await response.body?.cancel();
  return response.url;
}
