import type { z } from 'zod';
import type { ObservationConfidenceSchema } from '../../report/schema';
import { fmtDuration, fmtNumber, plural } from './format';

export type ObservationConfidence = z.infer<typeof ObservationConfidenceSchema>;

/**
 * How much of the picture Observe had when it saw an incident. Starts at 1 and every reduction is a named factor
 * with its delta, so "why is this 0.55?" is answered in the report. Mirrors the prototype, which lowered confidence
 * for each missing source kind.
 */
export interface ConfidenceInputs {
  readonly hasEventSource: boolean;
  readonly hasTicketSource: boolean;
  /** Records that failed validation, and all records read (valid and invalid, all sources). */
  readonly invalid: number;
  readonly totalRecords: number;
  /** Latest event time seen anywhere, and the incident's latest evidence. */
  readonly latestTs: number;
  readonly lastSeen: number;
  readonly quietAfterMs: number;
  /** Weighted records in the incident. */
  readonly records: number;
}

export const MISSING_SOURCE_PENALTY = 0.2;
export const MAX_QUALITY_PENALTY = 0.3;
export const STALE_PENALTY_PER_QUIET_PERIOD = 0.05;
export const MAX_STALE_PENALTY = 0.15;
/** Fewer weighted records than this is thin evidence. */
export const THIN_EVIDENCE_RECORDS = 3;
export const THIN_EVIDENCE_PENALTY = 0.15;

const round2 = (n: number): number => Math.round(n * 100) / 100;

export function observationConfidence(i: ConfidenceInputs): ObservationConfidence {
  const factors: ObservationConfidence['factors'] = [];
  if (!i.hasEventSource) {
    factors.push({
      name: 'missing_source',
      delta: -MISSING_SOURCE_PENALTY,
      detail: `no event source: errors behind the tickets cannot be seen (-${MISSING_SOURCE_PENALTY})`,
    });
  }
  if (!i.hasTicketSource) {
    factors.push({
      name: 'missing_source',
      delta: -MISSING_SOURCE_PENALTY,
      detail: `no ticket source: customer impact cannot be seen (-${MISSING_SOURCE_PENALTY})`,
    });
  }
  const seen = Math.max(i.totalRecords, i.invalid);
  if (i.invalid > 0 && seen > 0) {
    const share = i.invalid / seen;
    const delta = round2(Math.min(MAX_QUALITY_PENALTY, share));
    if (delta > 0) {
      factors.push({
        name: 'data_quality',
        delta: -delta,
        detail: `${fmtNumber(round2(share * 100))} % invalid records (${i.invalid} of ${seen}) (-${delta})`,
      });
    }
  }
  const age = i.latestTs - i.lastSeen;
  if (Number.isFinite(age) && age > i.quietAfterMs) {
    const delta = round2(Math.min(MAX_STALE_PENALTY, STALE_PENALTY_PER_QUIET_PERIOD * Math.floor(age / i.quietAfterMs)));
    factors.push({
      name: 'staleness',
      delta: -delta,
      detail: `last evidence ${fmtDuration(age)} before the latest event (-${delta})`,
    });
  }
  if (i.records < THIN_EVIDENCE_RECORDS) {
    factors.push({
      name: 'thin_evidence',
      delta: -THIN_EVIDENCE_PENALTY,
      detail: `only ${plural(i.records, 'record')} behind this incident (-${THIN_EVIDENCE_PENALTY})`,
    });
  }
  const value = round2(Math.min(1, Math.max(0, 1 + factors.reduce((a, f) => a + f.delta, 0))));
  return { value, factors };
}
