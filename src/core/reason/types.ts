import type { Cause, Hypothesis, Incident } from '../report/schema';

/**
 * An incident as Observe hands it over: everything except what Reason and Decide fill in.
 * (Structurally the same type as Observe's own `ObservedIncident`.)
 */
export type ObservedIncident = Omit<
  Incident,
  'cause' | 'confidence' | 'reasoningMode' | 'hypotheses' | 'ambiguity' | 'llm' | 'decision'
>;

/** Outcome feedback applied to a rule's raw confidence (see memory's per-rule precision). */
export type Calibration = NonNullable<Hypothesis['calibration']>;

export interface Ambiguity {
  readonly ambiguous: boolean;
  /** One sentence per reason, with the numbers, e.g. "top hypothesis 0.45 < 0.60 ambiguity threshold". */
  readonly reasons: string[];
}

export interface ReasoningResult {
  /** `unknown` when ambiguous: the candidates stay in `hypotheses` for the user (and the LLM). */
  readonly cause: Cause;
  readonly confidence: number;
  readonly reasoningMode: 'deterministic';
  /** Ranked, best first. */
  readonly hypotheses: Hypothesis[];
  readonly ambiguity: Ambiguity;
}
