import type { CosmosConfig } from '../config/config';
import type { Hypothesis } from '../report/schema';
import { assessAmbiguity } from './ambiguity';
import type { CompiledRule, CompiledRules } from './compile-rules';
import { codePatternsOf, fmt } from './condition';
import { compilePatternCached, FeatureView } from './feature-view';
import { renderTemplate } from './template';
import type { Calibration, ObservedIncident, ReasoningResult } from './types';

export interface ReasonOptions {
  readonly rules: CompiledRules;
  readonly config: CosmosConfig;
  /** Outcome feedback for a rule (memory's per-rule precision); undefined keeps the raw confidence. */
  readonly calibrate?: (ruleId: string, raw: number) => Calibration | undefined;
}

const MAX_EVIDENCE_SIGNATURES = 3;

/**
 * Deterministic reasoning: every rule whose condition holds proposes its cause; hypotheses are ranked
 * by confidence (ties keep catalogue order). An ambiguous incident gets cause `unknown` but keeps its
 * candidates, so the user (or the LLM stage) sees what was considered and why.
 */
export function reason(incident: ObservedIncident, opts: ReasonOptions): ReasoningResult {
  const view = new FeatureView(incident);
  const ordered: { h: Hypothesis; order: number }[] = [];
  const regular = opts.rules.rules.filter((r) => !r.rule.fallback);
  const fallbacks = opts.rules.rules.filter((r) => r.rule.fallback);
  regular.forEach((r, order) => {
    const h = hypothesise(r, view, opts);
    if (h) ordered.push({ h, order });
  });
  if (ordered.length === 0) {
    fallbacks.forEach((r, order) => {
      const h = hypothesise(r, view, opts);
      if (h) ordered.push({ h, order });
    });
  }
  ordered.sort((a, b) => b.h.confidence - a.h.confidence || a.order - b.order);
  const hypotheses = ordered.map((o) => o.h);
  const ambiguity = assessAmbiguity(incident, hypotheses, view, opts.rules, opts.config);
  const top = hypotheses[0];
  return {
    cause: ambiguity.ambiguous || !top ? 'unknown' : top.cause,
    // The best candidate's confidence, also when ambiguous: how sure the best guess is.
    confidence: top?.confidence ?? 0,
    reasoningMode: 'deterministic',
    hypotheses,
    ambiguity,
  };
}

function hypothesise(compiled: CompiledRule, view: FeatureView, opts: ReasonOptions): Hypothesis | undefined {
  const trace: string[] = [];
  if (!compiled.when.evaluate(view, trace)) return undefined;
  const { rule } = compiled;
  let raw = rule.confidence;
  const applied: string[] = [];
  for (const boost of compiled.boosts) {
    if (boost.when.evaluate(view)) {
      raw += boost.add;
      applied.push(`${boost.add >= 0 ? '+' : '−'}${Math.abs(boost.add).toFixed(2)} ${boost.because}`);
    }
  }
  raw = round3(Math.min(0.99, Math.max(0.01, raw)));
  const calibration = opts.calibrate?.(rule.id, raw);
  const confidence = calibration ? round3(Math.min(1, Math.max(0, calibration.calibrated))) : raw;
  const scoring =
    `Confidence ${raw.toFixed(2)} = base ${rule.confidence.toFixed(2)}${applied.map((a) => `, ${a}`).join('')}` +
    (calibration ? `; calibrated to ${confidence.toFixed(2)} (${calibration.detail})` : '') +
    '.';
  const evidence = [
    ...trace.map((t) => `${rule.id}: ${t}`),
    ...applied.map((a) => `${rule.id} boost ${a}`),
    ...signatureEvidence(rule.when, view),
  ];
  return {
    cause: rule.cause,
    confidence,
    explanation: `${renderTemplate(rule.explanation, view)} ${scoring}`,
    evidence,
    source: { kind: 'rule', ruleId: rule.id },
    ...(calibration ? { calibration } : {}),
  };
}

/** The incident's heaviest signatures this rule is about: "http_401@webhook ×34 at M7". */
function signatureEvidence(when: CompiledRule['rule']['when'], view: FeatureView): string[] {
  const patterns = codePatternsOf(when).map(compilePatternCached);
  if (patterns.length === 0) return [];
  return view
    .incident.signatures.filter((s) => s.kind === 'event' && patterns.some((p) => p.matchesCode(s.code, s.service)))
    .sort((a, b) => b.count - a.count)
    .slice(0, MAX_EVIDENCE_SIGNATURES)
    .map((s) => `${s.signature} ×${fmt(s.count)} at ${s.merchants.slice(0, 5).join(', ')}${s.merchants.length > 5 ? ', …' : ''}`);
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
