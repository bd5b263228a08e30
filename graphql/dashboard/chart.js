/* global document */
/**
 * A hand-written SVG line chart: one line per key over consecutive windows, the still-open
 * window drawn dashed on a shaded band. No library: the page must work offline.
 */

const SVG = 'http://www.w3.org/2000/svg';
const MARGIN = { top: 14, right: 18, bottom: 26, left: 42 };

/** Colours that stay apart for the first eight keys (and for colour-blind readers, mostly). */
export const PALETTE = ['#0f766e', '#2563eb', '#d97706', '#db2777', '#7c3aed', '#65a30d', '#dc2626', '#0891b2'];

function el(name, attrs = {}, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  parent?.appendChild(node);
  return node;
}

/** A round upper bound and tick step for the y axis: 1, 2 or 5 times a power of ten. */
function niceScale(max) {
  if (max <= 0) return { top: 4, step: 1 };
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough);
  return { top: Math.ceil(max / step) * step, step };
}

const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/**
 * Draws `model` into `svg` at its current size.
 * model: { starts: number[] (window starts, ascending), sizeMs, openStart?: number, readAt (ms),
 *          series: [{ key, color, values: (number | null)[] (one per start; null: before the data) }] }
 * `highlight`: a key to bring forward (the others are dimmed), or undefined.
 */
export function renderChart(svg, model, highlight) {
  const width = Math.max(svg.clientWidth, 200);
  const height = Math.max(svg.clientHeight, 120);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.replaceChildren();
  const { starts, series } = model;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const max = Math.max(0, ...series.flatMap((s) => s.values.filter((v) => v !== null)));
  const { top, step } = niceScale(max);
  const x = (i) => MARGIN.left + (starts.length <= 1 ? plotW / 2 : (i * plotW) / (starts.length - 1));
  const y = (v) => MARGIN.top + plotH - (v / top) * plotH;
  const openIndex = model.openStart === undefined ? -1 : starts.indexOf(model.openStart);

  if (openIndex > 0) {
    const half = (x(openIndex) - x(openIndex - 1)) / 2;
    el('rect', { class: 'open-band', x: x(openIndex) - half, y: MARGIN.top, width: half + MARGIN.right, height: plotH }, svg);
    el('text', { class: 'open-label', x: x(openIndex), y: MARGIN.top + 10, 'text-anchor': 'end', dx: -6 }, svg).textContent = 'open window';
  }

  const grid = el('g', { class: 'grid' }, svg);
  const axis = el('g', { class: 'axis' }, svg);
  for (let v = 0; v <= top + step / 2; v += step) {
    el('line', { x1: MARGIN.left, x2: width - MARGIN.right, y1: y(v), y2: y(v) }, grid);
    el('text', { x: MARGIN.left - 8, y: y(v) + 4, 'text-anchor': 'end' }, axis).textContent = String(v);
  }
  el('line', { class: 'baseline', x1: MARGIN.left, x2: width - MARGIN.right, y1: y(0), y2: y(0) }, axis);
  // Room for about one label per 70 px.
  const every = Math.max(1, Math.ceil(starts.length / Math.max(1, Math.floor(plotW / 70))));
  starts.forEach((start, i) => {
    if ((starts.length - 1 - i) % every !== 0) return;
    el('text', { x: x(i), y: height - 6, 'text-anchor': 'middle' }, axis).textContent = clock(start);
  });

  let points = 0;
  for (const s of series) {
    const g = el('g', { class: `series${highlight !== undefined && highlight !== s.key ? ' dim' : ''}`, 'data-key': s.key }, svg);
    const closedEnd = openIndex >= 0 ? openIndex : starts.length;
    // A path through the points in [from, to), starting again after a gap (null: no data yet).
    const line = (from, to) => {
      let d = '';
      let pen = 'M';
      for (let i = from; i < to; i++) {
        const v = s.values[i];
        if (v === null) { pen = 'M'; continue; }
        d += `${pen}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
        pen = 'L';
      }
      return d;
    };
    if (closedEnd > 1) el('path', { d: line(0, closedEnd), stroke: s.color }, g);
    if (openIndex > 0 && s.values[openIndex - 1] !== null) el('path', { class: 'open', d: line(openIndex - 1, openIndex + 1), stroke: s.color }, g);
    s.values.forEach((v, i) => {
      if (v === null) return;
      const open = i === openIndex;
      const dot = el('circle', { cx: x(i), cy: y(v), r: open ? 3.5 : 3, fill: s.color, stroke: open ? s.color : 'white', class: open ? 'open' : '', 'data-start': starts[i], 'data-value': v }, g);
      el('title', {}, dot).textContent = `${s.key} · ${clock(starts[i])}–${clock(starts[i] + model.sizeMs)}${open ? ' (open)' : ''} · ${v}`;
      points += 1;
    });
  }
  const total = series.reduce((sum, s) => sum + s.values.reduce((a, b) => a + (b ?? 0), 0), 0);
  svg.dataset.points = String(points);
  svg.dataset.total = String(total);
  svg.dataset.windows = String(starts.length);
  svg.dataset.filled = String(starts.filter((_, i) => series.some((s) => s.values[i] !== null)).length);
  svg.dataset.sizeMs = String(model.sizeMs);
  svg.dataset.readAt = String(model.readAt);
}
