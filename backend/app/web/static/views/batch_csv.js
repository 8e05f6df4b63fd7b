// A CSV of topics to batch items: RFC 4180 parsing, the header's columns mapped to the
// fields a batch item's overrides take, and each row's problems said as a person would.

/** Columns a person may use → how each cell becomes part of the item. */
const COLUMNS = {
  topic: { field: "topic", text: true },
  script: { field: "script", text: true },
  tone: { field: "tone", text: true },
  audience: { field: "audience", text: true },
  language: { field: "language", text: true },
  duration_s: { field: "duration_s", number: "duration must be a number of seconds" },
  seed: { field: "seed", integer: "seed must be a whole number" },
  priority: { field: "priority", integer: "priority must be a whole number from 0 to 10" },
  voice_id: { field: "voice_id", text: true },
  platforms: { field: "platforms", list: true },
  quality: { field: "video.quality", text: true },
  captions: { field: "video.captions", text: true },
  project_id: { item: "project_id" },
};
// what people also write for the same columns
const ALIASES = { duration: "duration_s", seconds: "duration_s", voice: "voice_id",
                  platform: "platforms", project: "project_id", target_audience: "audience" };
export const KNOWN_COLUMNS = Object.keys(COLUMNS);
export const MAX_ROWS = 500;

/** Rows of cells; quotes may hold commas, newlines and doubled quotes. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = "";
  let quoted = false;
  const src = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < src.length; i += 1) {
    const c = src[i];
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === "") quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && src[i + 1] === "\n") i += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += c;
  }
  if (cell !== "" || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => r.some((c) => c.trim() !== ""));
}

function columnOf(name) {
  const key = name.trim().toLowerCase().replace(/[\s-]+/g, "_");
  return COLUMNS[key] ? key : ALIASES[key] ?? null;
}

function setPath(target, path, value) {
  const [head, rest] = path.split(".");
  if (rest) target[head] = { ...(target[head] ?? {}), [rest]: value };
  else target[head] = value;
}

function cellValue(spec, raw, problems) {
  if (spec.number) {
    const n = Number(raw);
    if (!Number.isFinite(n)) problems.push(spec.number);
    return n;
  }
  if (spec.integer) {
    const n = Number(raw);
    if (!Number.isInteger(n)) problems.push(spec.integer);
    return n;
  }
  if (spec.list) return raw.split(/[|;]/).map((p) => p.trim().toLowerCase()).filter(Boolean);
  return raw;
}

/**
 * The batch a CSV describes: { columns, headerError, rows: [{ number, title, item, problems }] }.
 * Row numbers count data rows from 1, as the preview shows them.
 */
export function readBatch(text) {
  const table = parseCsv(text);
  if (!table.length) return { columns: [], headerError: null, rows: [] };
  const header = table[0].map((c) => c.trim());
  const columns = header.map(columnOf);
  const unknown = header.filter((name, i) => name && !columns[i]);
  let headerError = null;
  if (unknown.length) {
    headerError = `The first row names columns; "${unknown.join('", "')}" is not one of: `
      + `${KNOWN_COLUMNS.join(", ")}.`;
  } else if (!columns.includes("topic") && !columns.includes("script")
             && !columns.includes("project_id")) {
    headerError = "The first row names columns and needs a topic (or script) column.";
  }
  const rows = table.slice(1).map((cells, i) => {
    const problems = [];
    const overrides = {};
    const item = { overrides };
    columns.forEach((key, c) => {
      const raw = (cells[c] ?? "").trim();
      if (!key || raw === "") return;
      const spec = COLUMNS[key];
      if (spec.item) item[spec.item] = /^\d+$/.test(raw) ? Number(raw) : raw;
      else setPath(overrides, spec.field, cellValue(spec, raw, problems));
    });
    if (cells.length > header.length && cells.slice(header.length).some((c) => c.trim())) {
      problems.push(`it has ${cells.length} cells but the first row names ${header.length}`);
    }
    if (overrides.topic && overrides.script) problems.push("give a topic or a script, not both");
    else if (!overrides.topic && !overrides.script && !item.project_id) {
      problems.push("a topic (or a script) is needed");
    }
    const title = overrides.topic ?? overrides.script ?? `project ${item.project_id ?? ""}`;
    return { number: i + 1, title, item, problems };
  });
  return { columns: header, headerError, rows };
}

/** "items[2].duration_s" (or "items.2.duration_s") → { index: 2, field: "duration_s" }. */
export function itemOfField(field) {
  const match = /^items(?:\[(\d+)\]|\.(\d+))\.?(.*)$/.exec(field ?? "");
  if (!match) return null;
  return { index: Number(match[1] ?? match[2]), field: match[3] || null };
}

// the validator's phrasing, said as a person would after the column's name
const REWORD = [
  [/^Input should be greater than or equal to (.+)$/, "must be at least $1"],
  [/^Input should be greater than (.+)$/, "must be more than $1"],
  [/^Input should be less than or equal to (.+)$/, "must be at most $1"],
  [/^Input should be less than (.+)$/, "must be less than $1"],
  [/^String should have at least (\d+) characters?$/, "needs at least $1 characters"],
  [/^String should have at most (\d+) characters?$/, "may have at most $1 characters"],
  [/^List should have at most (\d+) items?.*$/, "may list at most $1"],
  [/^Input should be (.+)$/, "must be $1"],
  [/^Value error, (.+)$/, "$1"],
];

/** A server error about one item, in the row's words: "duration_s must be at least 12". */
export function rowMessage(error, field) {
  const message = String(error.message ?? "");
  let text = message.startsWith(`${error.field}: `)
    ? message.slice(error.field.length + 2) : message;
  const rule = REWORD.find(([pattern]) => pattern.test(text));
  if (rule) text = text.replace(rule[0], rule[1]);
  const column = (field ?? "").replace(/^overrides\./, "").replace(/^video\./, "");
  if (!column) return text;
  return /^(must|needs|may) /.test(text) ? `${column} ${text}` : `${column}: ${text}`;
}
