import { BUILTIN_RULES } from './builtin-rules';
import { codePatternsOf, compileCondition, type CompiledCondition } from './condition';
import { compilePatternCached } from './feature-view';
import type { CodePattern } from './pattern';
import type { Rule } from './rule';

export interface CompiledRule {
  readonly rule: Rule;
  readonly when: CompiledCondition;
  readonly boosts: readonly { when: CompiledCondition; add: number; because: string }[];
  /** 'builtin', 'user' (new id) or 'override' (replaces a built-in with the same id). */
  readonly origin: 'builtin' | 'user' | 'override';
}

export interface CompiledRules {
  readonly rules: readonly CompiledRule[];
  /** Code patterns any rule refers to: an event code matching none is "unknown to every rule". */
  readonly knownCodes: readonly CodePattern[];
}

/**
 * Compiles the built-in catalogue plus validated user rules (see rules-file.ts) once; reasoning then
 * only evaluates closures. A user rule with a built-in's id replaces it; `disable` removes built-ins.
 */
export function compileRules(userRules: readonly Rule[] = [], opts: { disable?: readonly string[] } = {}): CompiledRules {
  const disabled = new Set(opts.disable ?? []);
  const byId = new Map<string, { rule: Rule; origin: CompiledRule['origin'] }>();
  for (const rule of BUILTIN_RULES) if (!disabled.has(rule.id)) byId.set(rule.id, { rule, origin: 'builtin' });
  for (const rule of userRules) {
    byId.set(rule.id, { rule, origin: BUILTIN_RULES.some((b) => b.id === rule.id) ? 'override' : 'user' });
  }
  const rules = [...byId.values()].map(({ rule, origin }) => ({
    rule,
    origin,
    when: compileCondition(rule.when),
    boosts: (rule.boosts ?? []).map((b) => ({ when: compileCondition(b.when), add: b.add, because: b.because })),
  }));
  const patterns = new Set<string>();
  for (const { rule } of rules) {
    if (rule.fallback) continue;
    codePatternsOf(rule.when).forEach((p) => patterns.add(p));
    // A boost that raises confidence names evidence the rule recognises, too.
    for (const b of rule.boosts ?? []) if (b.add > 0) codePatternsOf(b.when).forEach((p) => patterns.add(p));
  }
  return { rules, knownCodes: [...patterns].map(compilePatternCached) };
}
