/**
 * Harness bring-up only (`run-e2e.ts --fake-agent`): an in-memory AgentApi with one incident and one pending
 * approval, bundled in place of src/adapters/node/create-node-agent.ts so the install → launch → palette →
 * tree path can be exercised before the real loop exists. Never shipped, never used by the real walk.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentApi, AgentStatus, IncidentChange } from '../../../src/core/loop/agent-api';
import type { CosmosConfig } from '../../../src/core/config/config';
import { Emitter } from '../../../src/core/ports/disposable';
import type { Approval, Incident } from '../../../src/core/report/schema';

export function createNodeAgent(opts: { roots: string[]; stateDir: string; config: CosmosConfig; trusted: boolean }): AgentApi {
  const incidents = new Emitter<readonly IncidentChange[]>();
  const approvalsChanged = new Emitter<readonly Approval[]>();
  const statusChanged = new Emitter<AgentStatus>();
  const logs = new Emitter<{ level: 'info' | 'warn' | 'error'; message: string }>();
  let running = false;
  const now = Date.now();
  const incident = {
    id: 'INC-1', fingerprint: 'fp1', status: 'open', title: 'Webhook 401s at M3', scope: 'merchant', merchants: ['M3'],
    firstSeen: now, lastSeen: now, reopened: 0, anomalies: [], signatures: [],
    evidence: [1, 2, 3].map((line) => ({ file: 'events.ndjson', line, column: 1, recordId: `evt-${line}`, kind: 'event' as const, merchantId: 'M3', code: 'http_401', timestamp: now })),
    features: { eventCount: 14, ticketCount: 2, merchantCount: 1, errorCodes: [], ticketIssues: [], services: [], migrationStages: [], endpoints: [], httpStatuses: [], distinctErrorTypes: 1, countsByCode: {}, ticketsWithErrors: 2, ticketsWithoutErrors: 0, errorsWithoutTickets: 0, howToTickets: 0, newCodes: [], durationMs: 0, detectors: [] },
    observationConfidence: { value: 0.9, factors: [] },
    cause: 'webhook_auth_failure', confidence: 0.86, reasoningMode: 'deterministic',
    hypotheses: [{ cause: 'webhook_auth_failure', confidence: 0.86, explanation: 'fake', evidence: [], source: { kind: 'rule', ruleId: 'builtin.webhook_auth_failure' } }],
  } satisfies Incident;
  const approval: Approval = {
    id: 'APR-1', incidentId: 'INC-1', fingerprint: 'fp1', actionId: 'ACT-1', type: 'draft_support_reply', params: { merchantId: 'M3' },
    risk: 'low', reason: 'fake', actionHash: 'h', createdAt: now, expiresAt: now + 86_400_000, status: 'pending',
  };
  const status = (): AgentStatus => ({
    running, paused: false, openIncidents: 1, pendingApprovals: approval.status === 'pending' ? 1 : 0,
    llm: { ok: false, status: 'LLM disabled' }, effectsAllowed: opts.trusted,
  });
  return {
    onDidChangeIncidents: incidents.event, onDidChangeApprovals: approvalsChanged.event, onDidChangeStatus: statusChanged.event, onDidLog: logs.event,
    async start() { running = true; logs.fire({ level: 'info', message: 'fake agent started' }); },
    async stop() { running = false; },
    status,
    report: () => ({ version: 1, dataDir: opts.roots[0] ?? '', asOf: now, sources: [], invalidRecords: [{ file: 'events.ndjson', line: 20, column: 1, message: 'fake invalid' }], incidents: [incident], summary: { records: 0, invalid: 1, incidents: 1 } }),
    incident: (id) => (id === 'INC-1' ? incident : undefined),
    trends: () => ({ bucketMs: 1, causeCounts: [], confidence: [], modeMix: [], outcomes: [], rulePrecision: [], llm: { calls: 0, failures: 0, cacheHits: 0, meanLatencyMs: null } }),
    approvals: (filter) => [approval].filter((a) => !filter?.status || a.status === filter.status),
    async approve(id) {
      if (id !== approval.id || approval.status !== 'pending') return { ok: false, message: 'not pending' };
      const dir = join(opts.roots[0] ?? '.', opts.config.act.outDir);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'fake-draft.md'), 'fake draft\n');
      approval.status = 'done';
      approvalsChanged.fire([approval]);
      statusChanged.fire(status());
      return { ok: true, message: 'Draft written (fake)', approval };
    },
    async reject() { return { ok: false, message: 'fake' }; },
    async recordOutcome() {},
    async setPaused() {},
    dispose() {},
  };
}
