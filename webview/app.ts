import type { Trends } from '../src/core/loop/agent-api';
import type { Approval } from '../src/core/report/schema';
import type { DashboardPatch, DashboardState, HostToView, IncidentDetail, IncidentSummary, ReportMeta } from '../src/shared/dashboard-protocol';
import {
  buildStatusView,
  buildTrace,
  buildTrendsView,
  CAUSE_ORDER,
  causeLabel,
  filterAndSort,
  MODE_BADGES,
  RISK_BADGES,
  STATUS_BADGES,
} from '../src/shared/dashboard-view-model';
import { append, button, el } from './dom';
import { IncidentList } from './incident-list';
import { TraceRenderer } from './trace-view';
import type { Transport } from './transport';
import { TrendsRenderer } from './trends-view';
import { defaultUiState, type UiState } from './ui-state';

/** Numbers a benchmark can read from the page (issue 7, item 8). */
export interface DashboardPerf {
  stateMs: number;
  lastPatchMs: number;
  patches: number;
  seq: number;
}

declare global {
  interface Window {
    __cosmosPerf?: DashboardPerf;
  }
}

export class DashboardApp {
  private ui: UiState;
  private readonly summaries = new Map<string, IncidentSummary>();
  private visible: IncidentSummary[] = [];
  private readonly approvals = new Map<string, Approval>();
  private trends: Trends | undefined;
  private meta: ReportMeta | undefined;
  private status: DashboardState['status'] | undefined;
  private trendsDirty = true;
  private detailRequest = 0;
  private detailRev = -1;
  private nextRequestId = 1;
  private readonly actionRequests = new Map<number, string>();
  private saveTimer = 0;
  private readonly perf: DashboardPerf = { stateMs: 0, lastPatchMs: 0, patches: 0, seq: -1 };

  private readonly root: HTMLElement;
  private readonly statusBar = el('div', 'status-items');
  private readonly banner = el('div', 'banner');
  private readonly countLabel = el('span', 'count');
  private readonly list: IncidentList;
  private readonly trace: TraceRenderer;
  private readonly trendsView = new TrendsRenderer();
  private readonly incidentsTab = el('main', 'layout');
  private readonly trendsTab = el('main', 'trends-tab');
  private readonly toasts = el('div', 'toasts');
  private readonly tabButtons = new Map<UiState['tab'], HTMLButtonElement>();
  private readonly sourcesLine = el('div', 'sources-line muted');
  private readonly filterControls = new Map<string, HTMLSelectElement | HTMLInputElement>();

  constructor(
    root: HTMLElement,
    private readonly transport: Transport,
  ) {
    this.root = root;
    this.ui = transport.loadState() ?? defaultUiState();
    window.__cosmosPerf = this.perf;
    this.list = new IncidentList({
      onSelect: (id) => this.select(id),
      onScroll: (top) => {
        this.ui.listScroll = top;
        this.save();
      },
    });
    this.trace = new TraceRenderer({
      host: transport.kind,
      isOpen: (key) => this.ui.open.includes(key),
      onToggle: (key, open) => {
        this.ui.open = open ? [...new Set([...this.ui.open, key])] : this.ui.open.filter((k) => k !== key);
        this.save();
      },
      onEvidence: (e) => this.transport.send({ type: 'openEvidence', file: e.file, line: e.line, ...(e.column ? { column: e.column } : {}) }),
      onApprove: (approvalId) => this.decide(approvalId, 'approve'),
      onReject: (approvalId, reason) => this.decide(approvalId, 'reject', reason),
      onScroll: (top) => {
        this.ui.traceScroll = top;
        this.save();
      },
      approvalsBlocked: () =>
        this.status && !this.status.effectsAllowed ? 'Restricted Mode: trust this workspace to approve or reject actions.' : undefined,
    });
    this.layout();
    this.applyTheme();
    transport.onMessage((m) => this.onMessage(m));
    transport.onConnection((problem) => {
      this.banner.textContent = problem ?? '';
      this.banner.hidden = !problem;
    });
    transport.send({ type: 'ready', protocol: 1 });
  }

