import type { Cause } from '../../report/schema';
import { ANSWER_LIMITS, answerSchema, type LlmAnswer } from './answer';
import { stripInvisible, truncate } from './redact';

/**
 * Turns what a local model actually wrote into a validated answer. Repairs only what has one reading (a word
 * confidence, a percentage, a `description` where `explanation` belongs, a fenced block) and records each repair;
 * anything that would need a guess — above all JSON cut off mid-string — is a failure, and the caller retries
 * once with a shorter prompt, then falls back to the deterministic result.
 */

export type ParseOutcome =
  | { readonly ok: true; readonly answer: LlmAnswer; readonly repairs: readonly string[] }
  | { readonly ok: false; readonly error: string; readonly truncated: boolean; readonly repairs: readonly string[] };

const WORD_CONFIDENCE: Record<string, number> = {
  'very high': 0.95,
  certain: 0.95,
  high: 0.85,
  likely: 0.7,
  moderate: 0.6,
  medium: 0.6,
  possible: 0.4,
  low: 0.3,
  unlikely: 0.2,
  'very low': 0.1,
};

/** Keyword evidence per cause, used only to name the cause of a hypothesis that gave none. */
const CAUSE_KEYWORDS: Record<Exclude<Cause, 'unknown'>, readonly string[]> = {
  migration_misconfiguration: ['migration', 'misconfigur', 'mapping', 'checkout fail', 'configuration'],
  webhook_auth_failure: ['webhook auth', 'webhook signature', 'webhook secret', 'hmac', 'webhook 401', 'webhook 403'],
  webhook_delivery_failure: ['webhook deliver', 'webhook timeout', 'delivery fail', 'webhook retr', 'endpoint unreachable'],
  frontend_backend_mismatch: ['frontend', 'storefront', 'mismatch', 'contract', 'schema version'],
  platform_regression: ['regression', 'platform-wide', 'platform wide', 'outage', 'deploy'],
  api_data_inconsistency: ['inconsisten', 'not reflected', 'stale', 'out of sync', 'data mismatch'],
  rate_limiting: ['rate limit', 'rate-limit', '429', 'throttl', 'too many requests'],
  api_auth_failure: ['api key', 'api auth', 'credential', 'access token', 'scope', 'api 401', 'api 403'],
  documentation_gap: ['documentation', 'docs', 'how to', 'how-to', 'unclear guide'],
  normal_operation: ['normal operation', 'expected behavio', 'no issue', 'noise'],
};

/** The cause whose keywords (or own name) match best, if exactly one does; otherwise none. */
export function causeFromText(text: string, allowed: readonly Cause[]): Cause | undefined {
  const lower = text.toLowerCase();
  const scores = allowed
    .filter((c): c is Exclude<Cause, 'unknown'> => c !== 'unknown')
    .map((cause) => {
      let score = lower.includes(cause.replace(/_/g, ' ')) || lower.includes(cause) ? 3 : 0;
      for (const k of CAUSE_KEYWORDS[cause]) if (lower.includes(k)) score += 1;
      return { cause, score };
    })
    .sort((a, b) => b.score - a.score);
  const [best, second] = scores;
  if (!best || best.score === 0 || (second && second.score === best.score)) return undefined;
  return best.cause;
}

