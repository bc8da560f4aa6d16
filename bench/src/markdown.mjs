// Markdown output: tables, number formats, generated sections between
// marker comments, and a table view of any package's results.json.

/** docs/benchmarks.md lacks a marker pair that the generator fills. */
export class MarkerError extends Error {
  code = 'missing_marker';
}

const escape = (text) => String(text).replaceAll('|', '\\|');

/** A table; the first column is left-aligned, the others right-aligned. */
export function table(header, rows) {
  const line = (cells) => `| ${cells.map(escape).join(' | ')} |`;
  return [line(header), `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`, ...rows.map(line)].join('\n');
}

export const number = (value) => (Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en') : String(Number(value.toPrecision(3))));

/** µs below a millisecond, ms above. */
export const micros = (us) => (us >= 1000 ? `${number(us / 1000)} ms` : `${number(us)} µs`);

export const bytes = (count) => `${count.toLocaleString('en')} B`;

/** A ratio against a target: "0.19 met" or "0.31 MISSED". */
export const verdict = (met) => (met ? 'met' : '**MISSED**');

/** Replaces what lies between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`, keeping all else. */
export function replaceSection(doc, name, content) {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const start = doc.indexOf(open);
  const end = doc.indexOf(close);
  if (start < 0 || end < start) throw new MarkerError(`docs/benchmarks.md has no "${open}" … "${close}" pair`);
  return `${doc.slice(0, start + open.length)}\n${content.trim()}\n${doc.slice(end)}`;
}

const isScalar = (v) => v === null || typeof v !== 'object' || (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object'));

function cell(path, value) {
  if (typeof value === 'boolean') return /met|target|pass/i.test(path.join(' ')) ? verdict(value) : value ? 'yes' : 'no';
  if (typeof value === 'number') return number(value);
  return Array.isArray(value) ? value.join(', ') : String(value ?? '');
}

/** Objects holding scalars become rows: { path, values }. */
function collectRows(value, path, rows) {
  const scalars = Object.entries(value).filter(([, v]) => isScalar(v));
  if (scalars.length > 0 && path.length > 0) rows.push({ path, values: Object.fromEntries(scalars) });
  for (const [key, inner] of Object.entries(value)) if (!isScalar(inner)) collectRows(inner, [...path, key], rows);
}

const MAX_COLUMNS = 7;

/** Splits rows that share a parent into tables of at most MAX_COLUMNS columns. */
function chunks(rows) {
  const out = [];
  for (const row of rows) {
    const parent = row.path.slice(0, -1).join(' › ');
    const last = out.at(-1);
    const columns = new Set([...(last?.columns ?? []), ...Object.keys(row.values)]);
    if (last && last.parent === parent && columns.size <= MAX_COLUMNS) {
      last.rows.push(row);
      last.columns = [...columns];
    } else out.push({ parent, rows: [row], columns: Object.keys(row.values) });
  }
  return out;
}

function render({ parent, rows, columns }) {
  if (rows.length === 1) {
    const [{ path, values }] = rows;
    return table([path.join(' › '), ''], Object.entries(values).map(([key, v]) => [key.trim(), cell([...path, key], v)]));
  }
  return table(
    [parent, ...columns],
    rows.map(({ path, values }) => [path.at(-1).trim(), ...columns.map((c) => (c in values ? cell([...path, c], values[c]) : ''))]),
  );
}

/** A results.json of any shape: its top-level scalars as one line, then tables of its nested figures. */
export function resultTables(results) {
  const meta = Object.entries(results).filter(([key, v]) => isScalar(v) && key !== 'command');
  const rows = [];
  collectRows(results, [], rows);
  const line = meta.map(([key, v]) => `${key}: ${cell([key], v)}`).join(' · ');
  return [line, ...chunks(rows).map(render)].filter(Boolean).join('\n\n');
}
