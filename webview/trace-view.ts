import type {
  ActionView,
  AnomalyView,
  DecideView,
  EvidenceView,
  HypothesisView,
  ObserveView,
  ReasonView,
  TraceView,
} from '../src/shared/dashboard-view-model';
import { append, badge, button, el } from './dom';

/**
 * The selected incident's Observe → Reason → Decide → Act trace as a timeline. Each section is rebuilt only when
 * its own view model changed, so a live update to the Act section leaves an open prompt, a half-typed rejection
 * reason and the scroll position alone.
 */
export interface TraceHandlers {
  readonly host: 'vscode' | 'browser';
  isOpen(key: string): boolean;
  onToggle(key: string, open: boolean): void;
  onEvidence(e: EvidenceView): void;
  onApprove(approvalId: string): void;
  onReject(approvalId: string, reason: string): void;
  onScroll(top: number): void;
  /** Why approvals are disabled right now (Restricted Mode), or undefined. */
  approvalsBlocked(): string | undefined;
}

type SectionKey = 'head' | 'observe' | 'reason' | 'decide' | 'act';

interface Confirming {
  approvalId: string;
  verb: 'approve' | 'reject';
}

export class TraceRenderer {
  readonly element: HTMLDivElement;
  private readonly empty: HTMLDivElement;
  private readonly body: HTMLDivElement;
  private readonly sections = new Map<SectionKey, { node: HTMLElement; sig: string }>();
  private incidentId: string | undefined;
  private trace: TraceView | undefined;
  private confirming: Confirming | undefined;
  private reasonDraft = '';
  private readonly inflight = new Set<string>();

  constructor(private readonly h: TraceHandlers) {
    this.element = el('div', 'trace-scroll');
    this.element.setAttribute('role', 'region');
    this.element.setAttribute('aria-label', 'Incident trace');
    this.empty = el('div', 'empty', 'Select an incident on the left to see what the agent observed, how it reasoned, what it decided and what it wants to do.');
    this.body = el('div', 'trace');
    this.element.append(this.empty, this.body);
    this.body.hidden = true;
    this.element.addEventListener('scroll', () => this.h.onScroll(this.element.scrollTop));
  }

  showEmpty(message?: string): void {
    this.trace = undefined;
    this.incidentId = undefined;
    this.empty.textContent =
      message ?? 'Select an incident on the left to see what the agent observed, how it reasoned, what it decided and what it wants to do.';
    this.empty.hidden = false;
    this.body.hidden = true;
  }

  /** Marks an approval as waiting for the host's answer (buttons disabled), or clears it. */
  setInflight(approvalId: string, inflight: boolean): void {
    if (inflight) this.inflight.add(approvalId);
    else this.inflight.delete(approvalId);
    if (!inflight && this.confirming?.approvalId === approvalId) this.confirming = undefined;
    this.rerenderAct();
  }

  show(trace: TraceView, restoreScroll?: number): void {
    const switched = trace.id !== this.incidentId;
    if (switched) {
      this.confirming = undefined;
      this.reasonDraft = '';
      this.sections.forEach((s) => s.node.remove());
      this.sections.clear();
    }
    this.incidentId = trace.id;
    this.trace = trace;
    this.empty.hidden = true;
    this.body.hidden = false;
    const keep = this.element.scrollTop;
    this.place('head', JSON.stringify([trace.id, trace.title, trace.status, trace.scope, trace.firstSeen, trace.lastSeen, trace.reopened, trace.headline]), () => this.renderHead(trace));
    this.place('observe', JSON.stringify(trace.observe), () => stage('O', 'Observe', 'What the agent saw', this.renderObserve(trace.observe)));
    this.place('reason', JSON.stringify(trace.reason), () => stage('R', 'Reason', 'Why it believes it', this.renderReason(trace.reason)));
    this.place('decide', JSON.stringify(trace.decide), () => stage('D', 'Decide', 'What the policy allowed', this.renderDecide(trace.decide)));
    this.rerenderAct();
    this.element.scrollTop = switched ? (restoreScroll ?? 0) : keep;
  }

