import type { IncidentSummary } from '../src/shared/dashboard-protocol';
import { causeLabel, MODE_BADGES, percent, RISK_BADGES, STATUS_BADGES } from '../src/shared/dashboard-view-model';
import { append, badge, el } from './dom';

/**
 * The incident list, virtualised: only the rows in view (plus a margin) exist in the DOM, keyed by incident id, so
 * 10,000 incidents cost the same as 30 and a live update touches only rows whose summary object changed.
 */
export const ROW_HEIGHT = 64;
const OVERSCAN = 6;

export interface IncidentListOptions {
  onSelect(id: string): void;
  onScroll(top: number): void;
}

export class IncidentList {
  readonly element: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private items: readonly IncidentSummary[] = [];
  private selectedId: string | undefined;
  private readonly rows = new Map<string, HTMLDivElement>();
  /** The summary each row was last filled from: identity tells whether it changed. */
  private readonly filled = new WeakMap<HTMLDivElement, IncidentSummary>();
  private frame = 0;

  constructor(private readonly opts: IncidentListOptions) {
    this.element = el('div', 'list-scroll');
    this.element.tabIndex = 0;
    this.element.setAttribute('role', 'listbox');
    this.element.setAttribute('aria-label', 'Incidents');
    this.spacer = el('div', 'list-spacer');
    this.element.appendChild(this.spacer);
    this.element.addEventListener('scroll', () => {
      this.opts.onScroll(this.element.scrollTop);
      if (!this.frame) this.frame = requestAnimationFrame(() => ((this.frame = 0), this.render()));
    });
    this.element.addEventListener('click', (ev) => {
      const row = (ev.target as Element | null)?.closest<HTMLElement>('.row');
      const id = row?.dataset.id;
      if (id !== undefined) this.opts.onSelect(id);
    });
    this.element.addEventListener('keydown', (ev) => this.onKey(ev));
  }

  setItems(items: readonly IncidentSummary[], selectedId: string | undefined): void {
    this.items = items;
    this.selectedId = selectedId;
    this.spacer.style.height = `${items.length * ROW_HEIGHT}px`;
    this.render();
  }

  setSelected(id: string | undefined): void {
    this.selectedId = id;
    for (const [rid, row] of this.rows) this.markSelected(row, rid === id);
    if (id !== undefined) this.element.setAttribute('aria-activedescendant', rowDomId(id));
  }

  /** Scrolls just enough to show the incident. */
  reveal(id: string): void {
    const i = this.items.findIndex((s) => s.id === id);
    if (i < 0) return;
    const top = i * ROW_HEIGHT;
    const view = this.element.clientHeight || 600;
    if (top < this.element.scrollTop) this.element.scrollTop = top;
    else if (top + ROW_HEIGHT > this.element.scrollTop + view) this.element.scrollTop = top + ROW_HEIGHT - view;
    this.render();
  }

  setScroll(top: number): void {
    this.element.scrollTop = top;
    this.render();
  }

  render(): void {
    const top = this.element.scrollTop;
    const height = this.element.clientHeight || 800;
    const start = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const end = Math.min(this.items.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    const keep = new Set<string>();
    for (let i = start; i < end; i++) {
      const s = this.items[i]!;
      keep.add(s.id);
      let row = this.rows.get(s.id);
      if (!row) {
        row = el('div', 'row');
        row.dataset.id = s.id;
        row.id = rowDomId(s.id);
        row.setAttribute('role', 'option');
        this.rows.set(s.id, row);
        this.element.appendChild(row);
      }
      if (this.filled.get(row) !== s) {
        fillRow(row, s);
        this.filled.set(row, s);
      }
      row.style.transform = `translateY(${i * ROW_HEIGHT}px)`;
      row.setAttribute('aria-posinset', String(i + 1));
      row.setAttribute('aria-setsize', String(this.items.length));
      this.markSelected(row, s.id === this.selectedId);
    }
    for (const [id, row] of this.rows) {
      if (!keep.has(id)) {
        row.remove();
        this.rows.delete(id);
      }
    }
  }

  private markSelected(row: HTMLElement, selected: boolean): void {
    row.classList.toggle('selected', selected);
    row.setAttribute('aria-selected', String(selected));
  }

  private onKey(ev: KeyboardEvent): void {
    if (!this.items.length) return;
    const i = this.items.findIndex((s) => s.id === this.selectedId);
    const page = Math.max(1, Math.floor((this.element.clientHeight || 600) / ROW_HEIGHT) - 1);
    const next =
      ev.key === 'ArrowDown' ? i + 1 : ev.key === 'ArrowUp' ? i - 1 : ev.key === 'PageDown' ? i + page : ev.key === 'PageUp' ? i - page : ev.key === 'Home' ? 0 : ev.key === 'End' ? this.items.length - 1 : undefined;
    if (next === undefined) return;
    ev.preventDefault();
    const target = this.items[Math.min(this.items.length - 1, Math.max(0, next))]!;
    this.opts.onSelect(target.id);
    this.reveal(target.id);
  }
}

function rowDomId(id: string): string {
  // Any string is a valid id attribute value; a prefix keeps it from clashing with the page's own ids.
  return `incident-row-${id}`;
}

function fillRow(row: HTMLDivElement, s: IncidentSummary): void {
  row.replaceChildren();
  const line1 = el('div', 'row-line');
  const status = STATUS_BADGES[s.status];
  const statusIcon = el('span', `row-status ${status.tone}`, status.icon);
  statusIcon.title = status.label;
  statusIcon.setAttribute('aria-label', status.label);
  append(line1, statusIcon, el('span', 'row-title', s.title));
  if (s.pendingApprovals > 0) {
    append(line1, el('span', 'pill attention', `‖ ${s.pendingApprovals} to approve`));
  }
  const line2 = el('div', 'row-line row-meta');
  append(
    line2,
    el('span', 'row-id', s.id),
    el('span', `row-cause${s.cause ? ` cause-text-${s.cause}` : ''}`, causeLabel(s.cause)),
    s.confidence !== undefined ? el('span', 'row-conf', percent(s.confidence)) : null,
    s.mode ? badge(MODE_BADGES[s.mode], 'small') : null,
    s.risk ? badge(RISK_BADGES[s.risk], 'small') : null,
    el('span', 'row-merchants', s.merchants.slice(0, 2).join(', ') + (s.merchantCount > 2 ? ` +${s.merchantCount - 2}` : '')),
  );
  append(row, line1, line2);
  row.title = s.title;
}
