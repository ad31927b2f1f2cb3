import { strict as assert } from 'node:assert';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import fc from 'fast-check';
import { FlatLineReader } from '../../../../src/core/observe/ingest/flat-line';
import { RecordNormaliser } from '../../../../src/core/observe/ingest/normalise-record';
import { readRecord, type ReadResult } from '../../../../src/core/observe/ingest/read-record';

/** Keys the event normaliser knows (and some it keeps as extra), in any order. */
const key = fc.constantFrom('event_id', 'id', 'merchant_id', 'merchant', 'error_code', 'code', 'status', 'service', 'timestamp', 'ts', 'count', 'http_status', 'endpoint', 'note', '__proto__', 'a"b', 'ü');
const text = fc.oneof(
  fc.constantFrom('E1', ' M2 ', '', 'http_401', '401', 'checkout', '2026-01-31T18:51:36.507867', 'a"b', 'back\\slash', 'tab\there', 'line\u2028sep', '\ud800', 'ÄÖ ü'),
  fc.string({ maxLength: 10 }),
  fc.string({ maxLength: 10, unit: 'binary' }),
);
const value = fc.oneof(
  { weight: 4, arbitrary: text },
  fc.integer({ min: -1000, max: 1_000_000 }),
  fc.constantFrom(0, -0, 1e21, 2 ** 53, 12.5, -3.25e-7, 9_007_199_254_740_993),
  fc.double(),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.record({ x: fc.integer() }),
);
const record = fc.uniqueArray(fc.tuple(key, value), { selector: ([k]) => k, maxLength: 8 }).map((pairs) => {
  const o: Record<string, unknown> = {};
  for (const [k, v] of pairs) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
});
/** How the line is written: compact, spaced, with an escape where a plain character would do, or broken. */
const layout = fc.constantFrom('compact', 'compact', 'compact', 'spaced', 'escaped', 'trailing', 'cut', 'doubled');