/** Finds the end of the JSON value starting at `start`, honouring strings; -1 when it never closes. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: Json): string | undefined => (typeof v === 'string' ? v : undefined);

function extractJson(raw: string, repairs: string[]): { ok: true; value: Json } | { ok: false; error: string; truncated: boolean } {
  let body = stripInvisible(raw).trim();
  if (body === '') return { ok: false, error: 'the model answered nothing but whitespace', truncated: false };
  const fence = /```[a-zA-Z]*\s*\n?([\s\S]*?)(?:```|$)/.exec(body);
  if (fence && fence[1] !== undefined && !body.startsWith('{')) {
    body = fence[1].trim();
    repairs.push('unwrapped a fenced ```json block');
  }
  const start = body.search(/[{[]/);
  if (start < 0) return { ok: false, error: `no JSON object in the answer: "${truncate(body, 80)}"`, truncated: false };
  const end = balancedEnd(body, start);
  if (end < 0) {
    // Cut off (num_predict reached or the stream died): completing it would be a guess.
    let message = 'JSON never closes';
    try {
      JSON.parse(body.slice(start));
    } catch (err) {
      message = (err as Error).message;
    }
    return { ok: false, error: `truncated JSON (${message})`, truncated: true };
  }
  const before = body.slice(0, start).trim();
  const after = body.slice(end + 1).trim();
  if (before || after) {
    repairs.push(`stripped ${before.length + after.length} chars of prose around the JSON`);
  }
  try {
    return { ok: true, value: JSON.parse(body.slice(start, end + 1)) };
  } catch (err) {
    return { ok: false, error: `malformed JSON (${(err as Error).message})`, truncated: false };
  }
}

function readConfidence(value: Json, label: string, repairs: string[]): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    if (value >= 0 && value <= 1) return value;
    if (value > 1 && value <= 100) {
      repairs.push(`${label}: confidence ${value} read as a percentage (${value / 100})`);
      return value / 100;
    }
    return undefined;
  }
  if (typeof value === 'string') {
    const s = value.trim().toLowerCase();
    const word = WORD_CONFIDENCE[s];
    if (word !== undefined) {
      repairs.push(`${label}: confidence "${value}" mapped to ${word}`);
      return word;
    }
    const m = /^(\d+(?:\.\d+)?)\s*(%?)$/.exec(s);
    if (m && m[1] !== undefined) {
      const n = Number(m[1]);
      if (m[2] === '%' || n > 1) {
        if (n > 100) return undefined;
        repairs.push(`${label}: confidence "${value}" read as a percentage (${n / 100})`);
        return n / 100;
      }
      repairs.push(`${label}: confidence "${value}" given as a string`);
      return n;
    }
  }
  return undefined;
}

function flattenEvidenceItem(item: Json): string | undefined {
  if (typeof item === 'string') return item;
  if (typeof item === 'number' || typeof item === 'boolean') return String(item);
  if (isObject(item)) {
    for (const key of ['id', 'ref', 'block', 'source', 'record', 'recordId']) {
      const v = item[key];
      if (typeof v === 'string' || typeof v === 'number') return String(v);
    }
    const parts = Object.entries(item)
      .filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      .map(([k, v]) => `${k}: ${String(v)}`);
    return parts.length > 0 ? parts.join(', ') : undefined;
  }
  return undefined;
}

function readEvidence(value: Json, label: string, repairs: string[]): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const items = Array.isArray(value) ? value : [value];
  if (!Array.isArray(value)) repairs.push(`${label}: evidence given as a single value; wrapped in a list`);
  const nested = items.filter((i) => typeof i !== 'string').length;
  if (nested > 0 && Array.isArray(value)) repairs.push(`${label}: flattened ${nested} nested evidence item(s) to strings`);
  const out = items
    .map(flattenEvidenceItem)
    .filter((s): s is string => s !== undefined && s.trim() !== '')
    .map((s) => truncate(stripInvisible(s).trim(), ANSWER_LIMITS.evidenceChars - 25));
  if (out.length > ANSWER_LIMITS.evidenceItems) repairs.push(`${label}: kept the first ${ANSWER_LIMITS.evidenceItems} evidence items`);
  return out.slice(0, ANSWER_LIMITS.evidenceItems);
}

function readUnknowns(value: Json, repairs: string[]): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  let list: string[];
  if (Array.isArray(value)) {
    list = value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  } else if (isObject(value)) {
    list = Object.entries(value).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
    repairs.push('unknowns given as an object; converted to a list');
  } else if (typeof value === 'string') {
    list = [value];
    repairs.push('unknowns given as a string; wrapped in a list');
  } else {
    repairs.push(`unknowns given as ${typeof value} (${String(value)}); ignored`);
    return undefined;
  }
  return list
    .slice(0, ANSWER_LIMITS.unknownItems)
    .map((s) => truncate(stripInvisible(s), ANSWER_LIMITS.unknownChars - 25));
}

function readHypothesis(raw: Json, index: number, allowed: readonly Cause[], repairs: string[]) {
  const label = `hypothesis ${index + 1}`;
  if (!isObject(raw)) {
    repairs.push(`${label}: not an object; dropped`);
    return undefined;
  }
  const prose = text(raw.explanation) ?? text(raw.description) ?? text(raw.reason) ?? text(raw.rationale) ?? text(raw.summary);
  let cause: Cause;
  const given = text(raw.cause) ?? text(raw.root_cause) ?? text(raw.rootCause);
  if (given !== undefined) {
    const normalized = given.trim().toLowerCase().replace(/[\s-]+/g, '_');
    if ((allowed as readonly string[]).includes(normalized) || normalized === 'unknown') {
      cause = normalized as Cause;
      if (normalized !== given) repairs.push(`${label}: cause "${given}" normalised to ${cause}`);
      if (raw.cause === undefined) repairs.push(`${label}: cause read from another field name`);
    } else {
      cause = 'unknown';
      repairs.push(`${label}: cause "${truncate(given, 60)}" is not an allowed cause; set to unknown`);
    }
  } else {
    const mapped = prose === undefined ? undefined : causeFromText(prose, allowed);
    cause = mapped ?? 'unknown';
    repairs.push(
      mapped
        ? `${label}: no cause given; its description names ${mapped}`
        : `${label}: no cause given and its description names no single cause; set to unknown`,
    );
  }
  const confidence = readConfidence(raw.confidence ?? raw.probability ?? raw.likelihood, label, repairs);
  if (confidence === undefined) {
    repairs.push(`${label}: confidence ${JSON.stringify(raw.confidence) ?? 'missing'} is not usable; dropped`);
    return undefined;
  }
  let explanation = text(raw.explanation);
  if (explanation === undefined) {
    if (prose !== undefined) {
      const field = ['description', 'reason', 'rationale', 'summary'].find((k) => text(raw[k]) === prose);
      repairs.push(`${label}: "${field}" used as the explanation`);
      explanation = prose;
    } else {
      repairs.push(`${label}: no explanation given`);
      explanation = '(no explanation given)';
    }
  }
  explanation = stripInvisible(explanation).trim();
  if (explanation.length > ANSWER_LIMITS.explanationChars) {
    repairs.push(`${label}: explanation cut to ${ANSWER_LIMITS.explanationChars} chars`);
    explanation = truncate(explanation, ANSWER_LIMITS.explanationChars - 30);
  }
  const evidence = readEvidence(raw.evidence ?? raw.supporting_evidence, label, repairs);
  return { cause, confidence, explanation, ...(evidence ? { evidence } : {}) };
}

export function parseAnswer(raw: string, allowedCauses: readonly Cause[]): ParseOutcome {
  const repairs: string[] = [];
  const extracted = extractJson(raw, repairs);
  if (!extracted.ok) return { ok: false, error: extracted.error, truncated: extracted.truncated, repairs };
  let value = extracted.value;

  if (Array.isArray(value)) {
    repairs.push('a bare list was taken as the hypotheses');
    value = { hypotheses: value };
  } else if (isObject(value) && value.hypotheses === undefined) {
    if (Array.isArray(value.causes)) {
      repairs.push('"causes" taken as the hypotheses');
      value = { ...value, hypotheses: value.causes };
    } else if (isObject(value.hypothesis)) {
      repairs.push('a single "hypothesis" object was wrapped in a list');
      value = { ...value, hypotheses: [value.hypothesis] };
    } else if ('cause' in value || 'description' in value) {
      repairs.push('a lone hypothesis object was wrapped in a list');
      value = { hypotheses: [value] };
    }
  } else if (isObject(value) && isObject(value.hypotheses)) {
    repairs.push('"hypotheses" was an object; wrapped in a list');
    value = { ...value, hypotheses: [value.hypotheses] };
  }
  if (!isObject(value) || !Array.isArray(value.hypotheses)) {
    return { ok: false, error: 'wrong shape: the answer has no "hypotheses" list', truncated: false, repairs };
  }

  const hypotheses = value.hypotheses
    .map((h, i) => readHypothesis(h, i, allowedCauses, repairs))
    .filter((h) => h !== undefined)
    .sort((a, b) => b.confidence - a.confidence);
  if (hypotheses.length > ANSWER_LIMITS.maxHypotheses) {
    repairs.push(`kept the ${ANSWER_LIMITS.maxHypotheses} most confident of ${hypotheses.length} hypotheses`);
  }
  const unknowns = readUnknowns(value.unknowns, repairs);
  const candidate = { hypotheses: hypotheses.slice(0, ANSWER_LIMITS.maxHypotheses), ...(unknowns ? { unknowns } : {}) };

  const checked = answerSchema(allowedCauses).safeParse(candidate);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
    return { ok: false, error: `wrong shape: ${hypotheses.length === 0 ? 'no usable hypothesis' : where}`, truncated: false, repairs };
  }
  return { ok: true, answer: checked.data, repairs };
}
