import fc from 'fast-check';
import { NdjsonSource } from '../../src/core/observe/ingest/ndjson-source';
import { NdjsonSplitter, type SplitOutput } from '../../src/core/observe/ingest/ndjson-splitter';
import { RecordNormaliser } from '../../src/core/observe/ingest/normalise-record';
import { readRecord } from '../../src/core/observe/ingest/read-record';
import type { SignalKind, SignalRecord } from '../../src/core/observe/signal';
import { areaCommand, Examples, figureMaker, seconds, type Figure, type RunOptions } from './figure';
import { MemFiles } from './mem-files';

/**
 * Inputs: property-based fuzzing of ingestion with hand-written fast-check arbitraries (zod-fast-check does not
 * support zod 4). Every case goes through the real code: NdjsonSplitter, NdjsonSource/NdjsonTailer over a file whose
 * bytes arrive in random slices, readRecord + RecordNormaliser. The oracle is written here, independently of the
 * product: what a valid record is, what it must become, and which replacements must be refused.
 */
const AREA = 'inputs';

/**
 * Latest instant accepted as a date: the end of year 9999 (an epoch number past it is not a timestamp, see
 * parse-timestamp.ts). Well inside what a JavaScript Date can hold (8.64e15 ms), so toISOString never throws.
 */
const MAX_DATE_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

type Field =
  | 'id'
  | 'merchantId'
  | 'code'
  | 'service'
  | 'timestamp'
  | 'text'
  | 'subject'
  | 'severity'
  | 'migrationStage'
  | 'endpoint'
  | 'weight'
  | 'httpStatus';

const REQUIRED: readonly Field[] = ['id', 'merchantId', 'code', 'timestamp'];
const TEXTUAL: readonly Field[] = ['service', 'text', 'subject', 'severity', 'migrationStage', 'endpoint'];

/** Raw field names per canonical field, written out here (not imported) so the oracle stays independent. */
const KEYS: Record<SignalKind, Record<Field, readonly string[]>> = {
  event: {
    id: ['event_id', 'id', 'error_id'],
    merchantId: ['merchant_id', 'merchant', 'merchantId', 'shop_id'],
    code: ['error_code', 'code', 'error', 'status'],
    service: ['service', 'service_name', 'component'],
    timestamp: ['timestamp', 'created_at', 'time', 'ts', 'occurred_at', 'createdAt', '@timestamp'],
    text: ['message', 'error_message', 'description', 'detail'],
    subject: ['subject', 'title'],
    severity: ['severity', 'priority', 'level'],
    migrationStage: ['migration_stage', 'migrationStage', 'stage'],
    endpoint: ['endpoint', 'path', 'route', 'url'],
    weight: ['count', 'occurrence_count', 'occurrences'],
    httpStatus: ['status_code', 'httpStatus', 'statusCode'],
  },
  ticket: {
    id: ['ticket_id', 'id'],
    merchantId: ['merchant_id', 'merchant', 'merchantId', 'shop_id'],
    code: ['issue', 'issue_type', 'category'],
    service: ['service', 'service_name', 'component'],
    timestamp: ['timestamp', 'created_at', 'time', 'ts', 'occurred_at', 'createdAt', '@timestamp'],
    text: ['message', 'description', 'body', 'text'],
    subject: ['subject', 'title'],
    severity: ['severity', 'priority', 'level'],
    migrationStage: ['migration_stage', 'migrationStage', 'stage'],
    endpoint: ['endpoint', 'path', 'route', 'url'],
    weight: ['count', 'occurrence_count', 'occurrences'],
    httpStatus: ['http_status', 'status_code', 'httpStatus', 'statusCode'],
  },
};

const DANGEROUS_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf'];

interface Pair {
  field: Field | 'extra';
  key: string;
  value: unknown;
}

interface GenRecord {
  kind: SignalKind;
  pairs: Pair[];
  /** What the record must become. */
  expect: { id: string; merchantId: string; code: string; timestamp: number; weight: number; httpStatus?: number };
}

