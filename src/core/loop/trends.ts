import type { MemoryIndex } from '../memory/memory-index';
import type { ReasoningMode } from '../report/schema';
import type { Outcome, Trends } from './agent-api';

/** Bucket width of the trend charts: one hour of event time keeps a migration day readable. */
export const TREND_BUCKET_MS = 60 * 60_000;

/** Folds the memory index into the dashboard's "learning over time" series. */
export function buildTrends(index: MemoryIndex, bucketMs = TREND_BUCKET_MS): Trends {
  const buckets = index.trend(bucketMs);
  const causeCounts: { bucket: number; cause: string; count: number }[] = [];
  const confidence: { bucket: number; cause: string; mean: number }[] = [];
  for (const b of buckets) {
    for (const [cause, v] of Object.entries(b.causes)) {
      if (!v) continue;
      causeCounts.push({ bucket: b.start, cause, count: v.count });
      if (v.meanConfidence !== null) confidence.push({ bucket: b.start, cause, mean: v.meanConfidence });
    }
  }
  const modes = new Map<ReasoningMode, number>();
  for (const i of index.allIncidents()) {
    const mode = (i.reasoningMode ?? 'deterministic') as ReasoningMode;
    modes.set(mode, (modes.get(mode) ?? 0) + 1);
  }
  const outcomes = new Map<Outcome, number>();
  for (const o of index.allOutcomes()) outcomes.set(o.outcome, (outcomes.get(o.outcome) ?? 0) + 1);
  const llm = index.llmStats();
  return {
    bucketMs,
    causeCounts,
    confidence,
    modeMix: [...modes.entries()].map(([mode, count]) => ({ mode, count })),
    outcomes: [...outcomes.entries()].map(([outcome, count]) => ({ outcome, count })),
    rulePrecision: index
      .ruleStats()
      .map((r) => ({ ruleId: r.ruleId, precision: r.precision ?? r.smoothedPrecision, samples: r.samples })),
    llm: { calls: llm.incidents, failures: llm.errors, cacheHits: llm.cacheHits, meanLatencyMs: llm.meanLatencyMs },
  };
}