  // ---------------------------------------------------------------------------------------------------------
  private layout(): void {
    const top = el('header', 'topbar');
    const brand = el('div', 'brand');
    const logo = el('span', 'logo', '◎');
    logo.setAttribute('aria-hidden', 'true');
    append(brand, logo, el('span', 'brand-name', 'COSMOS'), el('span', 'brand-sub', 'Observe → Reason → Decide → Act'));
    const tabs = el('nav', 'tabs');
    tabs.setAttribute('role', 'tablist');
    for (const [tab, label] of [
      ['incidents', 'Incidents'],
      ['trends', 'Trends'],
    ] as const) {
      const b = button(label, 'tab', () => this.setTab(tab));
      b.setAttribute('role', 'tab');
      b.dataset.tab = tab;
      this.tabButtons.set(tab, b);
      tabs.appendChild(b);
    }
    append(top, brand, tabs, this.statusBar);
    if (this.transport.kind === 'browser') {
      top.appendChild(
        button('◐ Theme', 'secondary theme-toggle', () => {
          const dark = document.documentElement.dataset.theme
            ? document.documentElement.dataset.theme === 'dark'
            : window.matchMedia('(prefers-color-scheme: dark)').matches;
          this.ui.theme = dark ? 'light' : 'dark';
          this.applyTheme();
          this.save();
        }, 'Switch between light and dark'),
      );
    }
    this.banner.hidden = true;
    this.banner.setAttribute('role', 'alert');

    const side = el('aside', 'sidebar');
    side.appendChild(this.filters());
    const countRow = el('div', 'count-row');
    append(countRow, this.countLabel);
    side.appendChild(countRow);
    side.appendChild(this.list.element);
    const detail = el('section', 'detail');
    detail.appendChild(this.trace.element);
    append(this.incidentsTab, side, detail);
    this.trendsTab.appendChild(this.trendsView.element);
    this.trendsTab.appendChild(this.sourcesLine);
    this.toasts.setAttribute('aria-live', 'polite');

    this.root.replaceChildren(top, this.banner, this.incidentsTab, this.trendsTab, this.toasts);
    this.root.removeAttribute('aria-busy');
    this.setTab(this.ui.tab, false);
  }

  private filters(): HTMLElement {
    const box = el('div', 'filters');
    const search = el('input', 'search');
    search.type = 'search';
    search.placeholder = 'Search merchant or incident id';
    search.setAttribute('aria-label', 'Search by merchant or incident id');
    search.value = this.ui.search;
    let t = 0;
    search.addEventListener('input', () => {
      window.clearTimeout(t);
      t = window.setTimeout(() => {
        this.ui.search = search.value;
        this.refilter();
      }, 120);
    });
    this.filterControls.set('search', search);
    box.appendChild(search);

    const row = el('div', 'filter-row');
    const select = (key: 'status' | 'cause' | 'risk' | 'mode', label: string, options: [string, string][]): void => {
      const s = el('select');
      s.setAttribute('aria-label', label);
      s.appendChild(new Option(`${label}: all`, ''));
      for (const [value, text] of options) s.appendChild(new Option(text, value));
      s.value = this.ui[key];
      s.addEventListener('change', () => {
        this.ui[key] = s.value;
        this.refilter();
      });
      this.filterControls.set(key, s);
      row.appendChild(s);
    };
    select('status', 'Status', (['open', 'quiet', 'resolved'] as const).map((s) => [s, `${STATUS_BADGES[s].icon} ${STATUS_BADGES[s].label}`]));
    select('cause', 'Cause', [...CAUSE_ORDER.map((c): [string, string] => [c, causeLabel(c)]), ['none', 'Not yet reasoned']]);
    select('risk', 'Risk', [...(['high', 'medium', 'low'] as const).map((r): [string, string] => [r, `${RISK_BADGES[r].icon} ${RISK_BADGES[r].label}`]), ['none', 'No action']]);
    select('mode', 'Reasoning', [...(['deterministic', 'llm', 'hybrid', 'llm_failed'] as const).map((m): [string, string] => [m, `${MODE_BADGES[m].icon} ${MODE_BADGES[m].label}`]), ['none', 'Not reasoned']]);
    box.appendChild(row);

    const pending = el('label', 'check');
    const cb = el('input');
    cb.type = 'checkbox';
    cb.checked = this.ui.pendingOnly;
    cb.addEventListener('change', () => {
      this.ui.pendingOnly = cb.checked;
      this.refilter();
    });
    this.filterControls.set('pendingOnly', cb);
    append(pending, cb, ' Awaiting approval only');
    box.appendChild(pending);
    return box;
  }

