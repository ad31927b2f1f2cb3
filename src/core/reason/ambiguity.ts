import type { CosmosConfig } from '../config/config';
import type { Hypothesis } from '../report/schema';
import type { CompiledRules } from './compile-rules';
import { fmt } from './condition';
import type { FeatureView } from './feature-view';
import type { Ambiguity, ObservedIncident } from './types';

/** Share of the event weight carried by unknown codes from which the codes make an incident ambiguous. */
export const UNKNOWN_CODE_SHARE = 0.5;

/**
 * Why a deterministic verdict should not be trusted (each reason is a sentence with the numbers).
 * Ambiguous incidents are what the LLM port gets to look at; without an LLM they stay `unknown`.
 */
export function assessAmbiguity(
  incident: ObservedIncident,
  ranked: readonly Hypothesis[],
  view: FeatureView,
  rules: CompiledRules,
  config: CosmosConfig,
): Ambiguity {
  const reasons: string[] = [];
  const { ambiguityThreshold, ambiguityMargin, minObservationConfidence } = config.reason;
  const top = ranked[0];
  if (!top) {
    reasons.push('no hypothesis at all');
  } else if (top.confidence < ambiguityThreshold) {
    const what = top.cause === 'unknown' ? 'no rule matched; fallback' : 'top hypothesis';
    reasons.push(`${what} ${top.cause} ${fmt2(top.confidence)} < ${fmt2(ambiguityThreshold)} ambiguity threshold`);
  }
  const runnerUp = top && ranked.find((h) => h.cause !== top.cause && h.cause !== 'unknown');
  if (top && runnerUp && top.confidence - runnerUp.confidence < ambiguityMargin) {
    reasons.push(
      `top two hypotheses ${fmt2(top.confidence - runnerUp.confidence)} apart (< ${fmt2(ambiguityMargin)} margin): ` +
        `${top.cause} ${fmt2(top.confidence)} vs ${runnerUp.cause} ${fmt2(runnerUp.confidence)}`,
    );
  }
  const observed = incident.observationConfidence.value;
  if (observed < minObservationConfidence) {
    const why = incident.observationConfidence.factors.map((f) => f.detail).join('; ');
    reasons.push(
      `observation confidence ${fmt2(observed)} < ${fmt2(minObservationConfidence)} required${why ? ` (${why})` : ''}`,
    );
  }
  const total = view.totalEventWeight();
  if (total > 0) {
    const unknown = view
      .eventSignatures()
      .filter((e) => !rules.knownCodes.some((p) => p.matchesCode(e.code, e.service)));
    const unknownWeight = unknown.reduce((n, e) => n + e.count, 0);
    if (unknownWeight > 0 && unknownWeight / total >= UNKNOWN_CODE_SHARE) {
      const codes = [...new Set(unknown.map((e) => e.code))].join(', ');
      reasons.push(`error codes unknown to every rule: ${codes} (${fmt(unknownWeight)} of ${fmt(total)} events)`);
    }
  }
  return { ambiguous: reasons.length > 0, reasons };
}

function fmt2(n: number): string {
  return n.toFixed(2);
}
