import type { AgentApi, AgentStatus, ApprovalResult, IncidentChange, Outcome, Trends } from '../../src/core/loop/agent-api';
import { mulberry32 } from '../../src/core/generate/prng';
import { Emitter } from '../../src/core/ports/disposable';
import type {
  ActionReport,
  ActionType,
  Approval,
  Cause,
  Gate,
  Hypothesis,
  Incident,
  ReasoningMode,
  Report,
  Risk,
} from '../../src/core/report/schema';

/**
 * An in-memory AgentApi with realistic incidents (the shapes the real loop produces: anomalies with baselines,
 * hypotheses from rules and a model, gates with numbers, actions awaiting approval), for the dashboard's unit and
 * browser tests. Deterministic: incident `i` is always the same. `approve`/`reject` change state and fire the same
 * events the real agent does, and are recorded in `calls`.
 */

export const T0 = Date.UTC(2025, 2, 14, 9, 0, 0);

const rng = (seed: number): (() => number) => mulberry32(seed).next;

interface Scenario {
  cause: Cause;
  title: string;
  code: string;
  service: string;
  rule: string;
  action: ActionType;
  risk: Risk;
  explanation: string;
}

const SCENARIOS: Scenario[] = [
  { cause: 'webhook_auth_failure', title: 'Webhook signature rejected (401) after secret rotation', code: 'http_401', service: 'webhook', rule: 'webhook-401-after-migration', action: 'notify_webhook', risk: 'high', explanation: 'Webhook deliveries fail with 401 for merchants migrated in the last window: the signing secret was not copied' },
  { cause: 'migration_misconfiguration', title: 'Checkout timeouts on migrated stores', code: 'checkout_timeout', service: 'checkout', rule: 'checkout-timeout-migration-stage', action: 'create_escalation', risk: 'medium', explanation: 'Checkout timeouts cluster on merchants in migration stage "cutover"' },
  { cause: 'rate_limiting', title: 'API 429 bursts on catalog sync', code: 'http_429', service: 'api', rule: 'api-429-burst', action: 'draft_support_reply', risk: 'low', explanation: 'Bursts of 429 from the catalog API at sync time' },
  { cause: 'documentation_gap', title: 'How-to tickets about headless cart without errors', code: 'ticket:how_to_cart', service: 'support', rule: 'howto-tickets-no-errors', action: 'suggest_doc_update', risk: 'low', explanation: 'Tickets ask how to configure the headless cart; no matching errors for those merchants' },
  { cause: 'platform_regression', title: 'New error code payment_intent_mismatch across merchants', code: 'payment_intent_mismatch', service: 'checkout', rule: 'new-code-spread', action: 'pause_automation', risk: 'high', explanation: 'A never-seen error code appeared on many merchants in one window' },
  { cause: 'api_data_inconsistency', title: 'API returns 200 with empty inventory', code: 'ticket:api_200_inconsistent', service: 'api', rule: 'api-200-inconsistent', action: 'create_escalation', risk: 'medium', explanation: 'Tickets report 200 responses with inconsistent inventory data' },
];

const MODES: ReasoningMode[] = ['deterministic', 'deterministic', 'deterministic', 'hybrid', 'llm', 'llm_failed'];

export interface IncidentOverrides {
  /** Put into every untrusted text field: title, merchants, codes, ticket text in the prompt, LLM answer, params. */
  hostile?: string;
}