  private rerenderAct(): void {
    const trace = this.trace;
    if (!trace) return;
    const sig = JSON.stringify([trace.act, this.confirming, [...this.inflight].sort(), this.h.approvalsBlocked() ?? '']);
    const active = document.activeElement;
    const typing = active instanceof HTMLTextAreaElement && active.classList.contains('reject-reason');
    this.place('act', sig, () => stage('A', 'Act', 'What it did and wants to do', this.renderAct(trace.act)));
    if (typing) this.body.querySelector<HTMLTextAreaElement>('.reject-reason')?.focus();
  }

  private place(key: SectionKey, sig: string, build: () => HTMLElement): void {
    const order: SectionKey[] = ['head', 'observe', 'reason', 'decide', 'act'];
    const existing = this.sections.get(key);
    if (existing && existing.sig === sig) return;
    const node = build();
    if (existing) existing.node.replaceWith(node);
    else {
      const after = order.slice(order.indexOf(key) + 1).map((k) => this.sections.get(k)?.node).find((n) => n);
      this.body.insertBefore(node, after ?? null);
    }
    this.sections.set(key, { node, sig });
  }

  // -----------------------------------------------------------------------------------------------------------
  private renderHead(t: TraceView): HTMLElement {
    const head = el('header', 'trace-head');
    const title = el('h2', 'trace-title', t.title);
    const meta = el('div', 'trace-meta');
    append(
      meta,
      badge(t.status),
      el('span', 'mono', t.id),
      el('span', 'muted', `${t.scope} scope`),
      el('span', 'muted', `${t.firstSeen} → ${t.lastSeen} (${t.duration})`),
      t.reopened ? el('span', 'pill warn', `reopened ${t.reopened}×`) : null,
    );
    const glance = el('dl', 'glance');
    const q = (term: string, text: string, cls: string): void => {
      const dt = el('dt', undefined, term);
      const dd = el('dd', cls, text);
      append(glance, dt, dd);
    };
    q('Believes', t.headline.believes, 'glance-believes');
    q('Because', t.headline.why, 'glance-why');
    q('Wants', t.headline.wants, 'glance-wants');
    append(head, title, meta, glance);
    return head;
  }

  private renderObserve(o: ObserveView): HTMLElement[] {
    const out: HTMLElement[] = [];
    const stats = el('dl', 'stats');
    for (const c of o.counts) append(stats, el('dt', undefined, c.label), el('dd', undefined, c.value));
    out.push(stats);

    const conf = el('div', 'confidence');
    append(conf, el('h4', undefined, 'Observation confidence'), bar(o.confidence.value, `obs-${o.confidence.level}`, `${o.confidence.percent} (${o.confidence.level})`));
    if (o.confidenceFactors.length) {
      const ul = el('ul', 'factors');
      for (const f of o.confidenceFactors) {
        const li = el('li');
        append(li, el('span', 'delta mono', f.delta), el('strong', undefined, f.name), el('span', 'muted', f.detail));
        ul.appendChild(li);
      }
      conf.appendChild(ul);
    } else conf.appendChild(el('p', 'muted', 'Nothing lowered it.'));
    out.push(conf);

    if (o.anomalies.length) {
      out.push(el('h4', undefined, `Anomalies (${o.anomalies.length})`));
      out.push(anomalyTable(o.anomalies));
    } else out.push(el('p', 'muted', 'No detector fired.'));

    if (o.signatures.length) {
      out.push(el('h4', undefined, 'Signatures'));
      const ul = el('ul', 'chips');
      for (const s of o.signatures.slice(0, 30)) {
        const li = el('li', 'chip');
        append(li, el('span', 'mono', s.signature), el('span', 'muted', ` ×${s.count} · ${s.merchants} merchant${s.merchants === 1 ? '' : 's'}`));
        ul.appendChild(li);
      }
      out.push(ul);
    }

    out.push(el('h4', undefined, `Merchants (${o.merchants.length})`));
    const merchants = el('ul', 'chips');
    for (const m of o.merchants.slice(0, 40)) merchants.appendChild(el('li', 'chip mono', m));
    if (o.merchants.length > 40) merchants.appendChild(el('li', 'chip muted', `and ${o.merchants.length - 40} more`));
    out.push(merchants);

    if (o.evidenceFiles.length) {
      out.push(el('h4', undefined, 'Sources'));
      const ul = el('ul', 'plain');
      for (const f of o.evidenceFiles) {
        const li = el('li');
        append(li, el('span', 'mono', f.file), el('span', 'muted', ` — ${f.count} evidence record${f.count === 1 ? '' : 's'}`));
        ul.appendChild(li);
      }
      out.push(ul);
    }

    out.push(el('h4', undefined, `Evidence (${o.evidence.length})`));
    const ev = el('ul', 'evidence');
    for (const e of o.evidence) ev.appendChild(this.evidenceItem(e));
    if (!o.evidence.length) ev.appendChild(el('li', 'muted', 'No evidence sample.'));
    out.push(ev);
    return out;
  }