/** JSON text with keys in the given order, `__proto__` included as a plain key (as it would be in a file). */
function textOf(pairs: readonly Pair[]): string {
  return `{${pairs.map((p) => `${JSON.stringify(p.key)}:${JSON.stringify(p.value)}`).join(',')}}`;
}

const nonBlank = fc.string({ minLength: 1, maxLength: 24, unit: 'grapheme' }).filter((s) => s.trim() !== '');
const anyText = fc.oneof(fc.string({ maxLength: 60, unit: 'grapheme' }), fc.string({ maxLength: 30, unit: 'binary' }));

const idValue = fc.oneof(nonBlank, fc.nat({ max: 1e9 }));

function canonical(text: string): string {
  return text.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

function expectedCode(v: string | number): string {
  const t = String(v).trim();
  if (!/^\d+$/.test(t)) return canonical(t);
  const n = Number(t);
  return n >= 100 && n <= 599 ? `http_${n}` : `error_${n}`;
}

/** Timestamps in the forms the product documents, with the instant each one means. */
const timestampValue: fc.Arbitrary<{ value: string | number; ms: number }> = fc
  .tuple(fc.date({ min: new Date('1975-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), fc.nat({ max: 6 }))
  .map(([d, form]) => {
    const ms = d.getTime();
    const iso = d.toISOString();
    switch (form) {
      case 0:
        return { value: iso, ms };
      case 1:
        return { value: `${iso.slice(0, 23)}867`, ms }; // microseconds, no zone: UTC
      case 2:
        return { value: `${iso.slice(0, 10)} ${iso.slice(11, 19)}`, ms: Math.floor(ms / 1000) * 1000 };
      case 3:
        return { value: ms, ms };
      case 4:
        return { value: Math.floor(ms / 1000), ms: Math.floor(ms / 1000) * 1000 };
      case 5:
        return { value: String(Math.floor(ms / 1000)), ms: Math.floor(ms / 1000) * 1000 };
      default:
        return { value: `${iso.slice(0, 19)}+00:00`, ms: Math.floor(ms / 1000) * 1000 };
    }
  });

const validRecord: fc.Arbitrary<GenRecord> = fc
  .record({
    kind: fc.constantFrom<SignalKind>('event', 'ticket'),
    aliases: fc.array(fc.nat({ max: 6 }), { minLength: 12, maxLength: 12 }),
    id: idValue,
    merchantId: idValue,
    code: fc.oneof(nonBlank, fc.nat({ max: 999 })),
    timestamp: timestampValue,
    service: fc.option(nonBlank, { nil: undefined }),
    text: fc.option(anyText, { nil: undefined }),
    severity: fc.option(fc.constantFrom('low', 'High', 'P1', 'critical'), { nil: undefined }),
    endpoint: fc.option(fc.constantFrom('/api/orders', '/checkout', 'https://shop.example/webhooks'), { nil: undefined }),
    weight: fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: undefined }),
    httpStatus: fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined }),
    order: fc.nat(),
  })
  .map((r) => {
    const keys = KEYS[r.kind];
    const key = (f: Field, i: number): string => keys[f][r.aliases[i]! % keys[f].length]!;
    const pairs: Pair[] = [
      { field: 'id', key: key('id', 0), value: r.id },
      { field: 'merchantId', key: key('merchantId', 1), value: r.merchantId },
      { field: 'code', key: key('code', 2), value: r.code },
      { field: 'timestamp', key: key('timestamp', 3), value: r.timestamp.value },
    ];
    if (r.service !== undefined) pairs.push({ field: 'service', key: key('service', 4), value: r.service });
    if (r.text !== undefined) pairs.push({ field: 'text', key: key('text', 5), value: r.text });
    if (r.severity !== undefined) pairs.push({ field: 'severity', key: key('severity', 6), value: r.severity });
    if (r.endpoint !== undefined) pairs.push({ field: 'endpoint', key: key('endpoint', 7), value: r.endpoint });
    if (r.weight !== undefined) pairs.push({ field: 'weight', key: key('weight', 8), value: r.weight });
    if (r.httpStatus !== undefined) pairs.push({ field: 'httpStatus', key: key('httpStatus', 9), value: r.httpStatus });
    // Key order must not matter.
    const rot = r.order % pairs.length;
    const ordered = [...pairs.slice(rot), ...pairs.slice(0, rot)];
    const codeText = expectedCode(r.code);
    const httpFromCode = /^http_(\d{3})$/.exec(codeText);
    return {
      kind: r.kind,
      pairs: ordered,
      expect: {
        id: String(r.id).trim(),
        merchantId: String(r.merchantId).trim(),
        code: codeText,
        timestamp: r.timestamp.ms,
        weight: r.weight ?? 1,
        httpStatus: r.httpStatus ?? (httpFromCode ? Number(httpFromCode[1]) : undefined),
      },
    };
  });

/** Anything a JSON file can hold, biased towards the values validators get wrong. */
const replacement: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('', '   ', '\t\n', null, 0, -1, -0.5, 1.5, 1e300, -1e300, 1e23, true, false, [], {}, 'yesterday', '2026-13-45', '2026-02-30T10:00:00Z', '99999', '0', 'NaN', 'Infinity', '__proto__', ' 42 ', '600', '99', 9007199254740993),
  fc.string({ maxLength: 12 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

type Verdict = 'accept' | 'reject' | 'either';

function wholeIn(v: unknown, min: number, max: number): boolean {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= min && n <= max;
}

/** The oracle: what a record whose `field` now holds `v` must become. `shadowed`: another alias of the field is present. */
function verdictFor(field: Field, v: unknown, shadowed: boolean): Verdict {
  if (shadowed) return 'either';
  const scalar = typeof v === 'string' || typeof v === 'number';
  if (REQUIRED.includes(field)) {
    if (!scalar) return 'reject';
    if (typeof v === 'string' && v.trim() === '') return 'reject';
    if (field !== 'timestamp') return 'accept';
    if (typeof v === 'number') return v < 0 ? 'reject' : Math.floor(epochMs(v)) > MAX_DATE_MS ? 'reject' : 'accept';
    if (!/\d/.test(v as string)) return 'reject';
    return 'either';
  }
  if (TEXTUAL.includes(field)) return v === null || scalar ? 'accept' : 'reject';
  if (v === null) return 'accept';
  if (field === 'weight') return wholeIn(v, 1, Number.MAX_SAFE_INTEGER) ? 'accept' : 'reject';
  return wholeIn(v, 100, 599) ? 'accept' : 'reject';
}

/** Epoch numbers: seconds, milliseconds, microseconds or nanoseconds by magnitude (documented in the README). */
function epochMs(n: number): number {
  if (n < 1e11) return n * 1000;
  if (n < 1e14) return n;
  if (n < 1e17) return n / 1000;
  return n / 1e6;
}

/** What every accepted record must satisfy, whatever went in. */
function invariantProblem(r: SignalRecord, kind: SignalKind): string | undefined {
  if (r.kind !== kind) return `kind ${r.kind}`;
  for (const f of ['id', 'merchantId', 'code', 'service'] as const) {
    if (typeof r[f] !== 'string' || r[f].trim() === '' || r[f] !== r[f].trim()) return `${f} ${JSON.stringify(r[f])}`;
  }
  if (typeof r.timestamp !== 'number' || !Number.isFinite(r.timestamp) || Math.abs(r.timestamp) > MAX_DATE_MS) return `timestamp ${r.timestamp} is not a representable date`;
  if (!Number.isSafeInteger(r.weight) || r.weight < 1) return `weight ${r.weight}`;
  if (r.httpStatus !== undefined && (!Number.isInteger(r.httpStatus) || r.httpStatus < 100 || r.httpStatus > 599)) return `httpStatus ${r.httpStatus}`;
  if (r.extra !== undefined && Object.getPrototypeOf(r.extra) !== null) return 'extra has a prototype';
  return undefined;
}

const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype).sort().join(',');

function prototypeIntact(): boolean {
  for (const k in {}) return false;
  if (Object.getOwnPropertyNames(Object.prototype).sort().join(',') !== PROTO_NAMES) return false;
  return (Object.prototype as Record<string, unknown>).polluted === undefined;
}

const normalisers = { event: new RecordNormaliser('event'), ticket: new RecordNormaliser('ticket') };

function read(text: string, kind: SignalKind) {
  return readRecord('fuzz.ndjson', { text, line: 1, column: 1 }, normalisers[kind]);
}

interface Tally {
  cases: number;
  crashes: Examples;
  invalidAccepted: Examples;
  validLost: Examples;
  wrongValue: Examples;
  framing: Examples;
  recordsIn: number;
  recordsOut: number;
  prototypePolluted: number;
  /** Invalid records accepted, by the field that made them invalid. */
  acceptedByField: Map<string, number>;
}

function guard(t: Tally, label: string, run: () => void): void {
  t.cases++;
  try {
    run();
  } catch (err) {
    t.crashes.add(`${label}: ${err instanceof Error ? (err.stack ?? err.message).split('\n').slice(0, 3).join(' ') : String(err)}`);
  }
  if (!prototypeIntact()) t.prototypePolluted++;
}

async function guardAsync(t: Tally, label: string, run: () => Promise<void>): Promise<void> {
  t.cases++;
  try {
    await run();
  } catch (err) {
    t.crashes.add(`${label}: ${err instanceof Error ? (err.stack ?? err.message).split('\n').slice(0, 3).join(' ') : String(err)}`);
  }
  if (!prototypeIntact()) t.prototypePolluted++;
}

// ---- properties ------------------------------------------------------------------------------------------------

function validRecords(t: Tally, runs: number, seed: number): void {
  fc.check(
    fc.property(validRecord, (g) => {
      guard(t, 'valid record', () => {
        const text = textOf(g.pairs);
        t.recordsIn++;
        const r = read(text, g.kind);
        if (!r.record) return t.validLost.add(`${text} → ${r.invalid.message}`);
        t.recordsOut++;
        const p = invariantProblem(r.record, g.kind);
        if (p) t.invalidAccepted.add(`${text}: ${p}`);
        const e = g.expect;
        const got = r.record;
        if (got.id !== e.id || got.merchantId !== e.merchantId || got.code !== e.code || got.timestamp !== e.timestamp || got.weight !== e.weight || got.httpStatus !== e.httpStatus) {
          t.wrongValue.add(`${text} → ${JSON.stringify({ id: got.id, merchantId: got.merchantId, code: got.code, timestamp: got.timestamp, weight: got.weight, httpStatus: got.httpStatus })} expected ${JSON.stringify(e)}`);
        }
      });
      return true;
    }),
    { numRuns: runs, seed },
  );
}

type Mutation = { op: 'value'; index: number; value: unknown } | { op: 'rename'; index: number; key: string } | { op: 'extra'; key: string; value: unknown } | { op: 'drop'; index: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('value' as const), index: fc.nat(), value: replacement }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('rename' as const), index: fc.nat(), key: fc.constantFrom(...DANGEROUS_KEYS) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('extra' as const), key: fc.constantFrom(...DANGEROUS_KEYS), value: fc.oneof(replacement, fc.constant({ polluted: true, isAdmin: true })) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('drop' as const), index: fc.nat() }) },
);

