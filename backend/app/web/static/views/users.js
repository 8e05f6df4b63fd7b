// Users: accounts newest first with a search by email (GET /admin/users), each one's plan
// changed from the API's plans (GET /admin/plans, PUT /admin/users/{id}/plan) and
// deactivation (POST /admin/users/{id}/deactivate, which also ends its sessions).

import { api } from "../api.js";
import { clearErrors, formatTime, h, showErrors, toast } from "../dom.js";
import { confirmStep } from "./account_parts.js";
import { screenHead, tableBox } from "./ops_ui.js";

export const title = "Users";

const PAGE = 50;

export function mount(root, ctx) {
  let offset = Number.parseInt(ctx.params.get("offset") ?? "0", 10) || 0;
  const email = ctx.params.get("email") ?? "";
  const { head, updated, stamp } = screenHead("users-title", "Users");
  const search = h("form", { class: "card ops-filters ops-search", role: "search", novalidate: true },
    h("div", { class: "field" }, h("label", { for: "users-email" }, "Email contains"),
      h("input", { id: "users-email", name: "email", type: "search", value: email,
                   autocomplete: "off" }),
      h("p", { class: "field-error", "data-error-for": "email" })),
    h("button", { type: "submit", class: "primary" }, "Search"));
  const rows = h("tbody");
  const range = h("p", { class: "muted", role: "status" });
  const previous = h("button", { type: "button", class: "ghost", onclick: () => go(offset - PAGE) },
                     "Previous");
  const next = h("button", { type: "button", class: "ghost", onclick: () => go(offset + PAGE) },
                 "Next");
  root.replaceChildren(h("section", { class: "ops users", "aria-labelledby": "users-title" },
    head, updated, search,
    h("section", { class: "card" },
      tableBox("Accounts", ["Email", "Role", "Plan", "Status", "Created", "Actions"], rows,
               { stack: true }),
      h("div", { class: "ops-pager" }, range, previous, next))));

  function go(to) {
    const params = email ? { email } : {};
    if (to > 0) params.offset = String(to);
    ctx.navigate("users", params);
  }

  search.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = search.elements.email.value.trim();
    offset = 0;
    ctx.navigate("users", value ? { email: value } : {});
  });

  function planCell(user, plans) {
    const id = `plan-${user.id}`;
    const names = plans.includes(user.plan) ? plans : [user.plan, ...plans];
    const select = h("select", { id, name: "plan" },
      ...names.map((name) => h("option", { value: name, selected: name === user.plan }, name)));
    const form = h("form", { class: "ops-plan", novalidate: true },
      h("div", { class: "field" },
        h("label", { for: id, class: "visually-hidden" }, `Plan of ${user.email}`), select,
        h("p", { class: "field-error", "data-error-for": "plan" }),
        h("p", { class: "form-error", "data-error-for": "" })));
    select.addEventListener("change", async () => {
      clearErrors(form);
      select.disabled = true;
      try {
        const saved = await api(`/admin/users/${user.id}/plan`, { method: "PUT",
                                                                 json: { plan: select.value } });
        user.plan = saved.plan;
        toast(`${user.email} is now on the ${saved.plan} plan`);
      } catch (error) {
        select.value = user.plan;
        showErrors(form, error);
      } finally {
        select.disabled = false;
      }
    });
    return form;
  }

  function statusText(user) {
    return user.is_active ? "Active" : "Deactivated";
  }

  function userRow(user, plans) {
    const status = h("td", { class: "ops-status", "data-active": String(user.is_active) },
                     statusText(user));
    const own = user.id === ctx.user.id;
    const deactivate = h("button", { type: "button", class: "ghost small",
      "aria-label": `Deactivate ${user.email}`, hidden: !user.is_active || own,
      onclick: () => confirmStep(deactivate, {
        question: `Deactivate ${user.email}? They are signed out everywhere.`,
        confirmLabel: "Deactivate",
        async action() {
          await api(`/admin/users/${user.id}/deactivate`, { method: "POST" });
          user.is_active = false;
          status.textContent = statusText(user);
          status.dataset.active = "false";
          deactivate.hidden = true;
          toast(`${user.email} is deactivated and signed out everywhere`);
        },
      }) }, "Deactivate");
    status.dataset.label = "Status";
    return h("tr", { "data-user-id": user.id },
      h("th", { scope: "row" }, user.email, own ? h("span", { class: "muted small" }, " (you)") : null),
      h("td", { "data-label": "Role" }, user.role),
      h("td", { "data-label": "Plan" }, planCell(user, plans)), status,
      h("td", { "data-label": "Created" }, formatTime(user.created_at)),
      h("td", { "data-label": "Actions" }, deactivate));
  }

  async function load() {
    const query = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (email) query.set("email", email);
    try {
      const [page, plans] = await Promise.all([api(`/admin/users?${query}`), api("/admin/plans")]);
      const names = plans.map((p) => p.name);
      rows.replaceChildren(...(page.items.length ? page.items.map((u) => userRow(u, names))
        : [h("tr", {}, h("td", { colspan: "6", class: "muted" }, "No account matches."))]));
      const last = page.offset + page.items.length;
      range.textContent = page.total
        ? `${page.offset + 1}–${last} of ${page.total} accounts` : "No accounts";
      previous.disabled = page.offset === 0;
      next.disabled = last >= page.total;
      stamp();
    } catch (error) {
      showErrors(search, error);
    }
  }

  load();
}
