import { DETECTORS, type Anomaly, type IncidentFeatures, type Scope, type SignatureStat } from '../../report/schema';
import { familyLabel } from './families';
import { fmtNumber, naturalCompare } from './format';
import type { IncidentState } from './incident-state';
import { observationConfidence, type ConfidenceInputs } from './observation-confidence';
import type { ObservedIncident } from './observer';

export interface ViewSettings {
  readonly multiMerchant: number;
  readonly platformMerchants: number;
  readonly quietAfterMs: number;
  readonly evidenceSample: number;
}

export type ViewContext = Omit<ConfidenceInputs, 'lastSeen' | 'records'>;

const DETECTOR_ORDER = new Map(DETECTORS.map((d, i) => [d, i]));

function compareAnomalies(a: Anomaly, b: Anomaly): number {
  return (
    a.windowStart - b.windowStart ||
    (DETECTOR_ORDER.get(a.detector) ?? 0) - (DETECTOR_ORDER.get(b.detector) ?? 0) ||
    (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0) ||
    naturalCompare(a.merchants[0] ?? '', b.merchants[0] ?? '')
  );
}

export function scopeOf(inc: IncidentState, merchantCount: number, s: ViewSettings): Scope {
  switch (inc.group.kind) {
    case 'merchant':
      return 'merchant';
    case 'platform':
      return 'platform';
    case 'cross':
      return inc.maxSpread >= s.platformMerchants ? 'platform' : 'multi_merchant';
    case 'tickets':
      return merchantCount >= s.platformMerchants ? 'platform' : merchantCount >= s.multiMerchant ? 'multi_merchant' : 'merchant';
  }
}

function titleOf(inc: IncidentState, merchants: readonly string[], features: IncidentFeatures): string {
  const g = inc.group;
  const codes = features.errorCodes;
  const where = merchants.length === 1 ? `at ${merchants[0]}` : `across ${merchants.length} merchants`;
  if (g.kind === 'tickets') {
    const n = fmtNumber(features.ticketCount);
    const from = merchants.length === 1 ? `from ${merchants[0]}` : `from ${merchants.length} merchants`;
    const shape = features.detectors.includes('ticket_surge') ? 'ticket surge' : 'tickets without errors';
    return `${g.issue ?? 'support'} ${shape}: ${n} ${from}`;
  }
  if (g.kind === 'platform') {
    return `Platform regression: ${codes.length} error types across ${merchants.length} merchants`;
  }
  if (codes.length === 1) {
    const code = codes[0] as string;
    const services = features.services;
    return services.length === 1 ? `${code} on ${services[0]} ${where}` : `${code} ${where}`;
  }
  const top = [...inc.sigStats.values()].filter((s) => s.kind === 'event').sort((a, b) => b.count - a.count)[0];
  const label = familyLabel(g.family);
  if (codes.length === 0) return `${label} errors ${where}`;
  return `${label} errors ${where}: ${top?.code ?? codes[0]} and ${codes.length - 1} more error type${codes.length > 2 ? 's' : ''}`;
}

const HTTP_CODE = /^http_(\d{3})$/;

