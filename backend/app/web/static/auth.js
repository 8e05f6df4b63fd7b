// The sign-in / create-account form: OAuth2 password form to /auth/token.

import { api, auth } from "./api.js";
import { clearErrors, showErrors } from "./dom.js";

const TEXT = {
  signin: { title: "Sign in", submit: "Sign in", lead: "New here?", other: "Create an account",
            autocomplete: "current-password" },
  register: { title: "Create an account", submit: "Create account",
              lead: "Already have an account?", other: "Sign in",
              autocomplete: "new-password" },
};

async function signIn(email, password) {
  const form = new URLSearchParams({ username: email, password });
  auth.save(await api("/auth/token", { method: "POST", form }), email);
}

/** Wire the form; `onSignedIn` runs once a token is saved. */
export function setupAuth(onSignedIn) {
  const form = document.getElementById("auth-form");
  const submit = document.getElementById("auth-submit");
  let mode = "signin";

  function setMode(next) {
    mode = next;
    const text = TEXT[mode];
    document.getElementById("auth-title").textContent = text.title;
    document.getElementById("auth-switch-lead").textContent = text.lead;
    document.getElementById("auth-switch").textContent = text.other;
    document.getElementById("auth-password").autocomplete = text.autocomplete;
    submit.textContent = text.submit;
    clearErrors(form);
  }

  document.getElementById("auth-switch").addEventListener("click", () => {
    setMode(mode === "signin" ? "register" : "signin");
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const email = form.email.value.trim();
    const password = form.password.value;
    submit.disabled = true;
    try {
      if (mode === "register") {
        await api("/auth/register", { method: "POST", json: { email, password } });
      }
      await signIn(email, password);
      form.reset();
      setMode("signin");
      onSignedIn();
    } catch (error) {
      showErrors(form, error);
    } finally {
      submit.disabled = false;
    }
  });

  return {
    show(message) {
      clearErrors(form);
      if (message) form.querySelector('[data-error-for=""]').textContent = message;
    },
  };
}
