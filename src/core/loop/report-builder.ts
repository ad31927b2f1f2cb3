import type { InvalidRecord } from '../observe/signal';
import { describeHealth, type LlmHealth } from '../ports/llm';
import type { Approval, Incident, Report, SourceSummary } from '../report/schema';

export interface ReportInputs {
  readonly dataDir: string;
  readonly sources: readonly SourceSummary[];
  readonly invalid: readonly InvalidRecord[];
  readonly invalidCount: number;
  readonly records: number;
  readonly incidents: readonly Incident[];
  readonly approvals: readonly Approval[];
  readonly llm: {
    readonly mode: 'off' | 'auto' | 'on';
    readonly health: LlmHealth;
    readonly escalations: readonly { incidentId: string; reasons: string[] }[];
  };
}

/**
 * The report is a function of the input files and the journal: `asOf` is the latest event time, never
 * the wall clock, so the same files give the same report (`--json` output can be diffed).
 */
export function buildReport(i: ReportInputs): Report {
  const incidents = [...i.incidents].sort((a, b) => idNumber(a.id) - idNumber(b.id));
  const asOf = incidents.reduce<number | null>((m, x) => (m === null || x.lastSeen > m ? x.lastSeen : m), null);
  let executed = 0;
  for (const inc of incidents) for (const a of inc.decision?.actions ?? []) if (a.status === 'executed') executed++;
  return {
    version: 1,
    dataDir: i.dataDir,
    asOf,
    sources: [...i.sources],
    invalidRecords: [...i.invalid],
    incidents,
    approvals: [...i.approvals],
    llm: {
      mode: i.llm.mode,
      status: describeHealth(i.llm.health),
      escalated: i.llm.escalations.length,
      escalations: i.llm.escalations.map((e) => ({ incidentId: e.incidentId, reasons: [...e.reasons] })),
    },
    summary: {
      records: i.records,
      invalid: i.invalidCount,
      incidents: incidents.length,
      executed,
      pendingApprovals: i.approvals.filter((a) => a.status === 'pending').length,
    },
  };
}

function idNumber(id: string): number {
  const m = /(\d+)$/.exec(id);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}