export function makeIncident(i: number, o: IncidentOverrides = {}): Incident {
  const r = rng(i + 1);
  const sc = SCENARIOS[i % SCENARIOS.length]!;
  const mode = MODES[Math.floor(i / SCENARIOS.length) % MODES.length]!;
  const h = o.hostile;
  const merchantCount = 1 + Math.floor(r() * 12);
  const merchants = Array.from({ length: merchantCount }, (_, k) => (h && k === 0 ? h : `m_${(i * 7 + k * 13) % 997}_store`));
  const code = h ?? sc.code;
  const firstSeen = T0 + i * 10 * 60_000;
  const lastSeen = firstSeen + 5 * 60_000 + Math.floor(r() * 600_000);
  const observed = 5 + Math.floor(r() * 40);
  const obsConf = Math.round((0.55 + r() * 0.45) * 100) / 100;
  const conf = Math.round((0.5 + r() * 0.48) * 100) / 100;
  const llmConf = Math.round((0.55 + r() * 0.3) * 100) / 100;
  const id = `inc_${String(i).padStart(5, '0')}`;
  const ruleHyp: Hypothesis = {
    cause: sc.cause,
    confidence: conf,
    explanation: h ? `${sc.explanation} ${h}` : sc.explanation,
    evidence: [`${code}@${sc.service} ×${observed}`, `${merchantCount} merchants`],
    source: { kind: 'rule', ruleId: sc.rule },
    ...(i % 4 === 0 ? { calibration: { raw: Math.min(1, conf + 0.08), calibrated: conf, precision: 0.82, samples: 17, detail: '3 of 17 outcomes were false positives' } } : {}),
  };
  const alt: Hypothesis = {
    cause: 'unknown',
    confidence: Math.round(conf * 0.5 * 100) / 100,
    explanation: 'Not enough signal to rule out an unrelated failure',
    evidence: [],
    source: { kind: 'rule', ruleId: 'fallback-unknown' },
  };
  const hypotheses: Hypothesis[] = [ruleHyp, alt];
  let llm: Incident['llm'];
  if (mode === 'llm' || mode === 'hybrid' || mode === 'llm_failed') {
    const ticket = h ?? 'Our webhooks stopped after the migration, we get 401 on every order.created';
    llm = {
      model: 'phi3:mini',
      prompt: `SYSTEM: You diagnose e-commerce migration incidents. Answer JSON only.\n<<<UNTRUSTED ticket excerpts>>>\n${ticket}\ncontact: [REDACTED_EMAIL]\n<<<END>>>\nCandidates: ${sc.cause} (${conf}), unknown.`,
      ...(mode === 'llm_failed' ? {} : { rawAnswer: h ? `{"cause":"${sc.cause}","explanation":"${h}"}` : `{"cause":"${sc.cause}","confidence":${llmConf},"explanation":"401s start exactly at cutover"}` }),
      repairs: mode === 'hybrid' ? ['stripped markdown code fence', 'clamped confidence 1.3 → 1'] : [],
      latencyMs: mode === 'llm_failed' ? 30_000 : 800 + Math.floor(r() * 2500),
      cacheHit: i % 10 === 3,
      ...(mode === 'llm_failed' ? { error: 'timeout after 30 s' } : {}),
      attempts: mode === 'llm_failed' ? 2 : 1,
    };
    if (mode !== 'llm_failed') {
      hypotheses.push({
        cause: sc.cause,
        confidence: llmConf,
        explanation: h ?? '401s start exactly at the cutover of each merchant',
        evidence: ['ticket T-1042'],
        source: { kind: 'llm', model: 'phi3:mini' },
        ruleAgrees: true,
      });
    }
  }
  const decConf = mode === 'llm' ? llmConf : conf;
  const required = sc.risk === 'high' ? 0.9 : sc.risk === 'medium' ? 0.8 : 0.6;
  const confGate: Gate = {
    name: 'reasoning_confidence',
    passed: decConf >= required,
    detail: `reasoning confidence ${decConf.toFixed(2)} ${decConf >= required ? '≥' : '<'} ${required.toFixed(2)} required for ${sc.risk} risk`,
    value: decConf,
    required,
    effect: 'require_approval',
  };
  const obsGate: Gate = {
    name: 'observation_confidence',
    passed: obsConf >= 0.6,
    detail: `observation confidence ${obsConf.toFixed(2)} ${obsConf >= 0.6 ? '≥' : '<'} 0.60`,
    value: obsConf,
    required: 0.6,
    effect: 'block',
  };
  const riskGate: Gate = {
    name: 'risk_policy',
    passed: sc.risk === 'low',
    detail: sc.risk === 'low' ? 'low-risk actions may run automatically (autonomy auto-low-risk)' : `${sc.risk}-risk actions always need a person`,
    effect: 'require_approval',
  };
  const gates = [obsGate, confGate, riskGate];
  const blocked = !obsGate.passed;
  const needsApproval = !blocked && (!confGate.passed || !riskGate.passed);
  const actionId = `${id}:a1`;
  const params: Record<string, unknown> =
    sc.action === 'notify_webhook'
      ? { url: 'https://hooks.example.com/ops', merchants: merchants.slice(0, 3), message: h ?? `Webhook 401s for ${merchantCount} merchants` }
      : sc.action === 'draft_support_reply'
        ? { ticketId: 'T-1042', merchantId: merchants[0], body: h ?? 'Hi, we are seeing rate limiting on catalog sync; we slowed the sync to 2 req/s.' }
        : { incidentId: id, summary: h ?? sc.title, merchants: merchants.slice(0, 5) };
  const action: ActionReport = {
    id: actionId,
    type: sc.action,
    risk: sc.risk,
    status: blocked ? 'blocked' : needsApproval ? 'pending_approval' : 'executed',
    gates,
    params,
    key: `${id}|${sc.action}`,
    reason: `${sc.explanation}.`,
    ...(needsApproval ? { approvalId: `apr_${id}` } : {}),
    ...(!blocked && !needsApproval ? { result: `Draft written to .cosmos/out/${id}.md` } : {}),
  };
  const monitor: ActionReport = {
    id: `${id}:a0`,
    type: 'monitor',
    risk: 'low',
    status: 'executed',
    gates: [],
    params: { incidentId: id },
    key: `${id}|monitor`,
    reason: 'Always keep watching an open incident.',
    result: 'watching',
  };
  const binding = blocked ? obsGate : !confGate.passed ? confGate : riskGate;
  return {
    id,
    fingerprint: `fp_${sc.cause}_${i}`,
    status: i % 11 === 5 ? 'resolved' : i % 7 === 3 ? 'quiet' : 'open',
    title: h ? `${sc.title} ${h}` : sc.title,
    scope: merchantCount >= 10 ? 'platform' : merchantCount >= 3 ? 'multi_merchant' : 'merchant',
    merchants,
    firstSeen,
    lastSeen,
    evidence: Array.from({ length: 4 }, (_, k) => ({
      file: k === 3 ? 'tickets.json' : 'events.ndjson',
      line: 10 + i * 4 + k,
      column: 1,
      recordId: k === 3 ? `T-${1000 + i}` : `evt_${i}_${k}`,
      kind: k === 3 ? ('ticket' as const) : ('event' as const),
      merchantId: merchants[k % merchants.length]!,
      code,
      timestamp: firstSeen + k * 30_000,
    })),
    anomalies: [
      {
        detector: 'threshold',
        signature: `${code}@${sc.service}`,
        merchants: merchants.slice(0, 4),
        baseline: Math.round(r() * 20) / 10,
        observed,
        threshold: 5,
        windowStart: firstSeen,
        windowEnd: firstSeen + 600_000,
        explanation: h ? `${observed} × ${h}` : `${observed} × ${sc.code} in 10 min (threshold 5)`,
      },
      ...(i % 3 === 0
        ? [{ detector: 'new_code' as const, signature: `${code}@${sc.service}`, merchants: merchants.slice(0, 2), baseline: null, observed: 1, threshold: 1, windowStart: firstSeen, windowEnd: firstSeen + 600_000, explanation: 'first occurrence of this code' }]
        : []),
    ],
    signatures: [{ signature: `${code}@${sc.service}`, kind: 'event', code, service: sc.service, count: observed, merchants: merchants.slice(0, 5) }],
    features: {
      eventCount: observed,
      ticketCount: 1 + (i % 4),
      merchantCount,
      errorCodes: [code],
      ticketIssues: [],
      services: [sc.service],
      migrationStages: ['cutover'],
      endpoints: ['/v1/orders'],
      httpStatuses: [401],
      distinctErrorTypes: 1,
      countsByCode: { [code]: observed },
      ticketsWithErrors: 1,
      ticketsWithoutErrors: 0,
      errorsWithoutTickets: merchantCount - 1,
      howToTickets: 0,
      newCodes: i % 3 === 0 ? [code] : [],
      durationMs: lastSeen - firstSeen,
      detectors: ['threshold'],
    },
    observationConfidence: {
      value: obsConf,
      factors: obsConf < 1 ? [{ name: 'no ticket for most merchants', delta: -Math.round((1 - obsConf) * 100) / 100, detail: `${merchantCount - 1} of ${merchantCount} merchants raised no ticket` }] : [],
    },
    reopened: i % 13 === 0 ? 1 : 0,
    cause: sc.cause,
    confidence: decConf,
    reasoningMode: mode,
    hypotheses,
    ambiguity: mode === 'deterministic' ? { ambiguous: false, reasons: [] } : { ambiguous: true, reasons: ['top two hypotheses within 0.10'] },
    ...(llm ? { llm } : {}),
    decision: {
      cause: sc.cause,
      confidence: decConf,
      actions: [monitor, action],
      bindingGate: binding.name,
      margin: binding.value !== undefined && binding.required !== undefined ? Math.round((binding.value - binding.required) * 100) / 100 : undefined,
      summary: blocked
        ? `Blocked: observation confidence too low to act on ${sc.action}.`
        : needsApproval
          ? `${sc.action} needs approval (${sc.risk} risk).`
          : `${sc.action} executed automatically (low risk, confident).`,
    },
  };
}

