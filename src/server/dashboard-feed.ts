import type { AgentApi } from '../core/loop/agent-api';
import type { Disposable } from '../core/ports/disposable';
import type { Approval, Incident, Report } from '../core/report/schema';
import {
  DASHBOARD_PROTOCOL_VERSION,
  type DashboardPatch,
  type DashboardState,
  type IncidentDetail,
  type ReportMeta,
} from '../shared/dashboard-protocol';
import { pendingByIncident, summarizeIncident } from '../shared/dashboard-view-model';

/**
 * Turns a running agent into dashboard state and coalesced patches, for both hosts (the VS Code panel and the
 * HTTP server). At 5,000 events/s the agent fires many changes; the feed folds them into one patch per
 * `coalesceMs` carrying only the incidents that changed, and recomputes trends at most every `trendsMs`.
 * Node-only (timers), no `vscode`.
 */
export interface DashboardFeedOptions {
  readonly coalesceMs?: number;
  readonly trendsMs?: number;
  /** Decided (non-pending) approvals kept in the state, newest first. */
  readonly recentApprovals?: number;
}

export interface DashboardFeed extends Disposable {
  snapshot(): DashboardState;
  detail(incidentId: string): IncidentDetail;
  onPatch(listener: (patch: DashboardPatch) => void): Disposable;
  /** Sends whatever is pending now (tests, shutdown). */
  flush(): void;
}

const INVALID_SAMPLE = 20;

export function reportMeta(report: Report): ReportMeta {
  return {
    dataDir: report.dataDir,
    asOf: report.asOf,
    sources: report.sources,
    invalidCount: report.invalidRecords.length,
    invalidSample: report.invalidRecords.slice(0, INVALID_SAMPLE),
    llm: report.llm,
    summary: report.summary,
  };
}

