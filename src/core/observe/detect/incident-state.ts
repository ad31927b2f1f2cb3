import type { Anomaly, EvidenceRef } from '../../report/schema';
import { fingerprintOf, type Group } from './groups';
import { samplesSince, type Cell, type SampleRecord, type Signature } from './window-store';

/**
 * Everything an incident has absorbed, kept as aggregates so an incident can outlive the windows it came from:
 * counts by signature and merchant, distinct attributes, a bounded evidence sample (first half: the earliest
 * records, second half: a ring of the most recent) and its anomalies (bounded too, oldest dropped first).
 */

/** At most this many anomalies are kept per incident; the detectors of dropped ones are remembered. */
export const MAX_ANOMALIES = 100;

export interface AnomalyEntry {
  /** Window whose evaluation produced it. */
  readonly at: number;
  readonly anomaly: Anomaly;
}

interface SigStat {
  kind: 'event' | 'ticket';
  code: string;
  service: string;
  count: number;
  merchants: Set<string>;
}

export class IncidentState {
  readonly id: string;
  readonly fingerprint: string;
  readonly anomalies = new Map<string, AnomalyEntry>();
  /** Detectors of anomalies dropped by the cap: features.detectors never forgets what fired. */
  readonly droppedDetectors = new Set<Anomaly['detector']>();
  readonly newCodes = new Set<string>();
  /** Merchants named by this incident's anomalies: which cells it may claim. */
  readonly scopeMerchants = new Set<string>();
  /** Signatures whose anomalies opened or fed this incident. */
  readonly fireSigs = new Set<string>();
  /** Largest number of merchants one signature reached in one window (decides multi-merchant vs platform). */
  maxSpread = 0;

  eventCount = 0;
  ticketCount = 0;
  howToTickets = 0;
  firstSeen = Number.POSITIVE_INFINITY;
  lastSeen = Number.NEGATIVE_INFINITY;
  reopened = 0;
  readonly merchants = new Map<string, { events: number; tickets: number }>();
  readonly sigStats = new Map<string, SigStat>();
  readonly stages = new Set<string>();
  readonly endpoints = new Set<string>();
  readonly statuses = new Set<number>();
  readonly services = new Set<string>();
  evidenceHead: EvidenceRef[] = [];
  evidenceTail: EvidenceRef[] = [];
  evidenceTailNext = 0;

  constructor(
    readonly num: number,
    readonly group: Group,
  ) {
    this.id = `INC-${num}`;
    this.fingerprint = fingerprintOf(group);
  }

  setAnomaly(key: string, entry: AnomalyEntry): void {
    this.anomalies.set(key, entry);
    const a = entry.anomaly;
    if (a.detector === 'new_code') this.newCodes.add(a.signature.slice(0, a.signature.lastIndexOf('@')));
    if (a.detector !== 'silent_failure' && a.detector !== 'new_code') {
      this.fireSigs.add(a.signature);
      for (const m of a.merchants) this.scopeMerchants.add(m);
    }
    if (a.detector === 'spread' && a.observed > this.maxSpread) this.maxSpread = a.observed;
    if (this.anomalies.size > MAX_ANOMALIES) {
      let oldestKey: string | undefined;
      let oldestAt = Number.POSITIVE_INFINITY;
      for (const [k, e] of this.anomalies) {
        if (e.at < oldestAt) {
          oldestAt = e.at;
          oldestKey = k;
        }
      }
      if (oldestKey !== undefined) {
        this.droppedDetectors.add((this.anomalies.get(oldestKey) as AnomalyEntry).anomaly.detector);
        this.anomalies.delete(oldestKey);
      }
    }
  }

  /** Takes in what the cell gained since the last absorption. */
  absorb(cell: Cell, sig: Signature, quietAfterMs: number, evidenceSample: number): void {
    const dWeight = cell.weight - cell.absorbedWeight;
    const dHowTo = cell.howTo - cell.absorbedHowTo;
    const samples = samplesSince(cell, cell.absorbedN);
    // A new cell starting long after the last evidence is a recurrence: the incident had gone quiet.
    if (cell.absorbedN === 0 && this.lastSeen !== Number.NEGATIVE_INFINITY && cell.minTs > this.lastSeen + quietAfterMs) {
      this.reopened++;
    }
    cell.absorbedN = cell.n;
    cell.absorbedWeight = cell.weight;
    cell.absorbedHowTo = cell.howTo;
    if (cell.minTs < this.firstSeen) this.firstSeen = cell.minTs;
    if (cell.maxTs > this.lastSeen) this.lastSeen = cell.maxTs;

    let m = this.merchants.get(cell.merchant);
    if (!m) this.merchants.set(cell.merchant, (m = { events: 0, tickets: 0 }));
    if (sig.kind === 'event') {
      this.eventCount += dWeight;
      m.events += dWeight;
      this.services.add(sig.service);
    } else {
      this.ticketCount += dWeight;
      m.tickets += dWeight;
      this.howToTickets += dHowTo;
    }
    let st = this.sigStats.get(sig.key);
    if (!st) {
      st = { kind: sig.kind, code: sig.code, service: sig.service, count: 0, merchants: new Set() };
      this.sigStats.set(sig.key, st);
    }
    st.count += dWeight;
    st.merchants.add(cell.merchant);
    for (const v of cell.stages) this.stages.add(v);
    for (const v of cell.endpoints) this.endpoints.add(v);
    for (const v of cell.statuses) this.statuses.add(v);
    for (const s of samples) this.addEvidence(s, evidenceSample);
  }