export function approvalFor(incident: Incident, createdAt = incident.lastSeen): Approval | undefined {
  const a = incident.decision?.actions.find((x) => x.status === 'pending_approval' && x.approvalId);
  if (!a || !a.approvalId) return undefined;
  return {
    id: a.approvalId,
    incidentId: incident.id,
    fingerprint: incident.fingerprint,
    actionId: a.id,
    type: a.type,
    params: a.params,
    risk: a.risk,
    reason: a.reason,
    actionHash: `hash_${a.id}`,
    createdAt,
    expiresAt: createdAt + 24 * 3_600_000,
    status: 'pending',
  };
}

export interface FakeAgentOptions {
  count?: number;
  hostile?: readonly string[];
  effectsAllowed?: boolean;
}

export class FakeAgent implements AgentApi {
  readonly incidents = new Map<string, Incident>();
  readonly approvalsById = new Map<string, Approval>();
  readonly calls: { approve: { id: string; by: string }[]; reject: { id: string; by: string; reason: string }[] } = { approve: [], reject: [] };
  readonly outcomes: { incidentId: string; outcome: Outcome }[] = [];
  private readonly incidentsEmitter = new Emitter<readonly IncidentChange[]>();
  private readonly approvalsEmitter = new Emitter<readonly Approval[]>();
  private readonly statusEmitter = new Emitter<AgentStatus>();
  private readonly logEmitter = new Emitter<{ level: 'info' | 'warn' | 'error'; message: string }>();
  private paused = false;
  effectsAllowed: boolean;

