import type { AgentStatus, Outcome, Trends } from '../core/loop/agent-api';
import type {
  ActionReport,
  ActionType,
  Anomaly,
  Approval,
  ApprovalStatus,
  Cause,
  Gate,
  Hypothesis,
  Incident,
  ReasoningMode,
  Risk,
} from '../core/report/schema';
import type { IncidentSummary } from './dashboard-protocol';

/**
 * Pure functions from the report's shapes to what the dashboard shows. No DOM, no zod, no clock: the same input
 * always gives the same text, so the unit tests pin what a person reads. Only type imports from the core, so the
 * browser bundle stays free of zod.
 */

// ---------------------------------------------------------------------------------------------------------------
// Labels. Colour is never the only carrier of meaning: every risk, mode and status has an icon and a word.

/** Stable order: a cause keeps its colour index across charts and reloads. */
export const CAUSE_ORDER: readonly Cause[] = [
  'migration_misconfiguration',
  'webhook_auth_failure',
  'webhook_delivery_failure',
  'frontend_backend_mismatch',
  'platform_regression',
  'api_data_inconsistency',
  'rate_limiting',
  'api_auth_failure',
  'documentation_gap',
  'normal_operation',
  'unknown',
];

const CAUSE_LABELS: Record<Cause, string> = {
  migration_misconfiguration: 'Migration misconfiguration',
  webhook_auth_failure: 'Webhook auth failure',
  webhook_delivery_failure: 'Webhook delivery failure',
  frontend_backend_mismatch: 'Frontend/backend mismatch',
  platform_regression: 'Platform regression',
  api_data_inconsistency: 'API data inconsistency',
  rate_limiting: 'Rate limiting',
  api_auth_failure: 'API auth failure',
  documentation_gap: 'Documentation gap',
  normal_operation: 'Normal operation',
  unknown: 'Unknown',
};

export function causeLabel(cause: string | undefined): string {
  if (cause === undefined) return 'Not yet reasoned';
  return (CAUSE_LABELS as Record<string, string>)[cause] ?? cause;
}

export function causeIndex(cause: string): number {
  const i = CAUSE_ORDER.indexOf(cause as Cause);
  return i < 0 ? CAUSE_ORDER.length - 1 : i;
}

export interface Badge {
  readonly label: string;
  readonly icon: string;
  /** CSS class suffix, e.g. `risk-high`. */
  readonly tone: string;
}

export const RISK_BADGES: Record<Risk, Badge> = {
  low: { label: 'Low risk', icon: '▽', tone: 'risk-low' },
  medium: { label: 'Medium risk', icon: '◆', tone: 'risk-medium' },
  high: { label: 'High risk', icon: '▲', tone: 'risk-high' },
};

export const MODE_BADGES: Record<ReasoningMode, Badge> = {
  deterministic: { label: 'Rules', icon: '⚙', tone: 'mode-deterministic' },
  llm: { label: 'LLM', icon: '✦', tone: 'mode-llm' },
  hybrid: { label: 'Hybrid', icon: '⚙✦', tone: 'mode-hybrid' },
  llm_failed: { label: 'LLM failed', icon: '⚠', tone: 'mode-llm_failed' },
};

export const STATUS_BADGES: Record<Incident['status'], Badge> = {
  open: { label: 'Open', icon: '●', tone: 'status-open' },
  quiet: { label: 'Quiet', icon: '◐', tone: 'status-quiet' },
  resolved: { label: 'Resolved', icon: '✓', tone: 'status-resolved' },
};

export const ACTION_STATUS_BADGES: Record<ActionReport['status'], Badge> = {
  executed: { label: 'Executed', icon: '✓', tone: 'act-executed' },
  pending_approval: { label: 'Awaiting approval', icon: '‖', tone: 'act-pending' },
  blocked: { label: 'Blocked', icon: '⊘', tone: 'act-blocked' },
  skipped: { label: 'Skipped', icon: '–', tone: 'act-skipped' },
  failed: { label: 'Failed', icon: '✕', tone: 'act-failed' },
};

const APPROVAL_STATUS_LABELS: Record<ApprovalStatus, string> = {
  pending: 'Pending',
  approved: 'Approved',
  executing: 'Executing',
  done: 'Done',
  failed: 'Failed',
  rejected: 'Rejected',
  expired: 'Expired',
  superseded: 'Superseded',
  needs_review: 'Needs review',
};

