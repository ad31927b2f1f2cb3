import type { JournalEntry } from '../ports/journal';
import type { Cause } from '../report/schema';
import { calibrate, observedPrecision, samplesOf, smoothedPrecision, type Calibration, type RuleOutcomeCounts } from './calibration';
import {
  AutomationEntrySchema,
  IncidentEntrySchema,
  OutcomeEntrySchema,
  readEntry,
  type IncidentSummary,
  type OutcomeEntryData,
  type OutcomeKind,
} from './entries';

export interface SimilarIncident {
  readonly incident: IncidentSummary;
  /** 0..1: 1 for the same fingerprint, otherwise weighted overlap of signatures and merchants. */
  readonly score: number;
  readonly outcome?: OutcomeKind;
}

export interface TrendBucket {
  /** Bucket start (epoch ms of event time). */
  readonly start: number;
  readonly causes: Readonly<Partial<Record<Cause, { readonly count: number; readonly meanConfidence: number | null }>>>;
}

export interface RuleStats extends RuleOutcomeCounts {
  readonly ruleId: string;
  readonly samples: number;
  /** Observed precision, or null without outcomes. */
  readonly precision: number | null;
  readonly smoothedPrecision: number;
}

export interface LlmStats {
  /** Incidents whose latest pass went to the model. */
  readonly incidents: number;
  readonly cacheHits: number;
  readonly errors: number;
  readonly meanLatencyMs: number | null;
}

/**
 * What Memory answers, folded from journal entries in order (so it can always be rebuilt from the
 * journal): incidents by cause and fingerprint, similar past incidents, trends per cause, outcomes,
 * per-rule precision and calibration, and whether automation is paused.
 */
export class MemoryIndex {
  private readonly incidents = new Map<string, IncidentSummary>();
  private readonly byFingerprint = new Map<string, Set<string>>();
  /** Latest outcome per incident (a corrected outcome replaces the earlier one). */
  private readonly outcomes = new Map<string, OutcomeEntryData & { at: number }>();
  private pausedState: { paused: boolean; by: string; reason?: string; at: number } | undefined;

  apply(entry: JournalEntry): void {
    switch (entry.type) {
      case 'incident': {
        const d = readEntry(entry, 'incident', IncidentEntrySchema);
        if (d) this.applyIncident(d.incident);
        return;
      }
      case 'outcome': {
        const d = readEntry(entry, 'outcome', OutcomeEntrySchema);
        if (d) this.outcomes.set(d.incidentId, { ...d, at: entry.at });
        return;
      }
      case 'automation': {
        const d = readEntry(entry, 'automation', AutomationEntrySchema);
        if (d) this.pausedState = { paused: d.paused, by: d.by, reason: d.reason, at: entry.at };
        return;
      }
      default:
        return;
    }
  }

  private applyIncident(s: IncidentSummary): void {
    const previous = this.incidents.get(s.id);
    if (previous && previous.fingerprint !== s.fingerprint) this.byFingerprint.get(previous.fingerprint)?.delete(s.id);
    this.incidents.set(s.id, s);
    let ids = this.byFingerprint.get(s.fingerprint);
    if (!ids) this.byFingerprint.set(s.fingerprint, (ids = new Set()));
    ids.add(s.id);
  }

  incident(id: string): IncidentSummary | undefined {
    return this.incidents.get(id);
  }

  allIncidents(): IncidentSummary[] {
    return [...this.incidents.values()];
  }

  openIncidents(): IncidentSummary[] {
    return this.allIncidents().filter((i) => i.status === 'open');
  }

  byCause(cause: Cause): IncidentSummary[] {
    return this.allIncidents()
      .filter((i) => i.cause === cause)
      .sort((a, b) => b.lastSeen - a.lastSeen);
  }

  byFingerprintOf(fingerprint: string): IncidentSummary[] {
    return [...(this.byFingerprint.get(fingerprint) ?? [])].map((id) => this.incidents.get(id)!).filter(Boolean);
  }