  private evidenceItem(e: EvidenceView): HTMLLIElement {
    const li = el('li');
    if (this.h.host === 'vscode') {
      const link = button(e.location, 'link mono', () => this.h.onEvidence(e), `Open ${e.location} in the editor`);
      li.appendChild(link);
    } else {
      const loc = el('code', 'location', e.location);
      loc.title = 'File and line of the record (open it in your editor)';
      li.appendChild(loc);
    }
    append(li, el('span', 'muted', ` ${e.kind} `), el('span', 'mono', e.recordId), el('span', 'muted', ' · '), el('span', 'mono', e.merchantId), el('span', 'muted', ' · '), el('span', 'mono', e.code), el('span', 'muted', ` · ${e.time}`));
    return li;
  }

  private renderReason(r: ReasonView): HTMLElement[] {
    const out: HTMLElement[] = [];
    const mode = el('div', 'mode-line');
    if (r.modeBadge) mode.appendChild(badge(r.modeBadge, 'large'));
    mode.appendChild(el('p', undefined, r.modeDetail));
    out.push(mode);
    if (r.ambiguity.length) {
      const ul = el('ul', 'plain ambiguity');
      for (const a of r.ambiguity) ul.appendChild(el('li', undefined, `Ambiguous: ${a}`));
      out.push(ul);
    }
    if (r.hypotheses.length) {
      out.push(el('h4', undefined, `Hypotheses (${r.hypotheses.length})`));
      const ol = el('ol', 'hypotheses');
      for (const hy of r.hypotheses) ol.appendChild(hypothesisItem(hy));
      out.push(ol);
    }
    if (r.llm) {
      const l = r.llm;
      out.push(el('h4', undefined, 'LLM call'));
      const stats = el('dl', 'stats');
      const add = (k: string, v: string): void => append(stats, el('dt', undefined, k), el('dd', undefined, v));
      add('Model', l.model);
      add('Latency', l.latency);
      add('Cache', l.cache);
      add('Attempts', String(l.attempts));
      out.push(stats);
      if (l.error) out.push(el('p', 'error-text', `Error: ${l.error}`));
      if (l.repairs.length) {
        const ul = el('ul', 'plain');
        for (const rp of l.repairs) ul.appendChild(el('li', undefined, `Repair: ${rp}`));
        out.push(ul);
      } else out.push(el('p', 'muted', 'No repairs were needed.'));
      out.push(this.collapsible('prompt', 'Prompt sent (redacted)', l.prompt || '(empty)'));
      out.push(this.collapsible('raw', 'Raw answer', l.rawAnswer ?? '(no answer)'));
    }
    return out;
  }

  private collapsible(key: string, summary: string, text: string): HTMLDetailsElement {
    const d = el('details', 'collapsible');
    d.open = this.h.isOpen(key);
    const s = el('summary', undefined, summary);
    const pre = el('pre', 'code', text);
    append(d, s, pre);
    d.addEventListener('toggle', () => this.h.onToggle(key, d.open));
    return d;
  }

  private renderDecide(d: DecideView): HTMLElement[] {
    const out: HTMLElement[] = [];
    if (!d.decided) return [el('p', 'muted', d.summary)];
    const lead = el('p', 'decision');
    append(lead, el('strong', undefined, d.cause), ` at ${d.confidence} — `, d.summary);
    out.push(lead);
    if (d.binding) {
      const b = el('div', `binding ${d.binding.passed ? 'passed' : 'failed'}`);
      append(b, el('span', 'binding-icon', d.binding.passed ? '✓' : '✕'), el('span', undefined, d.binding.sentence));
      out.push(b);
    }
    for (const g of d.groups) {
      const group = el('div', 'gate-group');
      const h = el('h4');
      append(h, `${g.action} `, badge(g.risk, 'small'));
      group.appendChild(h);
      if (!g.gates.length) group.appendChild(el('p', 'muted', 'No gates apply.'));
      const ul = el('ul', 'gates');
      for (const gate of g.gates) {
        const li = el('li', `gate ${gate.passed ? 'passed' : 'failed'}${gate.binding ? ' binding-gate' : ''}`);
        const icon = el('span', 'gate-icon', gate.passed ? '✓' : '✕');
        icon.setAttribute('aria-hidden', 'true');
        append(
          li,
          icon,
          el('span', 'gate-name', gate.name),
          el('span', 'gate-verdict', gate.verdict),
          gate.numbers ? el('span', 'mono gate-numbers', gate.numbers) : null,
          gate.effect ? el('span', 'pill warn', gate.effect) : null,
          gate.binding ? el('span', 'pill attention', 'binding') : null,
          el('div', 'gate-detail', gate.detail),
        );
        ul.appendChild(li);
      }
      group.appendChild(ul);
      out.push(group);
    }
    return out;
  }