const ACTION_LABELS: Record<ActionType, string> = {
  monitor: 'Monitor',
  draft_support_reply: 'Draft support reply',
  suggest_doc_update: 'Suggest doc update',
  create_escalation: 'Create escalation',
  notify_webhook: 'Notify webhook',
  pause_automation: 'Pause automation',
};

export function actionLabel(type: string): string {
  return (ACTION_LABELS as Record<string, string>)[type] ?? type;
}

const DETECTOR_LABELS: Record<Anomaly['detector'], string> = {
  threshold: 'Repeat threshold',
  spike: 'Spike',
  new_code: 'New error code',
  spread: 'Spread across merchants',
  ticket_surge: 'Ticket surge',
  silent_failure: 'Silent failure',
  tickets_without_errors: 'Tickets without errors',
};

export const OUTCOME_LABELS: Record<Outcome, string> = {
  resolved: 'Resolved',
  false_positive: 'False positive',
  wrong_cause: 'Wrong cause',
};

const RISK_RANK: Record<Risk, number> = { low: 1, medium: 2, high: 3 };

// ---------------------------------------------------------------------------------------------------------------
// Formatting (UTC, fixed precision: the same on every machine)

export function percent(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return `${Math.round(value * 100)} %`;
}

export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

function num(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function signed(value: number): string {
  const s = Math.abs(value) < 0.005 ? '0.00' : Math.abs(value).toFixed(2);
  return `${value < 0 ? '−' : '+'}${s}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The incident list

export function maxRisk(incident: Pick<Incident, 'decision'>): Risk | undefined {
  let best: Risk | undefined;
  for (const a of incident.decision?.actions ?? []) {
    if (a.type === 'monitor') continue;
    if (!best || RISK_RANK[a.risk] > RISK_RANK[best]) best = a.risk;
  }
  return best;
}

const SUMMARY_MERCHANTS = 5;

export function summarizeIncident(incident: Incident, pendingApprovals: number, rev: number): IncidentSummary {
  return {
    id: incident.id,
    rev,
    title: incident.title,
    status: incident.status,
    scope: incident.scope,
    cause: incident.cause ?? incident.decision?.cause,
    confidence: incident.confidence ?? incident.decision?.confidence,
    mode: incident.reasoningMode,
    risk: maxRisk(incident),
    merchants: incident.merchants.slice(0, SUMMARY_MERCHANTS),
    merchantCount: incident.merchants.length,
    firstSeen: incident.firstSeen,
    lastSeen: incident.lastSeen,
    pendingApprovals,
    actionCount: incident.decision?.actions.filter((a) => a.type !== 'monitor').length ?? 0,
    observationConfidence: incident.observationConfidence.value,
    search: [incident.id, incident.title, ...incident.merchants].join('\u0000').toLowerCase(),
  };
}

/** Pending approvals per incident id. */
export function pendingByIncident(approvals: readonly Approval[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const a of approvals) if (a.status === 'pending') out.set(a.incidentId, (out.get(a.incidentId) ?? 0) + 1);
  return out;
}

export interface IncidentFilter {
  readonly status?: string;
  readonly cause?: string;
  readonly risk?: string;
  readonly mode?: string;
  readonly pendingOnly?: boolean;
  readonly search?: string;
}

/** `'none'` in a filter field matches incidents that have no value there (no risk, not reasoned). */
export function matchesFilter(s: IncidentSummary, f: IncidentFilter, needle = (f.search ?? '').trim().toLowerCase()): boolean {
  if (f.status && s.status !== f.status) return false;
  if (f.cause && (s.cause ?? 'none') !== f.cause) return false;
  if (f.risk && (s.risk ?? 'none') !== f.risk) return false;
  if (f.mode && (s.mode ?? 'none') !== f.mode) return false;
  if (f.pendingOnly && s.pendingApprovals === 0) return false;
  if (needle && !s.search.includes(needle)) return false;
  return true;
}

const STATUS_RANK: Record<Incident['status'], number> = { open: 0, quiet: 1, resolved: 2 };

/** What needs a person first: pending approvals, then open before quiet before resolved, then most recent. */
export function compareSummaries(a: IncidentSummary, b: IncidentSummary): number {
  return (
    Number(b.pendingApprovals > 0) - Number(a.pendingApprovals > 0) ||
    STATUS_RANK[a.status] - STATUS_RANK[b.status] ||
    b.lastSeen - a.lastSeen ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export function filterAndSort(all: Iterable<IncidentSummary>, f: IncidentFilter): IncidentSummary[] {
  const needle = (f.search ?? '').trim().toLowerCase();
  const out: IncidentSummary[] = [];
  for (const s of all) if (matchesFilter(s, f, needle)) out.push(s);
  return out.sort(compareSummaries);
}

// ---------------------------------------------------------------------------------------------------------------
// The ORDA trace

export interface AnomalyView {
  readonly detector: string;
  readonly signature: string;
  readonly baseline: string;
  readonly observed: string;
  readonly threshold: string;
  /** "observed 14 vs threshold 5 (baseline 1.2)" — the comparison in one line. */
  readonly comparison: string;
  readonly window: string;
  readonly merchants: readonly string[];
  readonly explanation: string;
}

export interface EvidenceView {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
  /** `file:line` (`file:line:column` when known). */
  readonly location: string;
  readonly kind: 'event' | 'ticket';
  readonly recordId: string;
  readonly merchantId: string;
  readonly code: string;
  readonly time: string;
}

export interface ObserveView {
  readonly counts: readonly { label: string; value: string }[];
  readonly evidenceFiles: readonly { file: string; count: number }[];
  readonly signatures: readonly { signature: string; kind: string; count: string; merchants: number }[];
  readonly anomalies: readonly AnomalyView[];
  readonly merchants: readonly string[];
  readonly confidence: { value: number; percent: string; level: 'high' | 'medium' | 'low' };
  readonly confidenceFactors: readonly { name: string; delta: string; detail: string }[];
  readonly evidence: readonly EvidenceView[];
}

export interface HypothesisView {
  readonly cause: string;
  readonly causeLabel: string;
  readonly confidence: number;
  readonly percent: string;
  readonly source: string;
  readonly sourceKind: 'rule' | 'llm';
  readonly explanation: string;
  readonly evidence: readonly string[];
  readonly calibration?: string;
  readonly agreement?: string;
  /** The hypothesis the decision went with. */
  readonly chosen: boolean;
}

export interface LlmView {
  readonly model: string;
  readonly prompt: string;
  readonly rawAnswer?: string;
  readonly repairs: readonly string[];
  readonly latency: string;
  readonly cache: string;
  readonly attempts: number;
  readonly error?: string;
}

export interface ReasonView {
  readonly reasoned: boolean;
  readonly mode?: ReasoningMode;
  readonly modeBadge?: Badge;
  /** Why this mode, in one sentence. */
  readonly modeDetail: string;
  readonly ambiguity: readonly string[];
  readonly hypotheses: readonly HypothesisView[];
  readonly llm?: LlmView;
}

export interface GateView {
  readonly name: string;
  readonly passed: boolean;
  readonly verdict: string;
  readonly detail: string;
  readonly numbers?: string;
  readonly effect?: string;
  readonly binding: boolean;
}

export interface DecideView {
  readonly decided: boolean;
  readonly cause: string;
  readonly confidence: string;
  readonly summary: string;
  readonly groups: readonly { actionId: string; action: string; risk: Badge; gates: readonly GateView[] }[];
  readonly binding?: { name: string; passed: boolean; margin: string; sentence: string };
}

export interface ApprovalView {
  readonly id: string;
  readonly status: ApprovalStatus;
  readonly statusLabel: string;
  readonly pending: boolean;
  readonly expires: string;
  readonly decided?: string;
  readonly result?: string;
  readonly error?: string;
}

export interface ActionView {
  readonly id: string;
  readonly type: string;
  readonly typeLabel: string;
  readonly risk: Badge;
  readonly status: Badge;
  readonly reason: string;
  /** The exact parameters, formatted JSON. */
  readonly params: string;
  readonly result?: string;
  readonly error?: string;
  readonly approval?: ApprovalView;
}

export interface ActView {
  readonly actions: readonly ActionView[];
  readonly pending: number;
}

export interface TraceView {
  readonly id: string;
  readonly title: string;
  readonly status: Badge;
  readonly scope: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly duration: string;
  readonly reopened: number;
  /** The three questions at a glance: what does the agent believe, why, and what does it want to do. */
  readonly headline: { believes: string; why: string; wants: string };
  readonly observe: ObserveView;
  readonly reason: ReasonView;
  readonly decide: DecideView;
  readonly act: ActView;
}

function anomalyView(a: Anomaly): AnomalyView {
  const baseline = a.baseline === null ? 'none' : num(a.baseline);
  return {
    detector: DETECTOR_LABELS[a.detector] ?? a.detector,
    signature: a.signature,
    baseline,
    observed: num(a.observed),
    threshold: num(a.threshold),
    comparison:
      `observed ${num(a.observed)} ${a.observed >= a.threshold ? '≥' : '<'} threshold ${num(a.threshold)}` +
      (a.baseline === null ? ' (no baseline)' : ` (baseline ${baseline})`),
    window: `${formatTime(a.windowStart)} → ${formatTime(a.windowEnd)}`,
    merchants: a.merchants,
    explanation: a.explanation,
  };
}

function observeView(incident: Incident): ObserveView {
  const f = incident.features;
  const files = new Map<string, number>();
  for (const e of incident.evidence) files.set(e.file, (files.get(e.file) ?? 0) + 1);
  const value = incident.observationConfidence.value;
  return {
    counts: [
      { label: 'Events', value: num(f.eventCount) },
      { label: 'Tickets', value: num(f.ticketCount) },
      { label: 'Merchants', value: num(f.merchantCount) },
      { label: 'Error types', value: num(f.distinctErrorTypes) },
      { label: 'Services', value: f.services.join(', ') || '—' },
    ],
    evidenceFiles: [...files].map(([file, count]) => ({ file, count })).sort((a, b) => b.count - a.count || (a.file < b.file ? -1 : 1)),
    signatures: [...incident.signatures]
      .sort((a, b) => b.count - a.count)
      .map((s) => ({ signature: s.signature, kind: s.kind, count: num(s.count), merchants: s.merchants.length })),
    anomalies: incident.anomalies.map(anomalyView),
    merchants: incident.merchants,
    confidence: { value, percent: percent(value), level: value >= 0.8 ? 'high' : value >= 0.6 ? 'medium' : 'low' },
    confidenceFactors: incident.observationConfidence.factors.map((x) => ({ name: x.name, delta: signed(x.delta), detail: x.detail })),
    evidence: incident.evidence.map((e) => ({
      file: e.file,
      line: e.line,
      column: e.column,
      location: `${e.file}:${e.line}${e.column ? `:${e.column}` : ''}`,
      kind: e.kind,
      recordId: e.recordId,
      merchantId: e.merchantId,
      code: e.code,
      time: formatTime(e.timestamp),
    })),
  };
}

function hypothesisView(h: Hypothesis, chosenCause: string | undefined, isFirstOfChosen: boolean): HypothesisView {
  return {
    cause: h.cause,
    causeLabel: causeLabel(h.cause),
    confidence: h.confidence,
    percent: percent(h.confidence),
    source: h.source.kind === 'rule' ? `rule ${h.source.ruleId}` : `model ${h.source.model}`,
    sourceKind: h.source.kind,
    explanation: h.explanation,
    evidence: h.evidence,
    calibration: h.calibration
      ? `calibrated ${num(h.calibration.raw)} → ${num(h.calibration.calibrated)} (rule precision ${percent(h.calibration.precision)} over ${h.calibration.samples} outcomes): ${h.calibration.detail}`
      : undefined,
    agreement:
      h.ruleAgrees === undefined
        ? undefined
        : h.ruleAgrees
          ? 'A rule agrees with this LLM hypothesis'
          : 'No rule agrees: LLM confidence capped',
    chosen: isFirstOfChosen && h.cause === chosenCause,
  };
}

function modeDetail(incident: Incident): string {
  const reasons = incident.ambiguity?.reasons ?? [];
  const why = reasons.length ? `ambiguous: ${reasons.join('; ')}` : '';
  switch (incident.reasoningMode) {
    case undefined:
      return 'Not reasoned yet: the incident is still being observed.';
    case 'deterministic':
      return incident.ambiguity?.ambiguous
        ? `Rules only, although ${why} (the LLM is off or unavailable).`
        : 'Rules only: the rules were confident and unambiguous, so no LLM was asked.';
    case 'llm':
      return `The LLM decided the cause${why ? ` — ${why}` : ''}.`;
    case 'hybrid':
      return `Rules and the LLM were combined${why ? ` — ${why}` : ''}.`;
    case 'llm_failed':
      return `The LLM was asked but failed (${incident.llm?.error ?? 'no usable answer'}); fell back to the rules' decision.`;
  }
}

