import type { z } from 'zod';
import { BUILTIN_RULES } from './builtin-rules';
import { validateCondition } from './condition';
import { jsonErrorOffset, lineColumnAt } from './json-position';
import { RuleShellSchema, RulesFileSchema, type Rule } from './rule';
import { templateErrors } from './template';

export interface RulesFileResult {
  /** Valid rules only: a broken rule is reported and left out, the others still load. */
  rules: Rule[];
  /** Built-in rule ids the file switches off. */
  disable: string[];
  /** "rules.json: rules[2].when.field — unknown field \"merchnts\" (did you mean merchants?)" */
  errors: string[];
  warnings: string[];
}

/**
 * Parses and validates the text of `.cosmos/rules.json`:
 *   {"disable": ["builtin.rate_limiting"], "rules": [{"id": ..., "cause": ..., "when": ..., ...}]}
 * (a bare array of rules is accepted too). Whatever is wrong is reported with the file and the JSON path;
 * callers keep running the built-in rules alongside whatever did validate.
 */
export function loadRulesFile(text: string, file: string): RulesFileResult {
  const result: RulesFileResult = { rules: [], disable: [], errors: [], warnings: [] };
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') {
    result.warnings.push(`${file}: empty file, no user rules loaded`);
    return result;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (err) {
    const offset = jsonErrorOffset(body) ?? 0;
    const { line, column } = lineColumnAt(body, offset);
    result.errors.push(`${file}:${line}:${column} — not valid JSON: ${(err as Error).message}`);
    return result;
  }
  const parsedFile = RulesFileSchema.safeParse(Array.isArray(raw) ? { rules: raw } : raw);
  if (!parsedFile.success) {
    result.errors.push(...zodErrors(file, '', parsedFile.error));
    return result;
  }
  const builtinIds = new Set(BUILTIN_RULES.map((r) => r.id));
  for (const [i, id] of parsedFile.data.disable.entries()) {
    if (builtinIds.has(id)) result.disable.push(id);
    else result.warnings.push(`${file}: disable[${i}] — "${id}" is not a built-in rule id (known: ${[...builtinIds].join(', ')})`);
  }
  const seen = new Map<string, number>();
  parsedFile.data.rules.forEach((rawRule, i) => {
    const path = `rules[${i}]`;
    const shell = RuleShellSchema.safeParse(rawRule);
    if (!shell.success) {
      result.errors.push(...zodErrors(file, path, shell.error));
      return;
    }
    const errors: string[] = [];
    validateCondition(shell.data.when, `${path}.when`, errors);
    shell.data.boosts?.forEach((b, j) => validateCondition(b.when, `${path}.boosts[${j}].when`, errors));
    for (const e of templateErrors(shell.data.explanation)) errors.push(`${path}.explanation — ${e}`);
    const previous = seen.get(shell.data.id);
    if (previous !== undefined) errors.push(`${path}.id — duplicate id "${shell.data.id}" (already used by rules[${previous}])`);
    if (errors.length > 0) {
      result.errors.push(...errors.map((e) => `${file}: ${e}`));
      return;
    }
    seen.set(shell.data.id, i);
    if (builtinIds.has(shell.data.id)) result.warnings.push(`${file}: ${path} overrides built-in rule "${shell.data.id}"`);
    result.rules.push(shell.data as Rule);
  });
  return result;
}

function zodErrors(file: string, prefix: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    let path = prefix;
    for (const part of issue.path) {
      path += typeof part === 'number' ? `[${part}]` : path === '' ? String(part) : `.${String(part)}`;
    }
    return `${file}: ${path || '(top level)'} — ${issue.message}`;
  });
}