  /** Past incidents with the same cause that share signatures or merchants, best first. */
  similar(to: Pick<IncidentSummary, 'id' | 'fingerprint' | 'cause' | 'signatures' | 'merchants'>, limit = 5): SimilarIncident[] {
    if (!to.cause) return [];
    const out: SimilarIncident[] = [];
    for (const other of this.incidents.values()) {
      if (other.id === to.id || other.cause !== to.cause) continue;
      const score =
        other.fingerprint === to.fingerprint ? 1 : 0.6 * jaccard(other.signatures, to.signatures) + 0.4 * jaccard(other.merchants, to.merchants);
      if (score <= 0) continue;
      out.push({ incident: other, score: Math.round(score * 1000) / 1000, outcome: this.outcomes.get(other.id)?.outcome });
    }
    return out.sort((a, b) => b.score - a.score || b.incident.lastSeen - a.incident.lastSeen).slice(0, limit);
  }

  /** Incidents per cause and their mean confidence, bucketed by first-seen event time (for trend charts). */
  trend(bucketMs: number, range?: { from?: number; to?: number }): TrendBucket[] {
    if (!(bucketMs > 0)) throw new RangeError(`bucket size must be positive, got ${bucketMs}`);
    const acc = new Map<number, Map<Cause, { count: number; confSum: number; confN: number }>>();
    for (const i of this.incidents.values()) {
      if (range?.from !== undefined && i.firstSeen < range.from) continue;
      if (range?.to !== undefined && i.firstSeen >= range.to) continue;
      const start = Math.floor(i.firstSeen / bucketMs) * bucketMs;
      let causes = acc.get(start);
      if (!causes) acc.set(start, (causes = new Map()));
      const cause = i.cause ?? 'unknown';
      const c = causes.get(cause) ?? { count: 0, confSum: 0, confN: 0 };
      c.count++;
      if (i.confidence !== undefined) {
        c.confSum += i.confidence;
        c.confN++;
      }
      causes.set(cause, c);
    }
    return [...acc.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([start, causes]) => ({
        start,
        causes: Object.fromEntries(
          [...causes.entries()].map(([cause, c]) => [cause, { count: c.count, meanConfidence: c.confN ? Math.round((c.confSum / c.confN) * 1000) / 1000 : null }]),
        ),
      }));
  }

  countsByCause(): Partial<Record<Cause, number>> {
    const out: Partial<Record<Cause, number>> = {};
    for (const i of this.incidents.values()) {
      const c = i.cause ?? 'unknown';
      out[c] = (out[c] ?? 0) + 1;
    }
    return out;
  }

  outcome(incidentId: string): (OutcomeEntryData & { at: number }) | undefined {
    return this.outcomes.get(incidentId);
  }

  allOutcomes(): (OutcomeEntryData & { at: number })[] {
    return [...this.outcomes.values()];
  }

  ruleCounts(ruleId: string): RuleOutcomeCounts {
    const c = { resolved: 0, false_positive: 0, wrong_cause: 0 };
    for (const o of this.outcomes.values()) if (o.ruleId === ruleId) c[o.outcome]++;
    return c;
  }

  ruleStats(): RuleStats[] {
    const ids = new Set<string>();
    for (const o of this.outcomes.values()) if (o.ruleId) ids.add(o.ruleId);
    return [...ids].sort().map((ruleId) => {
      const c = this.ruleCounts(ruleId);
      return { ruleId, ...c, samples: samplesOf(c), precision: observedPrecision(c) ?? null, smoothedPrecision: smoothedPrecision(c) };
    });
  }

  /** Calibrated confidence for a hypothesis of `ruleId`, or undefined with fewer than 3 outcomes. */
  calibrate(ruleId: string, raw: number): Calibration | undefined {
    return calibrate(ruleId, raw, this.ruleCounts(ruleId));
  }

  llmStats(): LlmStats {
    let incidents = 0;
    let cacheHits = 0;
    let errors = 0;
    let latencySum = 0;
    let latencyN = 0;
    for (const i of this.incidents.values()) {
      if (!i.llm) continue;
      incidents++;
      if (i.llm.cacheHit) cacheHits++;
      if (i.llm.error) errors++;
      if (i.llm.latencyMs !== undefined) {
        latencySum += i.llm.latencyMs;
        latencyN++;
      }
    }
    return { incidents, cacheHits, errors, meanLatencyMs: latencyN ? Math.round(latencySum / latencyN) : null };
  }

  get paused(): boolean {
    return this.pausedState?.paused ?? false;
  }

  get pause(): { paused: boolean; by: string; reason?: string; at: number } | undefined {
    return this.pausedState;
  }
}

function jaccard(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 0;
  const sa = new Set(a);
  const sb = new Set(b);
  let inter = 0;
  for (const x of sa) if (sb.has(x)) inter++;
  return inter / (sa.size + sb.size - inter);
}