function featuresOf(inc: IncidentState, anomalies: readonly Anomaly[], merchants: readonly string[]): IncidentFeatures {
  const errorCodes = new Set<string>();
  const ticketIssues = new Set<string>();
  const countsByCode: Record<string, number> = {};
  const httpStatuses = new Set<number>(inc.statuses);
  for (const s of inc.sigStats.values()) {
    const key = s.kind === 'event' ? s.code : `ticket:${s.code}`;
    countsByCode[key] = (countsByCode[key] ?? 0) + s.count;
    if (s.kind === 'event') {
      errorCodes.add(s.code);
      const m = HTTP_CODE.exec(s.code);
      if (m) httpStatuses.add(Number(m[1]));
    } else {
      ticketIssues.add(s.code);
    }
  }
  let ticketsWithErrors = 0;
  let ticketsWithoutErrors = 0;
  let errorsWithoutTickets = 0;
  for (const m of inc.merchants.values()) {
    if (m.events > 0) ticketsWithErrors += m.tickets;
    else ticketsWithoutErrors += m.tickets;
    if (m.tickets === 0) errorsWithoutTickets += m.events;
  }
  const detectors = new Set(inc.droppedDetectors);
  for (const a of anomalies) detectors.add(a.detector);
  const firstSeen = Number.isFinite(inc.firstSeen) ? inc.firstSeen : 0;
  const lastSeen = Number.isFinite(inc.lastSeen) ? inc.lastSeen : firstSeen;
  const codes = [...errorCodes].sort();
  const sortedCounts: Record<string, number> = {};
  for (const k of Object.keys(countsByCode).sort()) sortedCounts[k] = countsByCode[k] as number;
  return {
    eventCount: inc.eventCount,
    ticketCount: inc.ticketCount,
    merchantCount: merchants.length,
    errorCodes: codes,
    ticketIssues: [...ticketIssues].sort(),
    services: [...inc.services].sort(),
    migrationStages: [...inc.stages].sort(),
    endpoints: [...inc.endpoints].sort(),
    httpStatuses: [...httpStatuses].sort((a, b) => a - b),
    distinctErrorTypes: codes.length,
    countsByCode: sortedCounts,
    ticketsWithErrors,
    ticketsWithoutErrors,
    errorsWithoutTickets,
    howToTickets: inc.howToTickets,
    newCodes: [...inc.newCodes].sort(),
    durationMs: Math.max(0, lastSeen - firstSeen),
    detectors: DETECTORS.filter((d) => detectors.has(d)),
  };
}

function signaturesOf(inc: IncidentState): SignatureStat[] {
  return [...inc.sigStats]
    .map(([signature, s]) => ({
      signature,
      kind: s.kind,
      code: s.code,
      service: s.service,
      count: s.count,
      merchants: [...s.merchants].sort(naturalCompare),
    }))
    .sort((a, b) => b.count - a.count || (a.signature < b.signature ? -1 : 1));
}

/** The incident as the report shows it; a fresh object every time (callers may keep or mutate it). */
export function viewIncident(inc: IncidentState, s: ViewSettings, ctx: ViewContext): ObservedIncident {
  // A silent failure stops being silent once its merchants raised a ticket in the incident (tickets often come later).
  const anomalies = [...inc.anomalies.values()]
    .filter((e) => e.anomaly.detector !== 'silent_failure' || !e.anomaly.merchants.some((m) => (inc.merchants.get(m)?.tickets ?? 0) > 0))
    .map((e) => structuredClone(e.anomaly))
    .sort(compareAnomalies);
  const merchantSet = new Set(inc.merchants.keys());
  if (merchantSet.size === 0) for (const m of inc.scopeMerchants) merchantSet.add(m);
  const merchants = [...merchantSet].sort(naturalCompare);
  const features = featuresOf(inc, anomalies, merchants);
  let firstSeen = inc.firstSeen;
  let lastSeen = inc.lastSeen;
  if (!Number.isFinite(firstSeen) || !Number.isFinite(lastSeen)) {
    // Nothing absorbed yet (its cells belonged to another incident): the anomalies' windows are all we know.
    firstSeen = Math.min(...anomalies.map((a) => a.windowStart));
    lastSeen = Math.max(...anomalies.map((a) => a.windowEnd - 1));
  }
  const status = ctx.latestTs - lastSeen > s.quietAfterMs ? 'quiet' : 'open';
  return {
    id: inc.id,
    fingerprint: inc.fingerprint,
    status,
    title: titleOf(inc, merchants, features),
    scope: scopeOf(inc, merchants.length, s),
    merchants,
    firstSeen,
    lastSeen,
    evidence: inc.evidence(s.evidenceSample),
    anomalies,
    signatures: signaturesOf(inc),
    features,
    observationConfidence: observationConfidence({ ...ctx, lastSeen, records: inc.eventCount + inc.ticketCount }),
    reopened: inc.reopened,
  };
}