function describeMutation(g: GenRecord, m: Mutation): string {
  if (m.op === 'extra') return `${g.kind} with an extra ${m.key} key`;
  const p = g.pairs[m.index % g.pairs.length]!;
  if (m.op === 'value') return `${g.kind} whose ${p.field} (\`${p.key}\`) is ${JSON.stringify(m.value)?.slice(0, 60)}${p.field === 'timestamp' && typeof m.value === 'number' ? ' (beyond the Date range)' : ''}`;
  return `${g.kind} without its ${p.field} (${m.op === 'rename' ? `renamed to ${m.key}` : 'dropped'})`;
}

function mutatedRecords(t: Tally, runs: number, seed: number): void {
  fc.check(
    fc.property(validRecord, mutation, (g, m) => {
      guard(t, 'mutated record', () => {
        const pairs = g.pairs.map((p) => ({ ...p }));
        let verdict: Verdict = 'accept';
        if (m.op === 'extra') {
          pairs.splice(0, 0, { field: 'extra', key: m.key, value: m.value });
        } else {
          const i = m.index % pairs.length;
          const target = pairs[i]!;
          const field = target.field as Field;
          // The events' code has a last-resort alias in http_status; a shadowing alias makes either outcome legitimate.
          const shadowed = field === 'code' && g.kind === 'event' && pairs.some((p) => p.key === 'http_status');
          if (m.op === 'value') {
            target.value = m.value;
            verdict = verdictFor(field, m.value, shadowed);
          } else {
            if (m.op === 'rename') target.key = m.key;
            else pairs.splice(i, 1);
            verdict = REQUIRED.includes(field) && !shadowed ? 'reject' : 'accept';
          }
        }
        const text = textOf(pairs);
        const r = read(text, g.kind);
        if (verdict === 'accept') {
          t.recordsIn++;
          if (!r.record) t.validLost.add(`${text} → ${r.invalid.message}`);
        }
        if (r.record) {
          if (verdict === 'accept') t.recordsOut++;
          if (verdict === 'reject') {
            t.invalidAccepted.add(`${describeMutation(g, m)} accepted: ${text.slice(0, 160)}`);
            const field = m.op === 'extra' ? 'extra key' : String(g.pairs[m.index % g.pairs.length]!.field);
            t.acceptedByField.set(field, (t.acceptedByField.get(field) ?? 0) + 1);
          }
          const p = invariantProblem(r.record, g.kind);
          if (p && verdict !== 'reject') t.invalidAccepted.add(`${g.kind} ${text}: ${p}`);
        } else if (typeof r.invalid.message !== 'string' || r.invalid.message.length === 0) {
          t.crashes.add(`${text}: rejected without a message`);
        }
      });
      return true;
    }),
    { numRuns: runs, seed },
  );
}