function lineOf(o: Record<string, unknown>, how: string): string {
  const compact = JSON.stringify(o);
  switch (how) {
    case 'spaced':
      return JSON.stringify(o, null, 1).replace(/\n/g, '');
    case 'escaped':
      return compact.replace(/"([a-z])/, (_, c: string) => `"\\u00${c.charCodeAt(0).toString(16)}`);
    case 'trailing':
      return `${compact} `;
    case 'cut':
      return compact.slice(0, Math.max(1, compact.length - 3));
    case 'doubled':
      return compact.replace(/,/, ',,');
    default:
      return compact;
  }
}

function parsesTo(line: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

describe('FlatLineReader (lines read without JSON.parse)', function () {
  this.timeout(60_000);

  it('reads exactly what JSON.parse reads whenever it accepts a line, and accepts the plain prototype lines', () => {
    let accepted = 0;
    fc.assert(
      fc.property(record, layout, (o, how) => {
        const line = lineOf(o, how);
        const parsed = parsesTo(line);
        const keys = parsed ? Object.keys(parsed) : Object.keys(o);
        const values: unknown[] = [];
        if (!new FlatLineReader(keys).read(line, values)) return;
        accepted++;
        assert.ok(parsed, `accepted a line JSON.parse rejects: ${line}`);
        assert.deepEqual(values.slice(0, keys.length), Object.values(parsed), line);
        // -0 stays -0, as JSON.parse has it.
        values.forEach((v, i) => assert.ok(Object.is(v, Object.values(parsed)[i]), line));
      }),
      { numRuns: 20_000 },
    );
    assert.ok(accepted > 1_000, `only ${accepted} lines took the plain path`);
  });

  it('declines what it cannot read for certain: whitespace, escapes, floats, big or padded integers, nesting, another key order', () => {
    const reader = new FlatLineReader(['event_id', 'count']);
    const reads = (line: string): boolean => reader.read(line, []);
    assert.equal(reads('{"event_id":"E1","count":3}'), true);
    assert.equal(reads('{"event_id":"E1","count":-0}'), true);
    assert.equal(reads('{"event_id":"E1","count":null}'), true);
    for (const line of [
      '{"event_id": "E1","count":3}',
      ' {"event_id":"E1","count":3}',
      '{"event_id":"E1","count":3}\r',
      '{"event_id":"E\\u0031","count":3}',
      '{"event_\\u0069d":"E1","count":3}',
      '{"event_id":"E1\t","count":3}',
      '{"event_id":"E1","count":3.0}',
      '{"event_id":"E1","count":1e3}',
      '{"event_id":"E1","count":012}',
      '{"event_id":"E1","count":1234567890123456}',
      '{"event_id":"E1","count":[3]}',
      '{"event_id":{"x":1},"count":3}',
      '{"count":3,"event_id":"E1"}',
      '{"event_id":"E1"}',
      '{"event_id":"E1","count":3,"x":1}',
      '{"event_id":"E1","count":3}}',
      '{"event_id":"E1","count":3',
      '{"event_id":"E1","count":tru}',
      '{"event_id":"E1","count":+3}',
      '{"event_id":"E1,"count":3}',
    ]) {
      assert.equal(reads(line), false, line);
    }
  });

  it('gives every line the same record or the same error as JSON.parse and the schema do', () => {
    // Reference: a normaliser without shape plans never reads a line itself (every line goes through JSON.parse).
    const plain = new RecordNormaliser('event');
    const reference = new RecordNormaliser('event', undefined, { plans: false });
    const readWith = (n: RecordNormaliser, line: string): ReadResult => readRecord('events.ndjson', { text: line, line: 7, column: 1 }, n);
    const prototype = fc.record({
      event_id: fc.oneof(fc.constantFrom('E1', ' E2', ''), text),
      merchant_id: fc.oneof(fc.constantFrom('M1', 'M10'), text, fc.constant(null)),
      error_code: fc.oneof(fc.constantFrom('http_404', 'checkout_timeout', '401', 'HTTP 502'), text, fc.integer({ min: 100, max: 599 })),
      service: fc.oneof(fc.constantFrom('api', 'Webhooks', 'checkout'), fc.constant(null), value),
      timestamp: fc.oneof(fc.constantFrom('2026-01-31T08:08:17.774492', '2026-02-30T00:00:00', 'yesterday'), fc.integer({ min: 0, max: 2e12 }), value),
    });
    fc.assert(
      fc.property(fc.oneof({ weight: 3, arbitrary: prototype }, record), layout, (o, how) => {
        const line = lineOf(o, how);
        // Twice: the first line of a shape makes the plan, the second can take the plain path.
        readWith(plain, line);
        assert.deepEqual(readWith(plain, line), readWith(reference, line), line);
      }),
      { numRuns: 10_000 },
    );
  });

  it('keeps no whole chunk of the file alive through the ids, merchants and texts of records kept as evidence', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const normaliser = new RecordNormaliser('event');
    const kept: unknown[] = [];
    const chunks = 60;
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let c = 0; c < chunks; c++) {
      // A decoded 300 KB chunk, as the tailer hands lines over: each line is a view into it.
      const lines = Array.from(
        { length: 2_000 },
        (_, i) =>
          `{"event_id":"evt_${c}_${i}_3f2a9c1e-5b7d-4e0a-9c1f","merchant_id":"merchant-acme-europe-${c}","error_code":"checkout_timeout_${c}","service":"checkout","timestamp":"2026-01-31T08:08:17.774492","endpoint":"/api/v2/orders/${c}/checkout","note":"kept as an extra field ${c}"}`,
      );
      const chunk = Buffer.from(`${lines.join('\n')}\n`).toString('latin1');
      const line = chunk.slice(0, chunk.indexOf('\n'));
      readRecord('events.ndjson', { text: line, line: 1, column: 1 }, normaliser);
      const read = readRecord('events.ndjson', { text: line, line: 1, column: 1 }, normaliser);
      assert.ok(read.record, read.invalid?.message);
      kept.push(read.record);
    }
    gc();
    const grown = (process.memoryUsage().heapUsed - before) / 1e6;
    // The records themselves take a few kilobytes; held chunks would be ~18 MB.
    assert.ok(grown < 6, `heap grew ${grown.toFixed(1)} MB for ${chunks} kept records`);
    assert.equal(kept.length, chunks);
  });
});
