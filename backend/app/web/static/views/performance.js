// Performance: failure-rate alerts (the queues' thresholds applied per task type over the
// last hour), the last hour's figures per task (GET /tasks/stats/performance) and run time
// and queue wait percentiles over time (GET /tasks/stats/performance/history) as charts.
// No events carry these figures, so the screen refreshes every 30 s while shown.

import { api } from "../api.js";
import { h, toast } from "../dom.js";
import { legend, lineChart } from "./chart.js";
import { everyFew, healthBadge, percent, screenHead, seconds, tableBox } from "./ops_ui.js";

export const title = "Performance";

const REFRESH_MS = 30_000;
const PERIODS = [["6", 5, "Last 6 hours"], ["24", 15, "Last 24 hours"],
                 ["168", 60, "Last 7 days"]];
const WINDOW_MINUTES = 60;

function alertItem(alert, body) {
  const at = alert.level === "critical" ? body.failure_critical_ratio : body.failure_warning_ratio;
  return h("li", { class: "ops-alert", "data-level": alert.level, "data-task": alert.task_name },
    healthBadge(alert.level), " ", h("strong", {}, alert.task_name),
    `: ${percent(alert.failure_ratio)} of ${alert.finished} jobs failed in the last `
    + `${body.alert_window_minutes} minutes (${alert.level} from ${percent(at)}).`);
}

function taskRow(task) {
  return h("tr", { "data-task": task.task_name },
    h("th", { scope: "row" }, task.task_name),
    h("td", {}, `${task.succeeded} / ${task.failed}`),
    h("td", {}, percent(task.success_rate)), h("td", {}, percent(task.retry_rate)),
    h("td", {}, `${seconds(task.run_time_p50_s)} / ${seconds(task.run_time_p95_s)}`),
    h("td", {}, `${seconds(task.queue_wait_p50_s)} / ${seconds(task.queue_wait_p95_s)}`));
}

function taskCharts(series, from, to) {
  const points = (field) => series.points.map((p) => ({ t: Date.parse(p.bucket_start),
                                                        v: p[field] }));
  const chart = (label, measure) => h("figure", { class: "ops-chart" },
    h("figcaption", {}, label),
    lineChart({ title: `${series.task_name} ${label.toLowerCase()}`, from, to, format: seconds,
                series: [{ label: "p50", points: points(`${measure}_p50_s`) },
                         { label: "p95", points: points(`${measure}_p95_s`) }] }),
    legend(["median (p50)", "95th percentile (p95)"]));
  const finished = series.points.reduce((n, p) => n + p.succeeded + p.failed, 0);
  return h("section", { class: "card ops-task", "data-task": series.task_name,
                        "aria-label": `${series.task_name} over time` },
    h("h3", {}, series.task_name, h("span", { class: "muted small" }, ` · ${finished} finished`)),
    h("div", { class: "ops-charts" }, chart("Run time", "run_time"),
      chart("Queue wait", "queue_wait")));
}

export function mount(root, ctx) {
  const period = PERIODS.find(([hours]) => hours === ctx.params.get("hours")) ?? PERIODS[1];
  const periodSelect = h("select", { id: "perf-period", onchange: () => {
    ctx.navigate("performance", { hours: periodSelect.value }); // the period lives in the URL
  } }, ...PERIODS.map(([hours, , label]) => h("option", { value: hours,
                                                          selected: hours === period[0] }, label)));
  const refreshButton = h("button", { type: "button", class: "ghost", onclick: () => loop.refresh() },
                          "Refresh");
  const { head, updated, stamp } = screenHead("perf-title", "Performance",
    h("span", { class: "ops-inline" }, h("label", { for: "perf-period" }, "Period"), periodSelect),
    refreshButton);
  const alerts = h("div", { class: "ops-alerts" });
  const rows = h("tbody");
  const charts = h("div", { class: "ops-task-list" });
  root.replaceChildren(h("section", { class: "ops performance", "aria-labelledby": "perf-title" },
    head, updated,
    h("section", { class: "card", "aria-labelledby": "alerts-title" },
      h("h2", { id: "alerts-title" }, "Failure-rate alerts"), alerts),
    h("section", { class: "card", "aria-labelledby": "hour-title" },
      h("h2", { id: "hour-title" }, "Last hour per task type"),
      tableBox("Last hour per task type", ["Task type", "Succeeded / failed", "Success rate",
                                           "Retried", "Run time p50 / p95",
                                           "Queue wait p50 / p95"], rows)),
    h("section", { "aria-labelledby": "history-title" },
      h("h2", { id: "history-title" }, "Over time"), charts)));

  async function load() {
    const [hours, bucket] = period;
    try {
      const [now, history] = await Promise.all([
        api(`/tasks/stats/performance?window_minutes=${WINDOW_MINUTES}`),
        api(`/tasks/stats/performance/history?hours=${hours}&bucket_minutes=${bucket}`)]);
      alerts.replaceChildren(history.alerts.length
        ? h("ul", { class: "ops-alert-list" }, ...history.alerts.map((a) => alertItem(a, history)))
        : h("p", { class: "muted" }, `No task type fails at ${percent(history.failure_warning_ratio)}`
            + ` or more in the last ${history.alert_window_minutes} minutes.`));
      rows.replaceChildren(...(now.tasks.length ? now.tasks.map(taskRow)
        : [h("tr", {}, h("td", { colspan: "6", class: "muted" }, "Nothing finished in the last hour."))]));
      const to = Date.parse(history.generated_at);
      const from = to - Number(hours) * 3600e3;
      charts.replaceChildren(...(history.series.length
        ? history.series.map((s) => taskCharts(s, from, to))
        : [h("p", { class: "card muted" }, "No job finished in this period.")]));
      stamp();
    } catch (error) {
      toast(`Could not load performance: ${error.message}`, "error");
    }
  }

  const loop = everyFew(REFRESH_MS, load);
  return () => loop.stop();
}