function jsonValues(t: Tally, runs: number, seed: number): void {
  fc.check(
    fc.property(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom<SignalKind>('event', 'ticket'), (v, kind) => {
      guard(t, 'json value', () => {
        const text = JSON.stringify(v);
        const r = read(text, kind);
        const isObject = typeof v === 'object' && v !== null && !Array.isArray(v);
        if (r.record && !isObject) t.invalidAccepted.add(`${text} (not an object) accepted`);
        if (r.record) {
          const p = invariantProblem(r.record, kind);
          if (p) t.invalidAccepted.add(`${text}: ${p}`);
        }
      });
      return true;
    }),
    { numRuns: runs, seed },
  );
}

// Byte soup biased towards what breaks framing: newlines, CR, BOM, partial UTF-8, braces, a whole valid record.
const FRAGMENTS: readonly Buffer[] = [
  Buffer.from('\n'),
  Buffer.from('\r\n'),
  Buffer.from([0xef, 0xbb, 0xbf]),
  Buffer.from('{'),
  Buffer.from('}'),
  Buffer.from('"'),
  Buffer.from('é😀✓'),
  Buffer.from([0xf0, 0x9f]),
  Buffer.from([0x98, 0x80]),
  Buffer.from([0xff, 0xfe, 0xc3]),
  Buffer.from('{"event_id":"x","merchant_id":"m","error_code":"e","timestamp":1700000000}'),
  Buffer.from('   \t'),
];