  constructor(opts: FakeAgentOptions = {}) {
    this.effectsAllowed = opts.effectsAllowed ?? true;
    const n = opts.count ?? 24;
    for (let i = 0; i < n; i++) this.put(makeIncident(i));
    (opts.hostile ?? []).forEach((h, k) => this.put(makeIncident(n + k, { hostile: h })));
  }

  private put(inc: Incident): void {
    this.incidents.set(inc.id, inc);
    const a = approvalFor(inc);
    if (a && !this.approvalsById.has(a.id)) this.approvalsById.set(a.id, a);
  }

  readonly onDidChangeIncidents = this.incidentsEmitter.event;
  readonly onDidChangeApprovals = this.approvalsEmitter.event;
  readonly onDidChangeStatus = this.statusEmitter.event;
  readonly onDidLog = this.logEmitter.event;

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  status(): AgentStatus {
    return {
      running: true,
      paused: this.paused,
      openIncidents: [...this.incidents.values()].filter((i) => i.status === 'open').length,
      pendingApprovals: [...this.approvalsById.values()].filter((a) => a.status === 'pending').length,
      llm: { ok: true, status: 'Ollama 0.12.3 at http://127.0.0.1:11434, model phi3:mini ready' },
      effectsAllowed: this.effectsAllowed,
    };
  }

  report(): Report {
    const incidents = [...this.incidents.values()];
    return {
      version: 1,
      dataDir: '/workspace/sample-data',
      asOf: Math.max(T0, ...incidents.slice(0, 1000).map((i) => i.lastSeen)),
      sources: [
        { file: 'events.ndjson', kind: 'events', format: 'ndjson', records: 12_400, invalid: 3, bytes: 2_400_000 },
        { file: 'tickets.json', kind: 'tickets', format: 'json', records: 310, invalid: 0, bytes: 120_000 },
      ],
      invalidRecords: [{ file: 'events.ndjson', line: 77, column: 14, message: '`timestamp` is not a date: "yesterday"' }],
      incidents,
      approvals: [...this.approvalsById.values()],
      summary: { records: 12_710, invalid: 3, incidents: incidents.length, pendingApprovals: this.status().pendingApprovals },
    };
  }

  incident(id: string): Incident | undefined {
    return this.incidents.get(id);
  }

