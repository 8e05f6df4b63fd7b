// A small SVG line chart (createElementNS, styled from app.css): time on x, seconds on y,
// one line per series told apart by dash pattern as well as colour, with a text summary
// as its accessible name.

const NS = "http://www.w3.org/2000/svg";
const W = 480; // narrow, so the labels stay readable when a phone scales the chart down
const H = 200;
const PAD = { left: 56, right: 14, top: 12, bottom: 28 };

function el(tag, attrs = {}, ...children) {
  const node = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  node.append(...children);
  return node;
}

/** A round step for `max / 4` ticks: 1, 2 or 5 times a power of ten. */
function niceStep(max) {
  const raw = max / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
}

function clock(ms, spanMs) {
  const options = spanMs > 12 * 3600e3 ? { weekday: "short", hour: "2-digit", minute: "2-digit" }
    : { hour: "2-digit", minute: "2-digit" };
  return new Date(ms).toLocaleString(undefined, options);
}

/**
 * `series`: [{ label, points: [{ t: Date|ms, v: number|null }] }]; the x axis spans
 * `from`..`to` (ms). `format(v)` writes a value for the axis and the summary.
 */
export function lineChart({ title, series, from, to, format }) {
  const x0 = PAD.left;
  const x1 = W - PAD.right;
  const y0 = H - PAD.bottom;
  const y1 = PAD.top;
  const values = series.flatMap((s) => s.points.map((p) => p.v)).filter((v) => v !== null);
  const peak = Math.max(...values, 0) * 1.05 || 1; // all zero: an axis up to 1 s
  const step = niceStep(peak);
  const top = step * Math.ceil(peak / step);
  const span = Math.max(1, to - from);
  const x = (t) => x0 + ((Number(t) - from) / span) * (x1 - x0);
  const y = (v) => y0 - (v / top) * (y0 - y1);

  const latest = series.map((s) => {
    const last = [...s.points].reverse().find((p) => p.v !== null);
    return last ? `${s.label} ${format(last.v)}` : `${s.label} no data`;
  });
  const summary = `${title}: latest ${latest.join(", ")}; highest ${format(Math.max(...values, 0))}`;
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img",
                          "aria-label": summary, focusable: "false" },
                 el("title", {}, summary));

  for (let v = 0; v <= top + step / 2; v += step) {
    svg.append(el("line", { class: "chart-grid", x1: x0, x2: x1, y1: y(v), y2: y(v) }),
               el("text", { class: "chart-label", x: x0 - 6, y: y(v) + 4, "text-anchor": "end" },
                  format(v)));
  }
  for (const [t, anchor] of [[from, "start"], [from + span / 2, "middle"], [to, "end"]]) {
    svg.append(el("text", { class: "chart-label", x: x(t), y: H - 8, "text-anchor": anchor },
                  clock(t, span)));
  }
  series.forEach((s, index) => {
    const points = s.points.filter((p) => p.v !== null);
    const klass = `chart-series s${index}`;
    if (points.length > 1) {
      svg.append(el("polyline", { class: klass, fill: "none",
                                  points: points.map((p) => `${x(p.t)},${y(p.v)}`).join(" ") }));
    }
    for (const p of points) {
      svg.append(el("circle", { class: klass, cx: x(p.t), cy: y(p.v), r: 3 }));
    }
  });
  return svg;
}

/** A legend in HTML for the same series (the line styles drawn as small SVG samples). */
export function legend(labels) {
  const list = document.createElement("ul");
  list.className = "chart-legend";
  labels.forEach((label, index) => {
    const item = document.createElement("li");
    const sample = el("svg", { viewBox: "0 0 24 8", class: "chart-sample", "aria-hidden": "true" },
                      el("line", { class: `chart-series s${index}`, x1: 0, x2: 24, y1: 4, y2: 4 }));
    item.append(sample, document.createTextNode(label));
    list.append(item);
  });
  return list;
}