const byteSoup = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 40 }) }, { weight: 4, arbitrary: fc.constantFrom(...FRAGMENTS).map((b) => new Uint8Array(b)) }), { maxLength: 40 })
  .map((parts) => Buffer.concat(parts.map((p) => Buffer.from(p))));

/** Cut points in [1, length): where the reads of the file end. */
function cutsOf(length: number, fractions: readonly number[]): number[] {
  const cuts = [...new Set(fractions.map((f) => Math.floor(f * length)).filter((c) => c > 0 && c < length))];
  return cuts.sort((a, b) => a - b);
}

/** The lines a splitter must produce, computed on the whole buffer at once. */
function referenceLines(bytes: Buffer, maxLineBytes: number): string[] {
  const out: string[] = [];
  let start = 0;
  let first = true;
  for (;;) {
    const nl = bytes.indexOf(0x0a, start);
    if (nl === -1) break;
    const seg = bytes.subarray(start, nl);
    if (seg.length <= maxLineBytes) {
      let s = 0;
      let e = seg.length;
      if (first && e >= 3 && seg[0] === 0xef && seg[1] === 0xbb && seg[2] === 0xbf) s = 3;
      if (e > s && seg[e - 1] === 0x0d) e--;
      const text = seg.toString('utf8', s, e);
      if (text.trim() !== '') out.push(text);
    }
    first = false;
    start = nl + 1;
  }
  return out;
}