function reasonView(incident: Incident): ReasonView {
  const chosen = incident.decision?.cause ?? incident.cause;
  let chosenSeen = false;
  const hypotheses = [...(incident.hypotheses ?? [])]
    .sort((a, b) => b.confidence - a.confidence)
    .map((h) => {
      const first = !chosenSeen && h.cause === chosen;
      if (first) chosenSeen = true;
      return hypothesisView(h, chosen, first);
    });
  const llm = incident.llm;
  return {
    reasoned: incident.reasoningMode !== undefined || hypotheses.length > 0,
    mode: incident.reasoningMode,
    modeBadge: incident.reasoningMode ? MODE_BADGES[incident.reasoningMode] : undefined,
    modeDetail: modeDetail(incident),
    ambiguity: incident.ambiguity?.reasons ?? [],
    hypotheses,
    llm: llm
      ? {
          model: llm.model,
          prompt: llm.prompt,
          rawAnswer: llm.rawAnswer,
          repairs: llm.repairs,
          latency: llm.latencyMs === undefined ? '—' : formatDuration(llm.latencyMs),
          cache: llm.cacheHit ? 'cache hit (no call made)' : 'cache miss',
          attempts: llm.attempts,
          error: llm.error,
        }
      : undefined,
  };
}

function gateView(g: Gate, bindingName: string | undefined): GateView {
  const numbers =
    g.value !== undefined && g.required !== undefined
      ? `${num(g.value)} ${g.passed ? '≥' : '<'} ${num(g.required)} required`
      : undefined;
  return {
    name: g.name,
    passed: g.passed,
    verdict: g.passed ? 'passed' : 'failed',
    detail: g.detail,
    numbers,
    effect: g.passed || !g.effect ? undefined : g.effect === 'block' ? 'blocks the action' : 'requires approval',
    binding: bindingName !== undefined && g.name === bindingName,
  };
}

