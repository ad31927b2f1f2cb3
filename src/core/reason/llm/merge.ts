import type { LlmResult } from '../../ports/llm';
import type { Cause, Hypothesis, LlmTrace, ReasoningMode } from '../../report/schema';

/**
 * Folds a model's answer into the deterministic result. The model refines, it never overrules safely on its own:
 * its confidence is capped unless a rule names the same cause, a failure keeps the deterministic outcome whole,
 * and nothing here proposes actions — the policy derives those from the merged cause afterwards.
 */

export interface DeterministicOutcome {
  readonly cause: Cause;
  readonly confidence: number;
  readonly hypotheses: readonly Hypothesis[];
  readonly ambiguity?: { readonly ambiguous: boolean; readonly reasons: readonly string[] };
}

export interface MergedOutcome {
  readonly cause: Cause;
  readonly confidence: number;
  readonly reasoningMode: ReasoningMode;
  readonly hypotheses: Hypothesis[];
  readonly llm: LlmTrace;
}

/** Accepts the whole CosmosConfig or just its `llm` part's cap. */
export interface MergeConfig {
  readonly llm: { readonly confidenceCap: number };
}

const ruleCauses = (hypotheses: readonly Hypothesis[]): Set<Cause> =>
  new Set(hypotheses.filter((h) => h.source.kind === 'rule' && h.cause !== 'unknown').map((h) => h.cause));

/**
 * True when `cause` is supported by a model hypothesis and by no rule: the decide gate then requires approval for
 * any action, whatever its risk ("a hypothesis that only the model supports never executes without approval").
 */
export function isLlmOnly(hypotheses: readonly Hypothesis[], cause: Cause): boolean {
  const byRule = hypotheses.some((h) => h.cause === cause && h.source.kind === 'rule');
  const byModel = hypotheses.some((h) => h.cause === cause && h.source.kind === 'llm');
  return byModel && !byRule;
}

export function mergeLlm(deterministic: DeterministicOutcome, result: LlmResult, config: MergeConfig): MergedOutcome {
  const ruleHypotheses = deterministic.hypotheses.filter((h) => h.source.kind === 'rule');
  if (!result.ok) {
    return {
      cause: deterministic.cause,
      confidence: deterministic.confidence,
      reasoningMode: 'llm_failed',
      hypotheses: [...deterministic.hypotheses],
      llm: { ...result.trace, error: result.trace.error ?? result.reason },
    };
  }

  const agreed = ruleCauses(ruleHypotheses);
  const cap = config.llm.confidenceCap;
  const modelHypotheses: Hypothesis[] = result.hypotheses.map((h) => {
    const ruleAgrees = agreed.has(h.cause);
    return { ...h, confidence: ruleAgrees ? h.confidence : Math.min(h.confidence, cap), ruleAgrees };
  });
  // Highest confidence first; on a tie the rule wins, since it is the explainable, calibrated side.
  const merged = [...ruleHypotheses, ...modelHypotheses].sort(
    (a, b) => b.confidence - a.confidence || (a.source.kind === 'rule' ? -1 : 0) - (b.source.kind === 'rule' ? -1 : 0),
  );
  const top = merged[0];
  if (!top) {
    return {
      cause: deterministic.cause,
      confidence: deterministic.confidence,
      reasoningMode: 'deterministic',
      hypotheses: [...deterministic.hypotheses],
      llm: result.trace,
    };
  }
  const reasoningMode: ReasoningMode = isLlmOnly(merged, top.cause) ? 'llm' : 'hybrid';
  return { cause: top.cause, confidence: top.confidence, reasoningMode, hypotheses: merged, llm: result.trace };
}
