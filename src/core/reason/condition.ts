import { CODE_LIST_FIELDS, EVENT_CODE_PARAMS, lookupField, type ParsedField } from './fields';
import { compilePatternCached, type FieldValue, type FeatureView } from './feature-view';

/**
 * The declarative condition language of rules (JSON-able, so users can write it in .cosmos/rules.json):
 *   {"all": [...]}, {"any": [...]}, {"not": {...}},
 *   {"field": "merchantCount", "gte": 10}, {"field": "scope", "eq": "platform"},
 *   {"field": "errorCodes", "contains": "http_401"}, {"field": "codes", "containsAny": ["a", "b"]},
 *   {"field": "errorCodes", "matches": "http_5*"}, {"field": "scope", "in": ["merchant", "multi_merchant"]},
 *   {"field": "share:http_401@webhook|webhook_signature_invalid", "gte": 0.5}.
 * A leaf may carry several operators; all must hold ({"field": "merchantCount", "gte": 2, "lte": 5}).
 */
export type Scalar = string | number | boolean;
export interface LeafCondition {
  field: string;
  eq?: Scalar;
  in?: Scalar[];
  gte?: number;
  gt?: number;
  lte?: number;
  lt?: number;
  contains?: string | number;
  containsAny?: (string | number)[];
  containsAll?: (string | number)[];
  matches?: string;
}
export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | LeafCondition;

const NUMERIC_OPS = ['gte', 'gt', 'lte', 'lt'] as const;
const LIST_OPS = ['contains', 'containsAny', 'containsAll', 'matches'] as const;
const ANY_OPS = ['eq', 'in'] as const;
const LEAF_KEYS = new Set<string>(['field', ...NUMERIC_OPS, ...LIST_OPS, ...ANY_OPS]);

/** Validates untrusted JSON as a Condition; every problem is reported with its JSON path. */
export function validateCondition(raw: unknown, path: string, errors: string[]): raw is Condition {
  const before = errors.length;
  check(raw, path, errors);
  return errors.length === before;
}

function check(raw: unknown, path: string, errors: string[]): void {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    errors.push(`${path} — expected a condition object ({"all"|"any"|"not"|"field": ...}), got ${describe(raw)}`);
    return;
  }
  const obj = raw as Record<string, unknown>;
  const keys = Object.keys(obj);
  for (const combinator of ['all', 'any'] as const) {
    if (combinator in obj) {
      if (keys.length !== 1) errors.push(`${path} — "${combinator}" must be the only key, found ${keys.join(', ')}`);
      const list = obj[combinator];
      if (!Array.isArray(list)) {
        errors.push(`${path}.${combinator} — expected a list of conditions, got ${describe(list)}`);
        return;
      }
      list.forEach((c, i) => check(c, `${path}.${combinator}[${i}]`, errors));
      return;
    }
  }
  if ('not' in obj) {
    if (keys.length !== 1) errors.push(`${path} — "not" must be the only key, found ${keys.join(', ')}`);
    check(obj.not, `${path}.not`, errors);
    return;
  }
  if (!('field' in obj)) {
    errors.push(`${path} — a condition needs "all", "any", "not" or "field" (found ${keys.join(', ') || 'no keys'})`);
    return;
  }
  if (typeof obj.field !== 'string') {
    errors.push(`${path}.field — expected a field name string, got ${describe(obj.field)}`);
    return;
  }
  const unknownKeys = keys.filter((k) => !LEAF_KEYS.has(k));
  for (const k of unknownKeys) {
    errors.push(`${path}.${k} — unknown operator "${k}" (use ${[...NUMERIC_OPS, ...LIST_OPS, ...ANY_OPS].join(', ')})`);
  }
  const lookup = lookupField(obj.field);
  if (!lookup.ok) {
    errors.push(`${path}.field — ${lookup.message}`);
    return;
  }
  const field = lookup.field;
  const ops = keys.filter((k) => k !== 'field' && LEAF_KEYS.has(k));
  if (ops.length === 0 && unknownKeys.length === 0) {
    errors.push(`${path} — field "${obj.field}" has no operator (use one of gte, lte, eq, in, contains, containsAny, matches, ...)`);
  }
  for (const op of ops) {
    const v = obj[op];
    const at = `${path}.${op}`;
    if ((NUMERIC_OPS as readonly string[]).includes(op)) {
      if (field.kind !== 'number') errors.push(`${at} — field "${obj.field}" is a ${field.kind}; "${op}" compares numbers`);
      else if (typeof v !== 'number' || !Number.isFinite(v)) errors.push(`${at} — expected a number, got ${describe(v)}`);
    } else if ((LIST_OPS as readonly string[]).includes(op)) {
      if (field.kind === 'number') errors.push(`${at} — field "${obj.field}" is a number; "${op}" works on lists and strings`);
      if (op === 'contains' && typeof v !== 'string' && typeof v !== 'number') {
        errors.push(`${at} — expected a string or number, got ${describe(v)}`);
      } else if ((op === 'containsAny' || op === 'containsAll') && !isScalarList(v, false)) {
        errors.push(`${at} — expected a non-empty list of strings or numbers, got ${describe(v)}`);
      } else if (op === 'matches' && (typeof v !== 'string' || v.trim() === '')) {
        errors.push(`${at} — expected a non-empty pattern string, got ${describe(v)}`);
      }
    } else if (op === 'eq') {
      if (!isScalar(v)) errors.push(`${at} — expected a string, number or boolean, got ${describe(v)}`);
    } else if (op === 'in') {
      if (!isScalarList(v, true)) errors.push(`${at} — expected a non-empty list of strings, numbers or booleans, got ${describe(v)}`);
    }
  }
}