function decideView(incident: Incident): DecideView {
  const d = incident.decision;
  if (!d) {
    return { decided: false, cause: causeLabel(incident.cause), confidence: percent(incident.confidence), summary: 'No decision yet.', groups: [] };
  }
  const groups = d.actions.map((a) => ({
    actionId: a.id,
    action: actionLabel(a.type),
    risk: RISK_BADGES[a.risk],
    gates: a.gates.map((g) => gateView(g, d.bindingGate)),
  }));
  let binding: DecideView['binding'];
  if (d.bindingGate) {
    const gate = d.actions.flatMap((a) => a.gates).find((g) => g.name === d.bindingGate);
    const passed = gate?.passed ?? (d.margin ?? 0) >= 0;
    const margin = d.margin === undefined ? '—' : signed(d.margin);
    binding = {
      name: d.bindingGate,
      passed,
      margin,
      sentence:
        `The binding gate was “${d.bindingGate}”: it ${passed ? 'passed' : 'failed'}` +
        (d.margin === undefined ? '.' : ` by a margin of ${margin.replace(/^[+−]/, '')}.`) +
        (gate ? ` ${gate.detail}` : ''),
    };
  }
  return { decided: true, cause: causeLabel(d.cause), confidence: percent(d.confidence), summary: d.summary, groups, binding };
}

