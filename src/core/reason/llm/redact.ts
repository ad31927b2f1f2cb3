/**
 * Redaction of untrusted text before it reaches a model. Tickets and event fields are written by strangers and
 * routinely carry personal data and secrets; none of it helps a model name a cause, so it becomes a placeholder.
 * Pure and deterministic: the same text always redacts to the same string, which keeps the prompt cache stable.
 */

export type RedactionKind = 'JWT' | 'TOKEN' | 'KEY' | 'SECRET' | 'EMAIL' | 'CARD' | 'IP' | 'PHONE';

export interface RedactionResult {
  readonly text: string;
  /** How many of each kind were replaced (for the trace; never the values themselves). */
  readonly counts: Readonly<Partial<Record<RedactionKind, number>>>;
}

/**
 * Zero-width, bidi-override, tag and other invisible format characters: they hide instructions from a human
 * reviewer while a model still reads them ("ASCII smuggling"), so they are removed, not replaced.
 */
const INVISIBLE =
  /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF9-\uFFFB]|\uDB40[\uDC00-\uDC7F]|[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}

const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g;
const BEARER = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
/** Well-known key shapes: Stripe, Shopify, GitHub, AWS, Slack, OpenAI-style, Google. */
const KEY_PREFIXED =
  /\b(?:(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{8,}|whsec_[A-Za-z0-9]{8,}|shp(?:at|ss|ca|pa|ua)_[A-Fa-f0-9]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|(?:AKIA|ASIA)[A-Z0-9]{16}|xox[abposr]-[A-Za-z0-9-]{8,}|sk-(?:proj-)?[A-Za-z0-9_-]{20,}|AIza[A-Za-z0-9_-]{30,}|SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}|glpat-[A-Za-z0-9_-]{20,})/g;
/** `api_key=…`, `"password": "…"`, `token: …` — the name says the value is a secret whatever its shape. */
const KEY_VALUE =
  /\b(api[_-]?key|apikey|x-api-key|secret|client[_-]?secret|access[_-]?token|refresh[_-]?token|auth[_-]?token|token|password|passwd|pwd|signing[_-]?key|private[_-]?key)(["']?\s*[:=]\s*["']?)([^\s"',;&[\]{}]{6,})/gi;
/** Bounded, anchored by a look-behind: only a token start can begin a match, so long runs stay linear. */
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![A-Za-z])/g;
/** 13–19 digits, optionally grouped by spaces or dashes; confirmed by the Luhn check below. */
const CARD_CANDIDATE = /(?<!\d|\d\.)\d(?:[ -]?\d){12,18}(?!\d|\.\d)/g;
/** A sentence's full stop after an address does not protect it: only a digit or ".digit" continues a number. */
const IPV4 = /(?<!\d|\d\.)(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(?!\d|\.\d)/g;
const IPV6_CANDIDATE = /(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])/g;
/** One digit per repetition and a bounded count: no nested quantifiers, so no catastrophic backtracking. */
const PHONE_CANDIDATE = /(?<![\w+])\+?(?:\(\d{1,4}\)[ .-]?)?\d(?:[ .-]?\(?\d\)?){6,18}(?![\w])/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

function isIpv6(candidate: string): boolean {
  const groups = candidate.split(':');
  if (groups.some((g) => g.length > 4)) return false;
  const compressed = candidate.includes('::');
  if (candidate.split('::').length > 2) return false;
  const filled = groups.filter((g) => g !== '').length;
  // Full form has 8 groups; a compressed one fewer. "12:30:45" (a time) has neither shape.
  if (!compressed) return groups.length === 8;
  return filled >= 1 && filled <= 7 && /[0-9A-Fa-f]/.test(candidate);
}

function isPhone(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return false;
  // ISO dates and times are not phone numbers.
  if (/^\d{4}-\d{2}-\d{2}/.test(candidate) || /^\d{2}[./-]\d{2}[./-]\d{2,4}$/.test(candidate)) return false;
  if (candidate.startsWith('+') || candidate.includes('(')) return true;
  if (digits.length >= 10 && /[ .-]/.test(candidate)) return true;
  // Bare runs of 10+ digits are more often ids than phones, unless they look like a local "555-0100" number.
  return /^\d{3}[ .-]\d{4}$/.test(candidate);
}

/**
 * Replaces secrets and personal data with `[KIND]` placeholders, strips invisible characters and applies NFKC so
 * full-width or compatibility look-alikes cannot slip a secret or a delimiter past the patterns.
 */
export function redact(input: string): RedactionResult {
  const counts: Partial<Record<RedactionKind, number>> = {};
  const hit = (kind: RedactionKind): string => {
    counts[kind] = (counts[kind] ?? 0) + 1;
    return `[${kind}]`;
  };
  let text = stripInvisible(input.normalize('NFKC'));
  text = text.replace(JWT, () => hit('JWT'));
  text = text.replace(BEARER, (_m, scheme: string) => `${scheme} ${hit('TOKEN')}`);
  text = text.replace(KEY_PREFIXED, () => hit('KEY'));
  text = text.replace(KEY_VALUE, (_m, name: string, sep: string) => `${name}${sep}${hit('SECRET')}`);
  text = text.replace(EMAIL, () => hit('EMAIL'));
  text = text.replace(CARD_CANDIDATE, (m) => (luhnValid(m.replace(/\D/g, '')) ? hit('CARD') : m));
  text = text.replace(IPV4, () => hit('IP'));
  text = text.replace(IPV6_CANDIDATE, (m) => (isIpv6(m) ? hit('IP') : m));
  text = text.replace(PHONE_CANDIDATE, (m) => (isPhone(m) ? hit('PHONE') : m));
  return { text, counts };
}

/** Cuts to `max` characters (never inside a surrogate pair) and says how much was dropped. */
export function truncate(text: string, max: number, alreadyDropped = 0): string {
  if (text.length <= max && alreadyDropped === 0) return text;
  let end = Math.min(text.length, Math.max(0, max));
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}… [${text.length - end + alreadyDropped} more chars cut]`;
}

/** Redact, then cap: the order matters so a cut never leaves half a secret behind. */
export function sanitizeUntrusted(text: string, max: number): string {
  // Pre-cut far beyond `max` so a megabyte-long line costs little; anything cut here lies past the final cut.
  const head = text.length > max * 2 + 1000 ? text.slice(0, max * 2 + 1000) : text;
  return truncate(redact(head).text, max, text.length - head.length);
}