  private renderAct(a: { actions: readonly ActionView[]; pending: number }): HTMLElement[] {
    if (!a.actions.length) return [el('p', 'muted', 'No actions.')];
    return a.actions.map((action) => this.actionCard(action));
  }

  private actionCard(a: ActionView): HTMLElement {
    const card = el('article', `action ${a.status.tone}`);
    card.dataset.actionId = a.id;
    const head = el('div', 'action-head');
    append(head, el('h4', undefined, a.typeLabel), badge(a.risk, 'small'), badge(a.status, 'small'));
    card.appendChild(head);
    card.appendChild(el('p', undefined, a.reason));
    const params = el('pre', 'code params', a.params);
    params.setAttribute('aria-label', 'Exact parameters');
    card.appendChild(params);
    if (a.result) card.appendChild(el('p', 'result-text', `Result: ${a.result}`));
    if (a.error) card.appendChild(el('p', 'error-text', `Error: ${a.error}`));
    const ap = a.approval;
    if (ap) {
      const line = el('p', 'muted');
      line.textContent = ap.pending ? `Approval ${ap.id} pending — expires ${ap.expires}` : `Approval ${ap.id}: ${ap.decided ?? ap.statusLabel}`;
      card.appendChild(line);
      if (ap.pending) card.appendChild(this.approvalControls(a, ap.id));
    }
    return card;
  }

  private approvalControls(a: ActionView, approvalId: string): HTMLElement {
    const box = el('div', 'approval');
    const busy = this.inflight.has(approvalId);
    const c = this.confirming?.approvalId === approvalId ? this.confirming : undefined;
    if (busy) {
      box.appendChild(el('p', 'muted', this.h.host === 'vscode' ? 'Waiting for your confirmation in VS Code…' : 'Sending…'));
      return box;
    }
    const blocked = this.h.approvalsBlocked();
    if (blocked) {
      box.appendChild(el('p', 'warn-text', `🔒 ${blocked}`));
      return box;
    }
    if (c?.verb === 'approve') {
      append(
        box,
        el('p', 'confirm-text', `Approve “${a.typeLabel}” (${a.risk.label.toLowerCase()}) with exactly the parameters shown above?`),
        button('Confirm approval', 'primary', () => {
          this.inflight.add(approvalId);
          this.h.onApprove(approvalId);
          this.rerenderAct();
        }),
        button('Cancel', 'secondary', () => {
          this.confirming = undefined;
          this.rerenderAct();
        }),
      );
      return box;
    }
    if (c?.verb === 'reject') {
      const label = el('label', 'reject-label', 'Why reject? (recorded in the journal)');
      const input = el('textarea', 'reject-reason');
      input.maxLength = 500;
      input.rows = 2;
      input.value = this.reasonDraft;
      input.addEventListener('input', () => (this.reasonDraft = input.value));
      label.appendChild(input);
      append(
        box,
        label,
        button('Confirm rejection', 'danger', () => {
          this.inflight.add(approvalId);
          this.h.onReject(approvalId, this.reasonDraft.trim());
          this.reasonDraft = '';
          this.rerenderAct();
        }),
        button('Cancel', 'secondary', () => {
          this.confirming = undefined;
          this.rerenderAct();
        }),
      );
      return box;
    }
    append(
      box,
      button('Approve…', 'primary approve', () => {
        if (this.h.host === 'vscode') {
          // VS Code confirms natively with a modal: the webview only asks.
          this.inflight.add(approvalId);
          this.h.onApprove(approvalId);
          this.rerenderAct();
        } else {
          this.confirming = { approvalId, verb: 'approve' };
          this.rerenderAct();
        }
      }),
      button('Reject…', 'secondary reject', () => {
        if (this.h.host === 'vscode') {
          // VS Code asks the reason in a native input box.
          this.inflight.add(approvalId);
          this.h.onReject(approvalId, '');
          this.rerenderAct();
          return;
        }
        this.confirming = { approvalId, verb: 'reject' };
        this.rerenderAct();
        this.body.querySelector<HTMLTextAreaElement>('.reject-reason')?.focus();
      }),
    );
    return box;
  }
}