function approvalView(a: Approval): ApprovalView {
  return {
    id: a.id,
    status: a.status,
    statusLabel: APPROVAL_STATUS_LABELS[a.status] ?? a.status,
    pending: a.status === 'pending',
    expires: formatTime(a.expiresAt),
    decided: a.decidedBy ? `${APPROVAL_STATUS_LABELS[a.status] ?? a.status} by ${a.decidedBy}${a.decisionReason ? `: ${a.decisionReason}` : ''}` : undefined,
    result: a.result,
    error: a.error,
  };
}

/** Stable, readable JSON: keys in insertion order, two-space indent, no prototype surprises. */
export function formatParams(params: Record<string, unknown>): string {
  try {
    return JSON.stringify(params, null, 2) ?? '{}';
  } catch {
    return '(parameters could not be shown)';
  }
}

function actView(incident: Incident, approvals: readonly Approval[]): ActView {
  const byId = new Map(approvals.map((a) => [a.id, a]));
  const byAction = new Map(approvals.filter((a) => a.incidentId === incident.id).map((a) => [a.actionId, a]));
  const actions = (incident.decision?.actions ?? []).map((a): ActionView => {
    const approval = (a.approvalId ? byId.get(a.approvalId) : undefined) ?? byAction.get(a.id);
    return {
      id: a.id,
      type: a.type,
      typeLabel: actionLabel(a.type),
      risk: RISK_BADGES[a.risk],
      status: ACTION_STATUS_BADGES[a.status],
      reason: a.reason,
      params: formatParams(a.params),
      result: a.result ?? approval?.result,
      error: a.error ?? approval?.error,
      approval: approval ? approvalView(approval) : undefined,
    };
  });
  return { actions, pending: actions.filter((a) => a.approval?.pending).length };
}