function bytesThroughSplitter(t: Tally, runs: number, seed: number): void {
  fc.check(
    fc.property(byteSoup, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }), fc.integer({ min: 4, max: 600 }), (bytes, fractions, maxLine) => {
      guard(t, 'bytes', () => {
        const splitter = new NdjsonSplitter(maxLine);
        const out: SplitOutput = { lines: [], problems: [] };
        let at = 0;
        for (const cut of [...cutsOf(bytes.length, fractions), bytes.length]) {
          splitter.push(bytes.subarray(at, cut), out);
          at = cut;
        }
        const want = referenceLines(bytes, maxLine);
        const got = out.lines.map((l) => l.text);
        if (got.length !== want.length || got.some((g, i) => g !== want[i])) {
          t.framing.add(`bytes ${bytes.toString('hex').slice(0, 160)} cuts ${cutsOf(bytes.length, fractions).join(',')} max ${maxLine}: got ${got.length} lines, expected ${want.length}`);
        }
        for (const line of out.lines) {
          for (const kind of ['event', 'ticket'] as const) {
            const r = read(line.text, kind);
            if (r.record) {
              const p = invariantProblem(r.record, kind);
              if (p) t.invalidAccepted.add(`${line.text}: ${p}`);
            }
          }
        }
      });
      return true;
    }),
    { numRuns: runs, seed },
  );
}

type StreamLine = { kind: 'valid'; rec: GenRecord } | { kind: 'invalid'; text: string } | { kind: 'blank'; text: string };

const invalidLine: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('{"merchant_id":"m1","error_code":"x","timestamp":1700000000}', '[1,2,3]', 'null', '"just a string"', '{"event_id":"e","merchant_id":"m","error_code":"x","timestamp":"yesterday"}', 'not json at all', '{"event_id":'),
  // A record cut short mid-way, as a writer killed mid-append leaves it (possibly mid-character).
  fc.tuple(validRecord, fc.double({ min: 0.05, max: 0.95, noNaN: true })).map(([g, f]) => {
    const b = Buffer.from(textOf(g.pairs));
    return b.subarray(0, Math.max(1, Math.floor(b.length * f))).toString('latin1');
  }),
);

const streamLine: fc.Arbitrary<StreamLine> = fc.oneof(
  { weight: 6, arbitrary: validRecord.map((rec) => ({ kind: 'valid' as const, rec })) },
  { weight: 2, arbitrary: invalidLine.map((text) => ({ kind: 'invalid' as const, text })) },
  { weight: 1, arbitrary: fc.constantFrom('', '   ', '\t').map((text) => ({ kind: 'blank' as const, text })) },
);