function isScalar(v: unknown): v is Scalar {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

function isScalarList(v: unknown, allowBoolean: boolean): boolean {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((x) => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x)) || (allowBoolean && typeof x === 'boolean'))
  );
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** A compiled condition: evaluation appends one line per leaf that held, for the hypothesis evidence. */
export interface CompiledCondition {
  evaluate(view: FeatureView, trace?: string[]): boolean;
  /** The condition as a short readable expression (for "not" traces and docs). */
  readonly text: string;
}

export function compileCondition(c: Condition): CompiledCondition {
  if ('all' in c) {
    const parts = c.all.map(compileCondition);
    return {
      text: parts.length === 0 ? 'always' : `(${parts.map((p) => p.text).join(' and ')})`,
      evaluate(view, trace) {
        const local: string[] = [];
        for (const p of parts) if (!p.evaluate(view, trace ? local : undefined)) return false;
        trace?.push(...local);
        return true;
      },
    };
  }
  if ('any' in c) {
    const parts = c.any.map(compileCondition);
    return {
      text: `(${parts.map((p) => p.text).join(' or ')})`,
      evaluate(view, trace) {
        let held = false;
        for (const p of parts) {
          // Keep evaluating the other branches only when tracing, so the evidence lists every reason.
          if (p.evaluate(view, trace)) {
            held = true;
            if (!trace) return true;
          }
        }
        return held;
      },
    };
  }
  if ('not' in c) {
    const inner = compileCondition(c.not);
    return {
      text: `not ${inner.text}`,
      evaluate(view, trace) {
        if (inner.evaluate(view)) return false;
        trace?.push(`not ${inner.text}`);
        return true;
      },
    };
  }
  return compileLeaf(c);
}