function headline(incident: Incident, reason: ReasonView, decide: DecideView, act: ActView): TraceView['headline'] {
  const cause = incident.decision?.cause ?? incident.cause;
  const conf = incident.decision?.confidence ?? incident.confidence;
  const believes =
    cause === undefined
      ? 'No cause yet: the agent is still observing.'
      : `${causeLabel(cause)} (${percent(conf)} confident, ${reason.modeBadge?.label.toLowerCase() ?? 'rules'}).`;
  const top = reason.hypotheses.find((h) => h.chosen) ?? reason.hypotheses[0];
  const anomaly = incident.anomalies[0];
  const why = top
    ? `${top.explanation} — ${top.source}.`
    : anomaly
      ? `${anomaly.explanation}.`
      : 'No anomaly or hypothesis recorded yet.';
  const real = act.actions.filter((a) => a.type !== 'monitor');
  let wants: string;
  if (!decide.decided) wants = 'Nothing yet.';
  else if (act.pending > 0) {
    // Every pending action is named, monitor included: the count and the list must agree.
    const p = act.actions.filter((a) => a.approval?.pending).map((a) => `${a.typeLabel} (${a.risk.label.toLowerCase()})`);
    wants = `Needs your approval to: ${p.join(', ')}.`;
  } else if (real.length === 0) wants = 'Only to keep monitoring.';
  else {
    const parts = real.map((a) => `${a.typeLabel}: ${a.status.label.toLowerCase()}`);
    wants = `${parts.join('; ')}.`;
  }
  return { believes, why, wants };
}