  private setTab(tab: UiState['tab'], persist = true): void {
    this.ui.tab = tab;
    for (const [t, b] of this.tabButtons) {
      b.classList.toggle('active', t === tab);
      b.setAttribute('aria-selected', String(t === tab));
    }
    this.incidentsTab.hidden = tab !== 'incidents';
    this.trendsTab.hidden = tab !== 'trends';
    if (tab === 'trends') this.renderTrends();
    else this.list.render();
    if (persist) this.save();
  }

  private applyTheme(): void {
    const html = document.documentElement;
    if (this.transport.kind === 'vscode') {
      // VS Code tags <body> with its theme kind; mirror it on <html> so one stylesheet serves both hosts.
      const sync = (): void => {
        const c = document.body.classList;
        html.dataset.theme = c.contains('vscode-high-contrast-light') ? 'hc-light' : c.contains('vscode-high-contrast') ? 'hc' : c.contains('vscode-dark') ? 'dark' : 'light';
      };
      sync();
      new MutationObserver(sync).observe(document.body, { attributes: true, attributeFilter: ['class'] });
      html.dataset.host = 'vscode';
    } else if (this.ui.theme) html.dataset.theme = this.ui.theme;
    else delete html.dataset.theme;
  }

  // ---------------------------------------------------------------------------------------------------------
  private onMessage(m: HostToView): void {
    switch (m.type) {
      case 'state':
        return this.onState(m.state);
      case 'patch':
        return this.onPatch(m.patch);
      case 'detail':
        if (m.requestId === this.detailRequest && m.incidentId === this.ui.selectedId) this.onDetail(m.detail);
        return;
      case 'result': {
        const approvalId = this.actionRequests.get(m.requestId);
        if (approvalId === undefined) return;
        this.actionRequests.delete(m.requestId);
        this.trace.setInflight(approvalId, false);
        this.toast(m.message, m.ok ? 'ok' : 'error');
        this.requestDetail();
        return;
      }
      case 'reveal':
        return this.reveal(m.incidentId);
      case 'offline':
        this.banner.textContent = m.message;
        this.banner.hidden = false;
        return;
    }
  }

  private onState(state: DashboardState): void {
    const t0 = performance.now();
    this.summaries.clear();
    for (const s of state.incidents) this.summaries.set(s.id, s);
    this.approvals.clear();
    for (const a of state.approvals) this.approvals.set(a.id, a);
    this.trends = state.trends;
    this.meta = state.meta;
    this.trendsDirty = true;
    this.renderStatus(state.status);
    this.banner.hidden = true;
    this.refilter(false);
    if (this.ui.listScroll) this.list.setScroll(this.ui.listScroll);
    if (!this.ui.selectedId || !this.summaries.has(this.ui.selectedId)) {
      const first = this.visible[0];
      if (first) this.select(first.id, false);
      else this.trace.showEmpty(state.incidents.length ? 'No incident matches the filters.' : 'No incidents yet: the agent is watching the data folder.');
    } else {
      this.detailRev = -1;
      this.list.setSelected(this.ui.selectedId);
      this.requestDetail();
    }
    if (this.ui.tab === 'trends') this.renderTrends();
    this.renderSources();
    this.perf.seq = state.seq;
    this.perf.stateMs = performance.now() - t0;
    document.documentElement.dataset.seq = String(state.seq);
  }

  private onPatch(patch: DashboardPatch): void {
    const t0 = performance.now();
    let selectedChanged = false;
    for (const s of patch.upserts) {
      this.summaries.set(s.id, s);
      if (s.id === this.ui.selectedId && s.rev !== this.detailRev) selectedChanged = true;
    }
    for (const a of patch.approvals ?? []) {
      if (a.incidentId === this.ui.selectedId) selectedChanged = true;
      this.approvals.set(a.id, a);
    }
    for (const id of patch.approvalsRemoved ?? []) this.approvals.delete(id);
    if (patch.status) this.renderStatus(patch.status);
    if (patch.meta) {
      this.meta = patch.meta;
      this.renderSources();
    }
    if (patch.trends) {
      this.trends = patch.trends;
      this.trendsDirty = true;
      if (this.ui.tab === 'trends') this.renderTrends();
    }
    if (patch.upserts.length) this.refilter(false);
    if (selectedChanged) this.requestDetail();
    if (!this.ui.selectedId && this.visible[0]) this.select(this.visible[0].id, false);
    this.perf.patches++;
    this.perf.seq = patch.seq;
    this.perf.lastPatchMs = performance.now() - t0;
    document.documentElement.dataset.seq = String(patch.seq);
  }