async function streamsThroughTailer(t: Tally, runs: number, seed: number): Promise<void> {
  await fc.check(
    fc.asyncProperty(
      fc.array(streamLine, { minLength: 1, maxLength: 30 }),
      fc.record({
        bom: fc.boolean(),
        crlf: fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
        finalNewline: fc.boolean(),
        kind: fc.constantFrom<'events' | 'tickets'>('events', 'tickets'),
        cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 15 }),
        chunkBytes: fc.integer({ min: 1, max: 300 }),
      }),
      async (lines, o) => {
        await guardAsync(t, 'stream', async () => {
          const kind: SignalKind = o.kind === 'events' ? 'event' : 'ticket';
          const texts: string[] = [];
          const wantIds: string[] = [];
          let wantInvalid = 0;
          lines.forEach((l, i) => {
            if (l.kind === 'valid') {
              // Unique ids so "kept once, in order" is checkable; the record keeps its kind's id key.
              const pairs = l.rec.pairs.map((p) => (p.field === 'id' ? { ...p, key: KEYS[kind].id[0]!, value: `r${i}` } : p));
              texts.push(textOf(pairs.filter((p) => p.field !== 'code').concat([{ field: 'code', key: KEYS[kind].code[0]!, value: 'c' }])));
              wantIds.push(`r${i}`);
            } else {
              texts.push(l.text);
              if (l.kind === 'invalid') wantInvalid++;
            }
          });
          let body = '';
          texts.forEach((text, i) => {
            const last = i === texts.length - 1;
            body += text + (last && !o.finalNewline ? '' : o.crlf[i % 30] ? '\r\n' : '\n');
          });
          const bytes = Buffer.concat([o.bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(body, 'utf8')]);
          // Invalid lines cut mid-character decode to replacement characters; still one invalid line each.
          const files = new MemFiles();
          const source = new NdjsonSource({ file: 'events.ndjson', absPath: '/mem/events.ndjson', kind: o.kind, files, maxLineBytes: 1_000_000, chunkBytes: o.chunkBytes });
          const gotIds: string[] = [];
          let gotInvalid = 0;
          let at = 0;
          files.write('/mem/events.ndjson', Buffer.alloc(0));
          for (const cut of [...cutsOf(bytes.length, o.cuts), bytes.length]) {
            files.append('/mem/events.ndjson', bytes.subarray(at, cut));
            at = cut;
            const batch = await source.poll(false);
            for (const r of batch.records) gotIds.push(r.id);
            gotInvalid += batch.invalid.length;
          }
          const final = await source.poll(true);
          for (const r of final.records) gotIds.push(r.id);
          gotInvalid += final.invalid.length;
          t.recordsIn += wantIds.length;
          t.recordsOut += gotIds.filter((id) => wantIds.includes(id)).length;
          if (gotIds.join(',') !== wantIds.join(',')) {
            t.validLost.add(`stream (bom ${o.bom}, chunk ${o.chunkBytes}): records ${gotIds.join(',')} expected ${wantIds.join(',')}`);
          }
          if (gotInvalid !== wantInvalid) {
            t.framing.add(`stream: ${gotInvalid} invalid reported, expected ${wantInvalid}: ${JSON.stringify(texts).slice(0, 200)}`);
          }
          await source.close();
        });
        return true;
      },
    ),
    { numRuns: runs, seed },
  );
}

/** Lines longer than sources.maxLineBytes between two good records: reported, skipped, neighbours kept. */
async function hugeLines(t: Tally, runs: number, seed: number): Promise<void> {
  await fc.check(
    fc.asyncProperty(fc.constantFrom(1000, 65_536, 1_000_000), fc.double({ min: 1.0001, max: 1.6, noNaN: true }), fc.boolean(), fc.integer({ min: 4096, max: 1 << 20 }), async (maxLine, factor, json, chunk) => {
      await guardAsync(t, 'huge line', async () => {
        const size = Math.ceil(maxLine * factor);
        const huge = json ? `{"event_id":"huge","merchant_id":"m","error_code":"x","timestamp":1700000000,"message":"${'y'.repeat(size)}"}` : 'z'.repeat(size);
        const good = (id: string) => `{"event_id":"${id}","merchant_id":"m","error_code":"x","timestamp":1700000000}`;
        const files = new MemFiles();
        files.write('/mem/events.ndjson', Buffer.from(`${good('before')}\n${huge}\n${good('after')}\n`));
        const source = new NdjsonSource({ file: 'events.ndjson', absPath: '/mem/events.ndjson', kind: 'events', files, maxLineBytes: maxLine, chunkBytes: chunk });
        const batch = await source.poll(true);
        const ids = batch.records.map((r) => r.id).join(',');
        t.recordsIn += 2;
        t.recordsOut += batch.records.filter((r) => r.id === 'before' || r.id === 'after').length;
        if (ids !== 'before,after') t.validLost.add(`huge line of ${size} bytes (max ${maxLine}): records ${ids}`);
        if (batch.invalid.length !== 1 || !/longer than/.test(batch.invalid[0]!.message) || batch.invalid[0]!.line !== 2) {
          t.framing.add(`huge line of ${size} bytes (max ${maxLine}): invalid ${JSON.stringify(batch.invalid).slice(0, 200)}`);
        }
        await source.close();
      });
      return true;
    }),
    { numRuns: runs, seed },
  );
}