  private addEvidence(s: SampleRecord, cap: number): void {
    const ref: EvidenceRef = {
      file: s.location.file,
      line: s.location.line,
      column: s.location.column,
      recordId: s.id,
      kind: s.kind,
      merchantId: s.merchantId,
      code: s.code,
      timestamp: s.timestamp,
    };
    const headCap = Math.ceil(cap / 2);
    const tailCap = cap - headCap;
    if (this.evidenceHead.length < headCap) {
      this.evidenceHead.push(ref);
    } else if (tailCap > 0) {
      this.evidenceTail[this.evidenceTailNext % tailCap] = ref;
      this.evidenceTailNext++;
    }
  }

  /** Evidence in arrival order: the earliest refs, then the most recent ones. */
  evidence(cap: number): EvidenceRef[] {
    const tailCap = cap - Math.ceil(cap / 2);
    const tail: EvidenceRef[] = [];
    if (tailCap > 0) {
      const n = Math.min(this.evidenceTailNext, tailCap);
      for (let i = this.evidenceTailNext - n; i < this.evidenceTailNext; i++) tail.push(this.evidenceTail[i % tailCap] as EvidenceRef);
    }
    return [...this.evidenceHead, ...tail].map((r) => ({ ...r }));
  }

  snapshot(): IncidentSnapshot {
    return {
      num: this.num,
      group: { ...this.group },
      anomalies: [...this.anomalies].map(([k, e]) => [k, e.at, e.anomaly]),
      droppedDetectors: [...this.droppedDetectors],
      newCodes: [...this.newCodes],
      scopeMerchants: [...this.scopeMerchants],
      fireSigs: [...this.fireSigs],
      maxSpread: this.maxSpread,
      eventCount: this.eventCount,
      ticketCount: this.ticketCount,
      howToTickets: this.howToTickets,
      firstSeen: Number.isFinite(this.firstSeen) ? this.firstSeen : null,
      lastSeen: Number.isFinite(this.lastSeen) ? this.lastSeen : null,
      reopened: this.reopened,
      merchants: [...this.merchants].map(([k, v]) => [k, v.events, v.tickets]),
      sigStats: [...this.sigStats].map(([k, v]) => [k, v.kind, v.code, v.service, v.count, [...v.merchants]]),
      stages: [...this.stages],
      endpoints: [...this.endpoints],
      statuses: [...this.statuses],
      services: [...this.services],
      evidenceHead: this.evidenceHead.map((r) => ({ ...r })),
      evidenceTail: this.evidenceTail.map((r) => ({ ...r })),
      evidenceTailNext: this.evidenceTailNext,
    };
  }

  static restore(s: IncidentSnapshot): IncidentState {
    const inc = new IncidentState(s.num, { ...s.group });
    for (const [k, at, anomaly] of s.anomalies) inc.anomalies.set(k, { at, anomaly: structuredClone(anomaly) });
    for (const d of s.droppedDetectors) inc.droppedDetectors.add(d);
    for (const c of s.newCodes) inc.newCodes.add(c);
    for (const m of s.scopeMerchants) inc.scopeMerchants.add(m);
    for (const x of s.fireSigs) inc.fireSigs.add(x);
    inc.maxSpread = s.maxSpread;
    inc.eventCount = s.eventCount;
    inc.ticketCount = s.ticketCount;
    inc.howToTickets = s.howToTickets;
    inc.firstSeen = s.firstSeen ?? Number.POSITIVE_INFINITY;
    inc.lastSeen = s.lastSeen ?? Number.NEGATIVE_INFINITY;
    inc.reopened = s.reopened;
    for (const [k, events, tickets] of s.merchants) inc.merchants.set(k, { events, tickets });
    for (const [k, kind, code, service, count, merchants] of s.sigStats) {
      inc.sigStats.set(k, { kind, code, service, count, merchants: new Set(merchants) });
    }
    for (const v of s.stages) inc.stages.add(v);
    for (const v of s.endpoints) inc.endpoints.add(v);
    for (const v of s.statuses) inc.statuses.add(v);
    for (const v of s.services) inc.services.add(v);
    inc.evidenceHead = s.evidenceHead.map((r) => ({ ...r }));
    inc.evidenceTail = s.evidenceTail.map((r) => ({ ...r }));
    inc.evidenceTailNext = s.evidenceTailNext;
    return inc;
  }
}

export interface IncidentSnapshot {
  num: number;
  group: Group;
  anomalies: [string, number, Anomaly][];
  droppedDetectors: Anomaly['detector'][];
  newCodes: string[];
  scopeMerchants: string[];
  fireSigs: string[];
  maxSpread: number;
  eventCount: number;
  ticketCount: number;
  howToTickets: number;
  firstSeen: number | null;
  lastSeen: number | null;
  reopened: number;
  merchants: [string, number, number][];
  sigStats: [string, 'event' | 'ticket', string, string, number, string[]][];
  stages: string[];
  endpoints: string[];
  statuses: number[];
  services: string[];
  evidenceHead: EvidenceRef[];
  evidenceTail: EvidenceRef[];
  evidenceTailNext: number;
}