  private onDetail(d: IncidentDetail): void {
    if (!d.incident) {
      this.trace.showEmpty('This incident is no longer known to the agent.');
      return;
    }
    const first = this.detailRev === -1;
    this.detailRev = d.rev;
    this.trace.show(buildTrace(d.incident, d.approvals), first ? this.ui.traceScroll : 0);
  }

  // ---------------------------------------------------------------------------------------------------------
  private refilter(persist = true): void {
    this.visible = filterAndSort(this.summaries.values(), this.ui);
    this.list.setItems(this.visible, this.ui.selectedId);
    const total = this.summaries.size;
    this.countLabel.textContent =
      this.visible.length === total ? `${total.toLocaleString('en-US')} incidents` : `${this.visible.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} incidents`;
    if (persist) this.save();
  }

  private select(id: string, persist = true): void {
    if (id === this.ui.selectedId && this.detailRev !== -1) return;
    this.ui.selectedId = id;
    this.ui.traceScroll = 0;
    this.detailRev = -1;
    this.list.setSelected(id);
    this.requestDetail();
    if (persist) this.save();
  }

  private reveal(id: string): void {
    this.setTab('incidents');
    if (this.summaries.has(id) && !this.visible.some((s) => s.id === id)) {
      // The incident is filtered out: clear the filters rather than pretend it does not exist.
      Object.assign(this.ui, { status: '', cause: '', risk: '', mode: '', pendingOnly: false, search: '' });
      for (const [k, c] of this.filterControls) {
        if (c instanceof HTMLInputElement && c.type === 'checkbox') c.checked = false;
        else c.value = '';
        void k;
      }
      this.refilter();
    }
    this.select(id);
    this.list.reveal(id);
  }

  private requestDetail(): void {
    const id = this.ui.selectedId;
    if (!id) return;
    this.detailRequest = this.nextRequestId++;
    this.transport.send({ type: 'select', requestId: this.detailRequest, incidentId: id });
  }

  private decide(approvalId: string, verb: 'approve' | 'reject', reason = ''): void {
    const requestId = this.nextRequestId++;
    this.actionRequests.set(requestId, approvalId);
    if (verb === 'approve') this.transport.send({ type: 'approve', requestId, approvalId });
    else this.transport.send({ type: 'reject', requestId, approvalId, reason: reason.slice(0, 500) });
  }

  private renderStatus(status: DashboardState['status']): void {
    this.status = status;
    const view = buildStatusView(status);
    const items = view.items.map((i) => {
      const s = el('span', `status-item tone-${i.tone}`);
      s.title = i.title;
      append(s, el('span', undefined, i.label), i.value ? el('strong', undefined, ` ${i.value}`) : null);
      return s;
    });
    this.statusBar.replaceChildren(...items);
  }

  private renderTrends(): void {
    if (!this.trends || !this.trendsDirty) return;
    this.trendsDirty = false;
    this.trendsView.show(buildTrendsView(this.trends));
  }

  private renderSources(): void {
    const m = this.meta;
    if (!m) return;
    const files = m.sources.map((s) => `${s.file} (${s.records} ${s.kind}${s.invalid ? `, ${s.invalid} invalid` : ''})`).join(' · ');
    this.sourcesLine.textContent = `Data: ${m.dataDir} — ${files || 'no sources yet'}${m.invalidCount ? ` — ${m.invalidCount} invalid records` : ''}`;
  }

  private toast(message: string, tone: 'ok' | 'error'): void {
    const t = el('div', `toast ${tone}`, message);
    t.setAttribute('role', tone === 'error' ? 'alert' : 'status');
    this.toasts.appendChild(t);
    window.setTimeout(() => t.remove(), tone === 'error' ? 9000 : 5000);
  }

  private save(): void {
    window.clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(() => this.transport.saveState({ ...this.ui }), 150);
  }
}