function compileLeaf(c: LeafCondition): CompiledCondition {
  const lookup = lookupField(c.field);
  if (!lookup.ok) throw new Error(`cannot compile condition: ${lookup.message}`);
  const field: ParsedField = lookup.field;
  const key = c.field;
  const tests: ((v: FieldValue) => boolean)[] = [];
  const texts: string[] = [];
  const norm = (x: Scalar) => (typeof x === 'string' ? x.toLowerCase() : x);
  const asList = (v: FieldValue): readonly (string | number)[] => (Array.isArray(v) ? v : [v as string | number]);
  const has = (v: FieldValue, x: string | number) => asList(v).some((e) => norm(e) === norm(x));
  if (c.gte !== undefined) { const n = c.gte; tests.push((v) => (v as number) >= n); texts.push(`≥ ${fmt(n)}`); }
  if (c.gt !== undefined) { const n = c.gt; tests.push((v) => (v as number) > n); texts.push(`> ${fmt(n)}`); }
  if (c.lte !== undefined) { const n = c.lte; tests.push((v) => (v as number) <= n); texts.push(`≤ ${fmt(n)}`); }
  if (c.lt !== undefined) { const n = c.lt; tests.push((v) => (v as number) < n); texts.push(`< ${fmt(n)}`); }
  if (c.eq !== undefined) {
    const x = c.eq;
    tests.push((v) => (Array.isArray(v) ? has(v, x as string | number) : norm(v as Scalar) === norm(x)));
    texts.push(`= ${JSON.stringify(x)}`);
  }
  if (c.in !== undefined) {
    const set = c.in.map(norm);
    tests.push((v) => asList(v).some((e) => set.includes(norm(e))));
    texts.push(`in ${JSON.stringify(c.in)}`);
  }
  if (c.contains !== undefined) { const x = c.contains; tests.push((v) => has(v, x)); texts.push(`contains ${JSON.stringify(x)}`); }
  if (c.containsAny !== undefined) {
    const xs = c.containsAny;
    tests.push((v) => xs.some((x) => has(v, x)));
    texts.push(`contains any of ${JSON.stringify(xs)}`);
  }
  if (c.containsAll !== undefined) {
    const xs = c.containsAll;
    tests.push((v) => xs.every((x) => has(v, x)));
    texts.push(`contains all of ${JSON.stringify(xs)}`);
  }
  if (c.matches !== undefined) {
    const p = compilePatternCached(c.matches);
    tests.push((v) => asList(v).some((e) => p.matchesText(String(e))));
    texts.push(`matches ${JSON.stringify(c.matches)}`);
  }
  const text = `${shortKey(key)} ${texts.join(' and ')}`;
  return {
    text,
    evaluate(view, trace) {
      const value = view.get(field, key);
      for (const t of tests) if (!t(value)) return false;
      trace?.push(`${shortKey(key)} = ${fmtValue(value)} (${texts.join(', ')})`);
      return true;
    },
  };
}

/**
 * Code patterns a condition counts as positive evidence: the codes the rule "knows" (for the
 * unknown-code ambiguity). Patterns only used as upper bounds (`count:http_5* lte 2`) or under `not`
 * say what must be absent, so they do not make a code known.
 */
export function codePatternsOf(c: Condition, out: string[] = []): string[] {
  if ('all' in c) c.all.forEach((x) => codePatternsOf(x, out));
  else if ('any' in c) c.any.forEach((x) => codePatternsOf(x, out));
  else if ('not' in c) return out;
  else {
    const lookup = lookupField(c.field);
    if (!lookup.ok) return out;
    const { name, arg } = lookup.field;
    if (arg !== undefined && EVENT_CODE_PARAMS.has(name) && ((c.gte ?? 0) > 0 || c.gt !== undefined)) out.push(arg);
    if (arg === undefined && CODE_LIST_FIELDS.has(name)) {
      for (const v of [c.contains, ...(c.containsAny ?? []), ...(c.containsAll ?? []), c.matches, c.eq, ...(c.in ?? [])]) {
        if (typeof v === 'string') out.push(v);
      }
    }
  }
  return out;
}

/** Long code families read badly in evidence: `share:http_401@webhook|…(+6)`. */
export function shortKey(key: string): string {
  const alternatives = key.split('|');
  return alternatives.length > 2 ? `${alternatives[0]}|${alternatives[1]}|…(+${alternatives.length - 2})` : key;
}

export function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

export function fmtValue(v: FieldValue): string {
  if (typeof v === 'number') return fmt(v);
  if (typeof v === 'string') return v;
  const shown = v.slice(0, 6).map(String).join(', ');
  return `[${shown}${v.length > 6 ? `, … ${v.length - 6} more` : ''}]`;
}
