/**
 * Outcome learning: a rule's confidence is scaled by how often people confirmed its conclusions.
 * Precision is smoothed with a Beta(2, 1) prior — "rules are usually right" — so three outcomes move it
 * a little and thirty move it a lot; below MIN_SAMPLES nothing is adjusted.
 */
export interface RuleOutcomeCounts {
  readonly resolved: number;
  readonly false_positive: number;
  readonly wrong_cause: number;
}

export interface Calibration {
  readonly raw: number;
  readonly calibrated: number;
  /** Smoothed precision used for the adjustment. */
  readonly precision: number;
  readonly samples: number;
  readonly detail: string;
}

export const PRIOR_ALPHA = 2;
export const PRIOR_BETA = 1;
export const PRIOR_MEAN = PRIOR_ALPHA / (PRIOR_ALPHA + PRIOR_BETA);
export const MIN_SAMPLES = 3;
/** A calibrated confidence never claims certainty, and never drops to exactly zero. */
export const CALIBRATED_MIN = 0.01;
export const CALIBRATED_MAX = 0.99;

export function samplesOf(c: RuleOutcomeCounts): number {
  return c.resolved + c.false_positive + c.wrong_cause;
}

/** resolved / (resolved + false_positive + wrong_cause), or undefined without outcomes. */
export function observedPrecision(c: RuleOutcomeCounts): number | undefined {
  const n = samplesOf(c);
  return n === 0 ? undefined : c.resolved / n;
}

export function smoothedPrecision(c: RuleOutcomeCounts): number {
  return (c.resolved + PRIOR_ALPHA) / (samplesOf(c) + PRIOR_ALPHA + PRIOR_BETA);
}

export function calibrate(ruleId: string, raw: number, counts: RuleOutcomeCounts): Calibration | undefined {
  const samples = samplesOf(counts);
  if (samples < MIN_SAMPLES) return undefined;
  const precision = smoothedPrecision(counts);
  const calibrated = round3(clamp(raw * (precision / PRIOR_MEAN), CALIBRATED_MIN, CALIBRATED_MAX));
  const wrong = counts.false_positive + counts.wrong_cause;
  const detail =
    `rule ${ruleId} was confirmed ${counts.resolved} of ${samples} time(s)` +
    (wrong > 0 ? ` (${counts.false_positive} false positive, ${counts.wrong_cause} wrong cause)` : '') +
    `; smoothed precision ${precision.toFixed(2)} vs prior ${PRIOR_MEAN.toFixed(2)}, so confidence ${raw.toFixed(2)} → ${calibrated.toFixed(2)}`;
  return { raw, calibrated, precision: round3(precision), samples, detail };
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