export async function run(opts: RunOptions): Promise<Figure[]> {
  const started = Date.now();
  const seed = Number(process.env.COSMOS_RELIABILITY_SEED ?? Date.now() % 2 ** 31);
  const scale = opts.quick ? 0.1 : 1;
  const n = (full: number) => Math.max(1, Math.round(full * scale));
  const t: Tally = {
    cases: 0,
    crashes: new Examples(),
    invalidAccepted: new Examples(),
    validLost: new Examples(),
    wrongValue: new Examples(),
    framing: new Examples(),
    recordsIn: 0,
    recordsOut: 0,
    prototypePolluted: 0,
    acceptedByField: new Map(),
  };
  const perKind: string[] = [];
  const step = async (name: string, f: () => void | Promise<void>) => {
    const before = t.cases;
    await f();
    perKind.push(`${name} ${t.cases - before}`);
  };
  await step('valid records', () => validRecords(t, n(20_000), seed));
  await step('one field replaced / __proto__ keys', () => mutatedRecords(t, n(35_000), seed + 1));
  await step('arbitrary JSON values', () => jsonValues(t, n(20_000), seed + 2));
  await step('arbitrary bytes, random read boundaries', () => bytesThroughSplitter(t, n(20_000), seed + 3));
  await step('BOM/CRLF/UTF-8/truncated streams through the tailer', () => streamsThroughTailer(t, n(8_000), seed + 4));
  await step('huge lines', () => hugeLines(t, n(300), seed + 5));

  const fig = figureMaker('Inputs', areaCommand(AREA, opts.quick));
  const minCases = opts.quick ? 10_000 : 100_000;
  const protoOk = t.prototypePolluted === 0 && prototypeIntact();
  return [
    fig('fuzz cases run (fast-check, hand-written arbitraries)', t.cases, `≥ ${minCases.toLocaleString('en')}`, t.cases >= minCases, `seed ${seed}; ${perKind.join(', ')}; ${seconds(started)} s`),
    fig('crashes (exceptions out of ingestion)', t.crashes.count, '0', t.crashes.count === 0, t.crashes.text()),
    fig('invalid records accepted', t.invalidAccepted.count, '0', t.invalidAccepted.count === 0, t.invalidAccepted.count ? `by field: ${[...t.acceptedByField].map(([k, v]) => `${k} ${v}`).join(', ') || 'n/a'}; e.g. ${t.invalidAccepted.text()}` : undefined),
    fig('valid records kept (count in = count out)', `${t.recordsOut.toLocaleString('en')} / ${t.recordsIn.toLocaleString('en')}`, 'all', t.validLost.count === 0 && t.recordsIn === t.recordsOut, t.validLost.text()),
    fig('valid records with a wrong value (id, merchant, code, time, weight, status)', t.wrongValue.count, '0', t.wrongValue.count === 0, t.wrongValue.text()),
    fig('framing differences (lines vs whole-buffer reference, invalid-line counts, oversize reports)', t.framing.count, '0', t.framing.count === 0, t.framing.text()),
    fig('Object.prototype modified', protoOk ? 'untouched' : `modified in ${t.prototypePolluted} case(s)`, 'untouched', protoOk),
  ];
}
