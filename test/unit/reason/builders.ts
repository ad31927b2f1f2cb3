import type { IncidentFeatures, Scope, SignatureStat } from '../../../src/core/report/schema';
import type { ObservedIncident } from '../../../src/core/reason/types';

/**
 * Builders for hand-made observed incidents: describe the signal (events per code@service and
 * merchants, tickets per issue) and get an incident whose features are consistent with it,
 * as Observe would compute them.
 */
export interface EventSpec {
  code: string;
  service: string;
  count: number;
  merchants: string[];
}
export interface TicketSpec {
  issue: string;
  count: number;
  merchants: string[];
}
export interface IncidentSpec {
  events?: EventSpec[];
  tickets?: TicketSpec[];
  scope?: Scope;
  observationConfidence?: number;
  features?: Partial<IncidentFeatures>;
  id?: string;
}

export const MIN = 60_000;

export function events(code: string, service: string, count: number, ...merchants: string[]): EventSpec {
  return { code, service, count, merchants: merchants.length > 0 ? merchants : ['M1'] };
}

export function tickets(issue: string, count: number, ...merchants: string[]): TicketSpec {
  return { issue, count, merchants: merchants.length > 0 ? merchants : ['M1'] };
}

export function merchantsRange(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => `M${from + i}`);
}

export function observedIncident(spec: IncidentSpec): ObservedIncident {
  const ev = spec.events ?? [];
  const tk = spec.tickets ?? [];
  const signatures: SignatureStat[] = [
    ...ev.map((e) => ({
      signature: `${e.code}@${e.service}`,
      kind: 'event' as const,
      code: e.code,
      service: e.service,
      count: e.count,
      merchants: e.merchants,
    })),
    ...tk.map((t) => ({
      signature: `ticket:${t.issue}`,
      kind: 'ticket' as const,
      code: t.issue,
      service: 'support',
      count: t.count,
      merchants: t.merchants,
    })),
  ];
  const merchants = [...new Set([...ev, ...tk].flatMap((x) => x.merchants))].sort();
  const eventMerchants = new Set(ev.flatMap((e) => e.merchants));
  const ticketMerchants = new Set(tk.flatMap((t) => t.merchants));
  const countsByCode: Record<string, number> = {};
  for (const e of ev) countsByCode[e.code] = (countsByCode[e.code] ?? 0) + e.count;
  for (const t of tk) countsByCode[t.issue] = (countsByCode[t.issue] ?? 0) + t.count;
  const eventCount = ev.reduce((n, e) => n + e.count, 0);
  const ticketCount = tk.reduce((n, t) => n + t.count, 0);
  const errorCodes = [...new Set(ev.map((e) => e.code))];
  const scope: Scope =
    spec.scope ?? (merchants.length >= 10 ? 'platform' : merchants.length >= 3 ? 'multi_merchant' : 'merchant');
  const features: IncidentFeatures = {
    eventCount,
    ticketCount,
    merchantCount: merchants.length,
    errorCodes,
    ticketIssues: [...new Set(tk.map((t) => t.issue))],
    services: [...new Set(ev.map((e) => e.service))],
    migrationStages: [],
    endpoints: [],
    httpStatuses: [],
    distinctErrorTypes: errorCodes.length,
    countsByCode,
    ticketsWithErrors: tk.filter((t) => t.merchants.some((m) => eventMerchants.has(m))).reduce((n, t) => n + t.count, 0),
    ticketsWithoutErrors: tk.filter((t) => !t.merchants.some((m) => eventMerchants.has(m))).reduce((n, t) => n + t.count, 0),
    errorsWithoutTickets: ev.filter((e) => !e.merchants.some((m) => ticketMerchants.has(m))).reduce((n, e) => n + e.count, 0),
    howToTickets: 0,
    newCodes: [],
    durationMs: 20 * MIN,
    detectors: ev.length > 0 ? ['threshold'] : ['tickets_without_errors'],
    ...spec.features,
  };
  return {
    id: spec.id ?? 'I-test',
    fingerprint: `fp-${spec.id ?? 'test'}`,
    status: 'open',
    title: 'test incident',
    scope,
    merchants,
    firstSeen: Date.UTC(2026, 0, 31, 18, 0),
    lastSeen: Date.UTC(2026, 0, 31, 18, 20),
    evidence: [],
    anomalies: [],
    signatures,
    features,
    observationConfidence: { value: spec.observationConfidence ?? 0.9, factors: [] },
    reopened: 0,
  };
}