export function buildTrace(incident: Incident, approvals: readonly Approval[]): TraceView {
  const reason = reasonView(incident);
  const decide = decideView(incident);
  const act = actView(incident, approvals);
  return {
    id: incident.id,
    title: incident.title,
    status: STATUS_BADGES[incident.status],
    scope: incident.scope.replace('_', '-'),
    firstSeen: formatTime(incident.firstSeen),
    lastSeen: formatTime(incident.lastSeen),
    duration: formatDuration(incident.lastSeen - incident.firstSeen),
    reopened: incident.reopened,
    headline: headline(incident, reason, decide, act),
    observe: observeView(incident),
    reason,
    decide,
    act,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Trends

export interface StackSegment {
  readonly cause: string;
  readonly label: string;
  readonly index: number;
  readonly count: number;
  /** Cumulative count below / above this segment. */
  readonly y0: number;
  readonly y1: number;
}

export interface TrendsView {
  readonly empty: boolean;
  readonly bucketLabel: string;
  readonly causes: readonly { cause: string; label: string; index: number; total: number }[];
  readonly causeBars: readonly { bucket: number; label: string; total: number; segments: readonly StackSegment[] }[];
  readonly maxTotal: number;
  readonly modeMix: readonly { mode: ReasoningMode; badge: Badge; count: number; share: number; percent: string }[];
  readonly confidence: readonly { cause: string; label: string; index: number; points: readonly { bucket: number; label: string; mean: number }[] }[];
  readonly buckets: readonly { bucket: number; label: string }[];
  readonly outcomes: readonly { outcome: Outcome; label: string; count: number }[];
  readonly rulePrecision: readonly { ruleId: string; precision: number; percent: string; samples: number }[];
  readonly llm: { calls: number; failures: number; failureRate: string; cacheHits: number; cacheRate: string; meanLatency: string };
}

export function bucketLabel(bucket: number, bucketMs: number): string {
  const iso = new Date(bucket).toISOString();
  return bucketMs >= 86_400_000 ? iso.slice(5, 10) : bucketMs >= 60_000 ? iso.slice(11, 16) : iso.slice(11, 19);
}

/**
 * Merges neighbouring buckets so a long history draws at most `maxBuckets` bars: counts add up, confidence means
 * are weighted by the incident counts of the buckets they merge.
 */
export function coarsenTrends(t: Trends, maxBuckets: number): Trends {
  const all = new Set<number>();
  for (const c of t.causeCounts) all.add(c.bucket);
  for (const c of t.confidence) all.add(c.bucket);
  if (all.size <= maxBuckets || t.bucketMs <= 0) return t;
  const min = Math.min(...all);
  const max = Math.max(...all);
  const span = Math.floor((max - min) / t.bucketMs) + 1;
  const factor = Math.ceil(span / maxBuckets);
  const size = t.bucketMs * factor;
  const to = (b: number): number => min + Math.floor((b - min) / size) * size;
  const counts = new Map<string, number>();
  const weight = new Map<string, number>();
  for (const c of t.causeCounts) {
    const k = `${to(c.bucket)}\u0000${c.cause}`;
    counts.set(k, (counts.get(k) ?? 0) + c.count);
    weight.set(`${c.bucket}\u0000${c.cause}`, c.count);
  }
  const conf = new Map<string, { sum: number; w: number }>();
  for (const c of t.confidence) {
    const w = weight.get(`${c.bucket}\u0000${c.cause}`) ?? 1;
    const k = `${to(c.bucket)}\u0000${c.cause}`;
    const acc = conf.get(k) ?? { sum: 0, w: 0 };
    acc.sum += c.mean * w;
    acc.w += w;
    conf.set(k, acc);
  }
  const split = (k: string): { bucket: number; cause: string } => {
    const i = k.indexOf('\u0000');
    return { bucket: Number(k.slice(0, i)), cause: k.slice(i + 1) };
  };
  return {
    ...t,
    bucketMs: size,
    causeCounts: [...counts].map(([k, count]) => ({ ...split(k), count })),
    confidence: [...conf].map(([k, v]) => ({ ...split(k), mean: v.w ? v.sum / v.w : 0 })),
  };
}

export function buildTrendsView(input: Trends, maxBuckets = 48): TrendsView {
  const t = coarsenTrends(input, maxBuckets);
  const bucketSet = new Set<number>();
  for (const c of t.causeCounts) bucketSet.add(c.bucket);
  for (const c of t.confidence) bucketSet.add(c.bucket);
  const bucketList = [...bucketSet].sort((a, b) => a - b);
  const buckets = bucketList.map((bucket) => ({ bucket, label: bucketLabel(bucket, t.bucketMs) }));

  const totals = new Map<string, number>();
  const cells = new Map<number, Map<string, number>>();
  for (const c of t.causeCounts) {
    if (!(c.count > 0)) continue;
    totals.set(c.cause, (totals.get(c.cause) ?? 0) + c.count);
    const row = cells.get(c.bucket) ?? new Map<string, number>();
    row.set(c.cause, (row.get(c.cause) ?? 0) + c.count);
    cells.set(c.bucket, row);
  }
  const causes = [...totals]
    .map(([cause, total]) => ({ cause, label: causeLabel(cause), index: causeIndex(cause), total }))
    .sort((a, b) => a.index - b.index || (a.cause < b.cause ? -1 : 1));

  let maxTotal = 0;
  const causeBars = buckets.map(({ bucket, label }) => {
    const row = cells.get(bucket);
    let y = 0;
    const segments: StackSegment[] = [];
    for (const c of causes) {
      const count = row?.get(c.cause) ?? 0;
      if (count <= 0) continue;
      segments.push({ cause: c.cause, label: c.label, index: c.index, count, y0: y, y1: y + count });
      y += count;
    }
    maxTotal = Math.max(maxTotal, y);
    return { bucket, label, total: y, segments };
  });

  const modeTotal = t.modeMix.reduce((s, m) => s + m.count, 0);
  const modeMix = t.modeMix
    .filter((m) => m.count > 0)
    .map((m) => ({
      mode: m.mode,
      badge: MODE_BADGES[m.mode],
      count: m.count,
      share: modeTotal ? m.count / modeTotal : 0,
      percent: percent(modeTotal ? m.count / modeTotal : 0),
    }));

  const series = new Map<string, { bucket: number; label: string; mean: number }[]>();
  for (const c of t.confidence) {
    if (!Number.isFinite(c.mean)) continue;
    const pts = series.get(c.cause) ?? [];
    pts.push({ bucket: c.bucket, label: bucketLabel(c.bucket, t.bucketMs), mean: Math.min(1, Math.max(0, c.mean)) });
    series.set(c.cause, pts);
  }
  const confidence = [...series]
    .map(([cause, points]) => ({ cause, label: causeLabel(cause), index: causeIndex(cause), points: points.sort((a, b) => a.bucket - b.bucket) }))
    .sort((a, b) => a.index - b.index);

  const calls = t.llm.calls;
  return {
    empty: causeBars.length === 0 && modeMix.length === 0 && calls === 0 && t.outcomes.every((o) => o.count === 0),
    bucketLabel: formatDuration(t.bucketMs),
    causes,
    causeBars,
    maxTotal,
    modeMix,
    confidence,
    buckets,
    outcomes: t.outcomes.map((o) => ({ outcome: o.outcome, label: OUTCOME_LABELS[o.outcome] ?? o.outcome, count: o.count })),
    rulePrecision: [...t.rulePrecision]
      .sort((a, b) => b.samples - a.samples || (a.ruleId < b.ruleId ? -1 : 1))
      .map((r) => ({ ruleId: r.ruleId, precision: r.precision, percent: percent(r.precision), samples: r.samples })),
    llm: {
      calls,
      failures: t.llm.failures,
      failureRate: calls ? percent(t.llm.failures / calls) : '—',
      cacheHits: t.llm.cacheHits,
      cacheRate: calls + t.llm.cacheHits ? percent(t.llm.cacheHits / (calls + t.llm.cacheHits)) : '—',
      meanLatency: t.llm.meanLatencyMs === null ? '—' : formatDuration(t.llm.meanLatencyMs),
    },
  };
}

/** "Nice" upper bound for a chart axis and its tick values. */
export function niceScale(max: number, ticks = 4): { max: number; ticks: number[] } {
  if (!(max > 0)) return { max: 1, ticks: [0, 1] };
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const top = Math.ceil(max / step) * step;
  const out: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) out.push(Number(v.toPrecision(12)));
  return { max: top, ticks: out };
}

// ---------------------------------------------------------------------------------------------------------------
// Header

export interface StatusView {
  readonly items: readonly { label: string; value: string; tone: string; title: string }[];
}

export function buildStatusView(s: AgentStatus): StatusView {
  return {
    items: [
      {
        label: s.running ? (s.paused ? '⏸ Paused' : '▶ Running') : '■ Stopped',
        value: '',
        tone: s.running && !s.paused ? 'ok' : 'warn',
        title: s.running ? (s.paused ? 'The loop observes but takes no actions' : 'The loop is running') : 'The loop is stopped',
      },
      { label: 'Open', value: String(s.openIncidents), tone: 'neutral', title: 'Open incidents' },
      { label: 'Approvals', value: String(s.pendingApprovals), tone: s.pendingApprovals ? 'attention' : 'neutral', title: 'Pending approvals' },
      {
        label: s.llm.ok ? '✦ LLM ready' : '✦ LLM off',
        value: '',
        tone: s.llm.ok ? 'ok' : 'neutral',
        title: s.llm.status + (s.llm.fix ? ` — ${s.llm.fix}` : ''),
      },
      ...(s.effectsAllowed
        ? []
        : [{ label: '🔒 Restricted', value: '', tone: 'warn', title: 'Untrusted workspace: nothing executes, nothing is posted, no LLM call' }]),
    ],
  };
}