export function createDashboardFeed(agent: AgentApi, options: DashboardFeedOptions = {}): DashboardFeed {
  const coalesceMs = options.coalesceMs ?? 50;
  const trendsMs = options.trendsMs ?? 1000;
  const recent = options.recentApprovals ?? 200;

  const revs = new Map<string, number>();
  const changed = new Map<string, Incident>();
  const listeners = new Set<(p: DashboardPatch) => void>();
  let approvalsDirty = false;
  let statusDirty = false;
  let metaDirty = false;
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastTrends = 0;
  let trendsTimer: ReturnType<typeof setTimeout> | undefined;
  let pending = new Map<string, number>();
  /** What the clients hold, by approval id, as a change signature. */
  let sentApprovals = new Map<string, string>();
  let disposed = false;

  const bump = (id: string): number => {
    const r = (revs.get(id) ?? 0) + 1;
    revs.set(id, r);
    return r;
  };

  const visibleApprovals = (all: readonly Approval[]): Approval[] => {
    const pend = all.filter((a) => a.status === 'pending');
    const done = all
      .filter((a) => a.status !== 'pending')
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, recent);
    return [...pend, ...done];
  };

  let lastFlush = 0;
  const schedule = (): void => {
    if (disposed || timer) return;
    // Leading edge: the first change after a quiet period goes out at once; a burst after it is coalesced.
    const quiet = Date.now() - lastFlush >= coalesceMs;
    timer = setTimeout(() => {
      lastFlush = Date.now();
      flush();
    }, quiet ? 0 : coalesceMs);
  };

  const scheduleTrends = (): void => {
    if (disposed || trendsTimer) return;
    const wait = Math.max(0, lastTrends + trendsMs - Date.now());
    trendsTimer = setTimeout(() => {
      trendsTimer = undefined;
      lastTrends = Date.now();
      emit({ seq: ++seq, upserts: [], trends: agent.trends() });
    }, wait);
  };

  function emit(patch: DashboardPatch): void {
    for (const l of [...listeners]) {
      try {
        l(patch);
      } catch {
        // A broken client must not stop the others.
      }
    }
  }

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (disposed) return;
    if (!changed.size && !approvalsDirty && !statusDirty && !metaDirty) return;
    let approvals: Approval[] | undefined;
    let approvalsRemoved: string[] | undefined;
    if (approvalsDirty) {
      const all = agent.approvals();
      const nextPending = pendingByIncident(all);
      // Incidents whose pending count moved need a new summary even if the incident itself did not change.
      for (const id of new Set([...pending.keys(), ...nextPending.keys()])) {
        if ((pending.get(id) ?? 0) !== (nextPending.get(id) ?? 0) && !changed.has(id)) {
          const inc = agent.incident(id);
          if (inc) changed.set(id, inc);
        }
      }
      pending = nextPending;
      const visible = visibleApprovals(all);
      const next = new Map(visible.map((a) => [a.id, approvalSignature(a)]));
      approvals = visible.filter((a) => sentApprovals.get(a.id) !== next.get(a.id));
      approvalsRemoved = [...sentApprovals.keys()].filter((id) => !next.has(id));
      sentApprovals = next;
    }
    const upserts = [...changed.values()].map((inc) => summarizeIncident(inc, pending.get(inc.id) ?? 0, bump(inc.id)));
    changed.clear();
    const patch: DashboardPatch = {
      seq: ++seq,
      upserts,
      ...(approvals?.length ? { approvals } : {}),
      ...(approvalsRemoved?.length ? { approvalsRemoved } : {}),
      ...(statusDirty ? { status: agent.status() } : {}),
      ...(metaDirty ? { meta: reportMeta(agent.report()) } : {}),
    };
    approvalsDirty = statusDirty = metaDirty = false;
    emit(patch);
  }

  const subs: Disposable[] = [
    agent.onDidChangeIncidents((changes) => {
      for (const c of changes) changed.set(c.incident.id, c.incident);
      metaDirty = true;
      schedule();
      scheduleTrends();
    }),
    agent.onDidChangeApprovals(() => {
      approvalsDirty = true;
      schedule();
    }),
    agent.onDidChangeStatus(() => {
      statusDirty = true;
      schedule();
    }),
  ];

  return {
    snapshot(): DashboardState {
      // A snapshot supersedes whatever was waiting: the client gets seq and continues from there.
      if (timer) flush();
      const report = agent.report();
      const all = agent.approvals();
      pending = pendingByIncident(all);
      const approvals = visibleApprovals(all);
      sentApprovals = new Map(approvals.map((a) => [a.id, approvalSignature(a)]));
      return {
        version: DASHBOARD_PROTOCOL_VERSION,
        seq,
        meta: reportMeta(report),
        incidents: report.incidents.map((inc) => summarizeIncident(inc, pending.get(inc.id) ?? 0, revs.get(inc.id) ?? 0)),
        approvals,
        trends: agent.trends(),
        status: agent.status(),
      };
    },
    detail(incidentId: string): IncidentDetail {
      const incident = agent.incident(incidentId) ?? null;
      const approvals = incident ? agent.approvals().filter((a) => a.incidentId === incidentId) : [];
      return { incident, approvals, rev: revs.get(incidentId) ?? 0 };
    },
    onPatch(listener) {
      listeners.add(listener);
      return { dispose: () => listeners.delete(listener) };
    },
    flush,
    dispose(): void {
      disposed = true;
      if (timer) clearTimeout(timer);
      if (trendsTimer) clearTimeout(trendsTimer);
      for (const s of subs) s.dispose();
      listeners.clear();
    },
  };
}

function approvalSignature(a: Approval): string {
  return JSON.stringify([a.status, a.decidedBy, a.decisionReason, a.result, a.error, a.expiresAt, a.actionHash]);
}

/** True when an approval id is one the agent knows and still pending (the host checks before confirming). */
export function findPendingApproval(agent: AgentApi, approvalId: string): Approval | undefined {
  return agent.approvals({ status: 'pending' }).find((a) => a.id === approvalId);
}