function stage(letter: string, name: string, subtitle: string, content: HTMLElement[]): HTMLElement {
  const section = el('section', `stage stage-${name.toLowerCase()}`);
  section.setAttribute('aria-label', name);
  const marker = el('div', 'stage-marker', letter);
  marker.setAttribute('aria-hidden', 'true');
  const head = el('h3', 'stage-title');
  append(head, el('span', undefined, name), el('span', 'stage-sub', subtitle));
  const body = el('div', 'stage-body');
  append(body, head, ...content);
  append(section, marker, body);
  return section;
}

function bar(value: number, tone: string, text: string): HTMLElement {
  const wrap = el('div', 'bar-wrap');
  const track = el('div', 'bar-track');
  track.setAttribute('role', 'meter');
  track.setAttribute('aria-valuemin', '0');
  track.setAttribute('aria-valuemax', '1');
  track.setAttribute('aria-valuenow', String(value));
  track.setAttribute('aria-valuetext', text);
  const fill = el('div', `bar-fill ${tone}`);
  // CSSOM, not a style attribute: allowed by a CSP without 'unsafe-inline'.
  fill.style.width = `${Math.round(Math.min(1, Math.max(0, value)) * 100)}%`;
  track.appendChild(fill);
  append(wrap, track, el('span', 'bar-text', text));
  return wrap;
}

function hypothesisItem(h: HypothesisView): HTMLLIElement {
  const li = el('li', `hypothesis${h.chosen ? ' chosen' : ''}`);
  const head = el('div', 'hyp-head');
  append(
    head,
    el('strong', `cause-text-${h.cause}`, h.causeLabel),
    h.chosen ? el('span', 'pill ok', '✓ chosen') : null,
    el('span', `pill source-${h.sourceKind}`, `${h.sourceKind === 'rule' ? '⚙' : '✦'} ${h.source}`),
  );
  li.appendChild(head);
  li.appendChild(bar(h.confidence, h.chosen ? 'hyp-chosen' : 'hyp-other', h.percent));
  li.appendChild(el('p', undefined, h.explanation));
  if (h.calibration) li.appendChild(el('p', 'muted', h.calibration));
  if (h.agreement) li.appendChild(el('p', 'muted', h.agreement));
  if (h.evidence.length) {
    const ul = el('ul', 'plain small');
    for (const e of h.evidence.slice(0, 10)) ul.appendChild(el('li', 'mono', e));
    li.appendChild(ul);
  }
  return li;
}

function anomalyTable(rows: readonly AnomalyView[]): HTMLElement {
  const wrap = el('div', 'table-wrap');
  const table = el('table', 'anomalies');
  const thead = el('thead');
  const hr = el('tr');
  for (const h of ['Detector', 'Signature', 'Observed', 'Threshold', 'Baseline', 'Window', 'Merchants']) hr.appendChild(el('th', undefined, h));
  thead.appendChild(hr);
  const tbody = el('tbody');
  for (const a of rows) {
    const tr = el('tr');
    append(
      tr,
      el('td', undefined, a.detector),
      el('td', 'mono', a.signature),
      el('td', 'num', a.observed),
      el('td', 'num', a.threshold),
      el('td', 'num', a.baseline),
      el('td', 'small', a.window),
      el('td', 'mono small', a.merchants.slice(0, 5).join(', ') + (a.merchants.length > 5 ? ` +${a.merchants.length - 5}` : '')),
    );
    const tr2 = el('tr', 'explain-row');
    const td = el('td', 'muted', `${a.comparison} — ${a.explanation}`);
    td.colSpan = 7;
    tr2.appendChild(td);
    append(tbody, tr, tr2);
  }
  append(table, thead, tbody);
  wrap.appendChild(table);
  return wrap;
}