  trends(): Trends {
    const bucketMs = 3_600_000;
    const counts = new Map<string, number>();
    const conf = new Map<string, { sum: number; n: number }>();
    const modes = new Map<ReasoningMode, number>();
    let calls = 0;
    let failures = 0;
    let cacheHits = 0;
    let latency = 0;
    for (const inc of this.incidents.values()) {
      const bucket = Math.floor(inc.firstSeen / bucketMs) * bucketMs;
      const cause = inc.cause ?? 'unknown';
      const key = `${bucket}|${cause}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      const c = conf.get(key) ?? { sum: 0, n: 0 };
      c.sum += inc.confidence ?? 0;
      c.n++;
      conf.set(key, c);
      if (inc.reasoningMode) modes.set(inc.reasoningMode, (modes.get(inc.reasoningMode) ?? 0) + 1);
      if (inc.llm) {
        if (inc.llm.cacheHit) cacheHits++;
        else {
          calls++;
          if (inc.llm.error) failures++;
          latency += inc.llm.latencyMs ?? 0;
        }
      }
    }
    const split = (k: string): { bucket: number; cause: string } => {
      const [b, cause] = k.split('|');
      return { bucket: Number(b), cause: cause! };
    };
    const outcomeCount = (o: Outcome): number => this.outcomes.filter((x) => x.outcome === o).length;
    return {
      bucketMs,
      causeCounts: [...counts].map(([k, count]) => ({ ...split(k), count })),
      confidence: [...conf].map(([k, v]) => ({ ...split(k), mean: v.sum / v.n })),
      modeMix: [...modes].map(([mode, count]) => ({ mode, count })),
      outcomes: (['resolved', 'false_positive', 'wrong_cause'] as const).map((outcome) => ({ outcome, count: outcomeCount(outcome) + (outcome === 'resolved' ? 14 : outcome === 'false_positive' ? 3 : 2) })),
      rulePrecision: SCENARIOS.map((s, k) => ({ ruleId: s.rule, precision: [0.92, 0.81, 0.67, 0.95, 0.44, 0.75][k]!, samples: [17, 9, 6, 12, 5, 8][k]! })),
      llm: { calls, failures, cacheHits, meanLatencyMs: calls ? latency / calls : null },
    };
  }

  approvals(filter?: { status?: Approval['status'] }): readonly Approval[] {
    const all = [...this.approvalsById.values()];
    return filter?.status ? all.filter((a) => a.status === filter.status) : all;
  }

  async approve(approvalId: string, by: string): Promise<ApprovalResult> {
    this.calls.approve.push({ id: approvalId, by });
    const a = this.approvalsById.get(approvalId);
    if (!a) return { ok: false, message: `no approval ${approvalId}` };
    if (a.status !== 'pending') return { ok: false, message: `approval ${approvalId} is already ${a.status}` };
    const done: Approval = { ...a, status: 'done', decidedBy: by, result: `Executed ${a.type} for ${a.incidentId}` };
    this.settle(done, 'executed', done.result);
    return { ok: true, message: done.result!, approval: done };
  }

  async reject(approvalId: string, by: string, reason: string): Promise<ApprovalResult> {
    this.calls.reject.push({ id: approvalId, by, reason });
    const a = this.approvalsById.get(approvalId);
    if (!a) return { ok: false, message: `no approval ${approvalId}` };
    if (a.status !== 'pending') return { ok: false, message: `approval ${approvalId} is already ${a.status}` };
    const rejected: Approval = { ...a, status: 'rejected', decidedBy: by, decisionReason: reason };
    this.settle(rejected, 'skipped');
    return { ok: true, message: `Rejected ${a.type} for ${a.incidentId}`, approval: rejected };
  }

  private settle(a: Approval, actionStatus: ActionReport['status'], result?: string): void {
    this.approvalsById.set(a.id, a);
    const inc = this.incidents.get(a.incidentId);
    if (inc?.decision) {
      const updated: Incident = {
        ...inc,
        decision: {
          ...inc.decision,
          actions: inc.decision.actions.map((x) => (x.id === a.actionId ? { ...x, status: actionStatus, ...(result ? { result } : {}) } : x)),
        },
      };
      this.incidents.set(inc.id, updated);
      this.incidentsEmitter.fire([{ kind: 'updated', incident: updated }]);
    }
    this.approvalsEmitter.fire(this.approvals());
    this.statusEmitter.fire(this.status());
  }

  async recordOutcome(incidentId: string, outcome: Outcome): Promise<void> {
    this.outcomes.push({ incidentId, outcome });
  }

  async setPaused(paused: boolean): Promise<void> {
    this.paused = paused;
    this.statusEmitter.fire(this.status());
  }

  /** Test hook: the loop saw more of an incident (or a new one). */
  update(incident: Incident, kind: IncidentChange['kind'] = 'updated'): void {
    this.put(incident);
    this.incidentsEmitter.fire([{ kind, incident }]);
    const a = approvalFor(incident);
    if (a) this.approvalsEmitter.fire(this.approvals());
  }

  dispose(): void {
    this.incidentsEmitter.dispose();
    this.approvalsEmitter.dispose();
    this.statusEmitter.dispose();
    this.logEmitter.dispose();
  }
}

