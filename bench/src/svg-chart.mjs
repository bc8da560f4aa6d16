// A small SVG generator: panels of grouped bars on a log scale, one group
// per category, one bar per series, a legend on top. No chart library.

const WIDTH = 960;
const LEFT = 70;
const RIGHT = 16;
const PANEL = 250;
const LEGEND = 56;
const LABELS = 40;
const FONT = 'font-family="system-ui, sans-serif"';

const esc = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

const text = (x, y, content, attrs = '') => `<text x="${x}" y="${y}" ${FONT} ${attrs}>${esc(content)}</text>`;

function legend(series) {
  return series
    .map((s, i) => {
      const x = LEFT + i * 200;
      return `<rect x="${x}" y="34" width="12" height="12" fill="${s.color}"/>${text(x + 18, 45, s.name, 'font-size="13"')}`;
    })
    .join('');
}

/** One panel at `top`: title, log grid with labels from `format`, bars, category labels below, dashed `marks` (labelled beside the title). */
function panel(top, { title, format, value, marks = [] }, categories, series) {
  const all = [...categories.flatMap((_, c) => series.map((s) => value(s.id, c))), ...marks.map((m) => m.value)].filter((v) => v > 0);
  const low = Math.floor(Math.log10(Math.min(...all)));
  const high = Math.ceil(Math.log10(Math.max(...all)));
  const plot = PANEL - 30;
  const y = (v) => top + 24 + plot - ((Math.log10(v) - low) / (high - low || 1)) * plot;
  const parts = [text(LEFT, top + 14, title, 'font-size="14" font-weight="600"')];
  for (let p = low; p <= high; p++) {
    const at = y(10 ** p);
    parts.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${at}" y2="${at}" stroke="#e5e7eb"/>`);
    parts.push(text(LEFT - 6, at + 4, format(10 ** p), 'font-size="11" text-anchor="end" fill="#4b5563"'));
  }
  const group = (WIDTH - LEFT - RIGHT) / categories.length;
  const bar = (group * 0.8) / series.length;
  const base = top + 24 + plot;
  categories.forEach((category, c) => {
    const x0 = LEFT + c * group + group * 0.1;
    series.forEach((s, i) => {
      const v = value(s.id, c);
      const height = v > 0 ? base - y(v) : 0;
      const x = (x0 + i * bar).toFixed(1);
      parts.push(`<rect x="${x}" y="${(base - height).toFixed(1)}" width="${(bar - 1).toFixed(1)}" height="${height.toFixed(1)}" fill="${s.color}"><title>${esc(`${category.join(' ')}, ${s.name}: ${format(v)}`)}</title></rect>`);
    });
    category.forEach((line, k) => parts.push(text((x0 + group * 0.4).toFixed(1), base + 14 + k * 13, line, 'font-size="11" text-anchor="middle"')));
  });
  parts.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${base}" y2="${base}" stroke="#9ca3af"/>`);
  for (const mark of marks) {
    const at = y(mark.value).toFixed(1);
    parts.push(`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${at}" y2="${at}" stroke="#dc2626" stroke-dasharray="5 4"/>`);
    parts.push(text(WIDTH - RIGHT, top + 14, `- - - ${mark.label}`, 'font-size="12" text-anchor="end" fill="#dc2626"'));
  }
  return parts.join('\n');
}

/**
 * `categories`: label lines per group; `series`: { id, name, color };
 * `panels`: { title, format(v), value(seriesId, categoryIndex), marks?: [{ value, label }] }.
 */
export function barChart({ title, categories, series, panels }) {
  const height = LEGEND + panels.length * (PANEL + LABELS);
  const body = panels.map((p, i) => panel(LEGEND + i * (PANEL + LABELS), p, categories, series)).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">
<rect width="${WIDTH}" height="${height}" fill="#fff"/>
${text(LEFT, 20, title, 'font-size="15" font-weight="700"')}
${legend(series)}
${body}
</svg>
`;
}
