import type { TrendsView } from '../src/shared/dashboard-view-model';
import { niceScale } from '../src/shared/dashboard-view-model';
import { append, el, svg } from './dom';

/**
 * Small inline-SVG charts, built with createElementNS. Colours come from CSS classes (theme variables), every mark
 * has a <title> with its numbers, and series also differ by dash pattern or position, not by colour alone.
 */
const W = 520;
const H = 230;
const M = { top: 12, right: 22, bottom: 28, left: 44 };

function frame(label: string): SVGSVGElement {
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', preserveAspectRatio: 'xMidYMid meet' });
  root.setAttribute('aria-label', label);
  root.appendChild(svg('title', {}, label));
  return root;
}

function yAxis(root: SVGSVGElement, max: number, fmt: (v: number) => string, ticks?: number[]): (v: number) => number {
  const scale = ticks ? { max, ticks } : niceScale(max);
  const y = (v: number): number => M.top + (H - M.top - M.bottom) * (1 - v / scale.max);
  for (const t of scale.ticks) {
    root.appendChild(svg('line', { x1: M.left, x2: W - M.right, y1: y(t), y2: y(t), class: 'grid' }));
    root.appendChild(svg('text', { x: M.left - 6, y: y(t) + 4, class: 'axis-label', 'text-anchor': 'end' }, fmt(t)));
  }
  return y;
}

function xLabels(root: SVGSVGElement, labels: readonly string[], x: (i: number) => number): void {
  const every = Math.max(1, Math.ceil(labels.length / 8));
  labels.forEach((l, i) => {
    if (i % every !== 0 && i !== labels.length - 1) return;
    root.appendChild(svg('text', { x: x(i), y: H - 8, class: 'axis-label', 'text-anchor': 'middle' }, l));
  });
}

export function stackedCauseBars(v: TrendsView): SVGSVGElement {
  const root = frame(`Incidents per cause per ${v.bucketLabel}: ${v.causes.map((c) => `${c.label} ${c.total}`).join(', ')}`);
  const scale = niceScale(v.maxTotal);
  const y = yAxis(root, scale.max, (t) => String(t), scale.ticks);
  const n = Math.max(1, v.causeBars.length);
  const slot = (W - M.left - M.right) / n;
  const bw = Math.max(2, Math.min(36, slot * 0.7));
  const x = (i: number): number => M.left + slot * i + slot / 2;
  v.causeBars.forEach((b, i) => {
    for (const s of b.segments) {
      const r = svg('rect', { x: x(i) - bw / 2, y: y(s.y1), width: bw, height: Math.max(0.5, y(s.y0) - y(s.y1)), class: `fill-cause-${s.index} seg` });
      r.appendChild(svg('title', {}, `${b.label}: ${s.label} ${s.count}`));
      root.appendChild(r);
    }
  });
  xLabels(root, v.causeBars.map((b) => b.label), x);
  return root;
}

export function confidenceLines(v: TrendsView): SVGSVGElement {
  const root = frame(`Mean confidence per cause over time: ${v.confidence.map((s) => s.label).join(', ')}`);
  const y = yAxis(root, 1, (t) => `${Math.round(t * 100)}%`, [0, 0.25, 0.5, 0.75, 1]);
  const index = new Map(v.buckets.map((b, i) => [b.bucket, i]));
  const n = Math.max(1, v.buckets.length - 1);
  const x = (i: number): number => M.left + ((W - M.left - M.right) * i) / n;
  v.confidence.forEach((s, k) => {
    const pts = s.points.map((p) => [x(index.get(p.bucket) ?? 0), y(p.mean)] as const);
    if (pts.length > 1) {
      root.appendChild(svg('polyline', { points: pts.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' '), class: `line stroke-cause-${s.index} dash-${k % 4}` }));
    }
    s.points.forEach((p, j) => {
      const [cx, cy] = pts[j]!;
      const dot = svg('circle', { cx, cy, r: 3.5, class: `dot fill-cause-${s.index}` });
      dot.appendChild(svg('title', {}, `${s.label} at ${p.label}: ${Math.round(p.mean * 100)}%`));
      root.appendChild(dot);
    });
  });
  xLabels(root, v.buckets.map((b) => b.label), x);
  return root;
}

export interface HBar {
  readonly label: string;
  readonly value: number;
  readonly text: string;
  readonly tone: string;
  readonly title: string;
}

/** Horizontal bars with the label and the number written next to each bar. */
export function hBars(label: string, bars: readonly HBar[], max: number): SVGSVGElement {
  const rowH = 26;
  const height = Math.max(1, bars.length) * rowH + 8;
  const root = svg('svg', { viewBox: `0 0 ${W} ${height}`, class: 'chart hbars', role: 'img' });
  root.setAttribute('aria-label', label);
  root.appendChild(svg('title', {}, label));
  const left = 170;
  const right = 96;
  const span = W - left - right;
  bars.forEach((b, i) => {
    const y = 4 + i * rowH;
    root.appendChild(svg('text', { x: left - 8, y: y + 16, class: 'bar-label', 'text-anchor': 'end' }, b.label.length > 22 ? `${b.label.slice(0, 21)}…` : b.label));
    root.appendChild(svg('rect', { x: left, y: y + 4, width: span, height: rowH - 10, class: 'track' }));
    const w = max > 0 ? (span * Math.max(0, b.value)) / max : 0;
    const r = svg('rect', { x: left, y: y + 4, width: Math.max(w, b.value > 0 ? 1.5 : 0), height: rowH - 10, class: `bar ${b.tone}` });
    r.appendChild(svg('title', {}, b.title));
    root.appendChild(r);
    root.appendChild(svg('text', { x: left + span + 8, y: y + 16, class: 'bar-value' }, b.text));
  });
  return root;
}

/** Legend entries: a colour swatch, or for line series a short sample of the line itself (colour + dash). */
export function legend(items: readonly { label: string; swatch?: string; line?: string; note?: string }[]): HTMLUListElement {
  const ul = el('ul', 'legend');
  for (const i of items) {
    const li = el('li');
    let sw: Element;
    if (i.line) {
      sw = svg('svg', { viewBox: '0 0 24 8', width: 24, height: 8, class: 'legend-line' });
      sw.appendChild(svg('line', { x1: 1, x2: 23, y1: 4, y2: 4, class: `line ${i.line}` }));
    } else sw = el('span', `swatch ${i.swatch ?? ''}`);
    sw.setAttribute('aria-hidden', 'true');
    append(li, sw, el('span', undefined, i.label), i.note ? el('span', 'muted', ` ${i.note}`) : null);
    ul.appendChild(li);
  }
  return ul;
}
