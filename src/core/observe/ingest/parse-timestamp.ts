/**
 * Event-time parsing. Windows and incidents are computed from these values, so parsing must not depend on
 * the machine: a timestamp without a zone is UTC (the prototype writes `2026-01-31T18:51:36.507867`), never
 * local time as `Date.parse` would assume.
 */

// Date, optional time with any number of fraction digits (the prototype has microseconds), optional zone.
const ISO_LIKE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/;

// Text forms `Date.parse` handles the same everywhere because they carry their own zone (RFC 2822 and friends).
const EXPLICIT_ZONE = /(?:\b(?:GMT|UTC|Z)|[+-]\d{2}:?\d{2})$/i;

/** Numbers this large are not seconds: 1e11 s is the year 5138, 1e11 ms is 1973. */
const SECONDS_LIMIT = 1e11;
const MILLIS_LIMIT = 1e14;
const MICROS_LIMIT = 1e17;

export type TimestampResult = { ok: true; ms: number } | { ok: false };

export function parseTimestamp(value: string | number): TimestampResult {
  const ms = timestampMs(value);
  return Number.isNaN(ms) ? { ok: false } : { ok: true, ms };
}

/** parseTimestamp() without the result object (the ingestion hot path): epoch ms, or NaN when not a date. */
export function timestampMs(value: string | number): number {
  if (typeof value === 'number') return msOf(fromEpoch(value));
  const text = value.trim();
  const ms = plainIsoMs(text);
  if (ms !== undefined) return ms >= 0 && ms <= MAX_MS ? ms : Number.NaN;
  return msOf(parseTimestampText(text));
}

function msOf(r: TimestampResult): number {
  return r.ok ? r.ms : Number.NaN;
}

/** Every accepted text form (trimmed text); parseTimestamp() reads the most common one by hand first. */
export function parseTimestampText(text: string): TimestampResult {
  if (/^-?\d+(?:\.\d+)?$/.test(text)) return fromEpoch(Number(text));
  const iso = ISO_LIKE.exec(text);
  if (iso) return fromIso(iso);
  if (EXPLICIT_ZONE.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return withinDateRange(ms);
  }
  return { ok: false };
}

/**
 * The shape nearly every record has — `YYYY-MM-DDTHH:MM:SS`, optional `.fraction`, optional `Z` — read by
 * character code: the regular expression below costs more than the rest of a record's validation. Returns
 * undefined for anything else (including out-of-range fields), which then goes through ISO_LIKE and friends.
 */
function plainIsoMs(t: string): number | undefined {
  const n = t.length;
  if (n < 19 || t.charCodeAt(4) !== DASH || t.charCodeAt(7) !== DASH || t.charCodeAt(13) !== COLON || t.charCodeAt(16) !== COLON) {
    return undefined;
  }
  const sep = t.charCodeAt(10);
  if (sep !== T_UPPER && sep !== SPACE) return undefined;
  const year = digits(t, 0, 4);
  const month = digits(t, 5, 2);
  const day = digits(t, 8, 2);
  const hour = digits(t, 11, 2);
  const minute = digits(t, 14, 2);
  const second = digits(t, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
    return undefined;
  }
  let i = 19;
  let millis = 0;
  const dot = i < n ? t.charCodeAt(i) : 0;
  if (dot === DOT || dot === COMMA) {
    i++;
    const from = i;
    for (; i < n && isDigit(t.charCodeAt(i)); i++) if (i - from < 3) millis = millis * 10 + (t.charCodeAt(i) - ZERO);
    const taken = Math.min(3, i - from);
    if (taken === 0) return undefined;
    for (let k = taken; k < 3; k++) millis *= 10;
  }
  if (i < n) {
    const zone = t.charCodeAt(i);
    if ((zone !== Z_UPPER && zone !== Z_LOWER) || i + 1 !== n) return undefined;
  }
  if (day > daysInMonth(year, month)) return undefined;
  return dayStartMs(year, month, day) + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
}

const ZERO = 48;
const DASH = 45;
const COLON = 58;
const DOT = 46;
const COMMA = 44;
const SPACE = 32;
const T_UPPER = 84;
const Z_UPPER = 90;
const Z_LOWER = 122;

function isDigit(c: number): boolean {
  return c >= ZERO && c <= ZERO + 9;
}

/** The number written by `length` digits at `from`, or -1 if one is not a digit. */
function digits(t: string, from: number, length: number): number {
  let out = 0;
  for (let i = from; i < from + length; i++) {
    const c = t.charCodeAt(i);
    if (!isDigit(c)) return -1;
    out = out * 10 + (c - ZERO);
  }
  return out;
}

// Records arrive in time order, so consecutive ones share their day: Date.UTC once per day, not per record.
let lastDayKey = -1;
let lastDayMs = 0;

function dayStartMs(year: number, month: number, day: number): number {
  const key = (year * 100 + month) * 100 + day;
  if (key !== lastDayKey) {
    lastDayMs = Date.UTC(year, month - 1, day);
    lastDayKey = key;
  }
  return lastDayMs;
}

function fromEpoch(n: number): TimestampResult {
  if (!Number.isFinite(n) || n < 0) return { ok: false };
  let ms: number;
  if (n < SECONDS_LIMIT) ms = n * 1000;
  else if (n < MILLIS_LIMIT) ms = n;
  else if (n < MICROS_LIMIT) ms = n / 1000;
  else ms = n / 1e6;
  return withinDateRange(Math.floor(ms));
}

/** Latest instant a Date can hold is far beyond any event; past year 9999 a number is not a timestamp. */
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

function withinDateRange(ms: number): TimestampResult {
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_MS ? { ok: true, ms } : { ok: false };
}

function fromIso(m: RegExpExecArray): TimestampResult {
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4] ?? 0);
  const minute = Number(m[5] ?? 0);
  const second = Number(m[6] ?? 0);
  const millis = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  if (month < 1 || month > 12) return { ok: false };
  if (day < 1 || day > daysInMonth(year, month)) return { ok: false };
  if (hour > 23 || minute > 59 || second > 60) return { ok: false };
  const offsetMinutes = zoneOffsetMinutes(m[8]);
  if (offsetMinutes === undefined) return { ok: false };
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  return withinDateRange(utc - offsetMinutes * 60_000);
}

function zoneOffsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || /^(?:z|utc|gmt)$/i.test(zone)) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? 0);
  if (hours > 18 || minutes > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number);
}
