import { strict as assert } from 'node:assert';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import fc from 'fast-check';
import { nodeFileAccess } from '../../../../src/adapters/node/node-file-access';
import { makeConfig } from '../../../../src/core/config/config';
import { generate } from '../../../../src/core/generate/generate';
import { Observer, type ObservedIncident } from '../../../../src/core/observe/detect/observer';
import { NdjsonSplitter, type SplitOutput } from '../../../../src/core/observe/ingest/ndjson-splitter';
import { RecordNormaliser } from '../../../../src/core/observe/ingest/normalise-record';
import { parseTimestamp, parseTimestampText } from '../../../../src/core/observe/ingest/parse-timestamp';
import { SourceSet } from '../../../../src/core/observe/ingest/source-set';
import { makeTempDir } from './ingest-test-kit';

/**
 * The hot paths of ingestion (lines decoded a stretch at a time, field resolution reused per record shape, the
 * common timestamp read by hand) must give exactly what the general paths give, for any input.
 */

const at = { file: 'events.ndjson', line: 1, column: 1 };

/** What the splitter must produce: every line decoded on its own, straight from the definition. */
function referenceSplit(bytes: Buffer, maxLineBytes: number): SplitOutput {
  const out: SplitOutput = { lines: [], problems: [] };
  let start = 0;
  for (let line = 1; ; line++) {
    const nl = bytes.indexOf(0x0a, start);
    if (nl === -1) {
      if (bytes.length - start > maxLineBytes) out.problems.push({ line, column: 1, message: `line is longer than ${maxLineBytes} bytes (sources.maxLineBytes); skipped` });
      return out;
    }
    const raw = bytes.subarray(start, nl);
    start = nl + 1;
    if (raw.length > maxLineBytes) {
      out.problems.push({ line, column: 1, message: `line is longer than ${maxLineBytes} bytes (sources.maxLineBytes); skipped` });
      continue;
    }
    let from = 0;
    let end = raw.length;
    if (line === 1 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) from = 3;
    if (end > from && raw[end - 1] === 0x0d) end--;
    const text = raw.toString('utf8', from, end);
    const first = text.search(/\S/);
    if (first !== -1) out.lines.push({ text, line, column: first + 1 });
  }
}

const piece = fc.oneof(
  fc.constantFrom('{"a":1}', '  {"b":2}', '', '   ', '\r', '{"c":"é€😀"}\r', '\t{"d":4}', 'not json', '\uFEFF{"e":5}'),
  fc.string({ maxLength: 40 }),
  fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a.filter((b) => b !== 0x0a)).toString('latin1')),
  fc.integer({ min: 20, max: 120 }).map((n) => `{"long":"${'x'.repeat(n)}"}`),
);

describe('ingestion fast paths equal the general paths', function () {
  this.timeout(60_000);

  it('the splitter gives the same lines and problems as decoding each line alone, for any chunking and line limit', () => {
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 30 }),
        fc.boolean(),
        fc.integer({ min: 8, max: 100 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
        (lines, bom, maxLineBytes, cuts) => {
          const bytes = Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(lines.join('\n'), 'utf8'), Buffer.from('\n')]);
          const splitter = new NdjsonSplitter(maxLineBytes);
          const out: SplitOutput = { lines: [], problems: [] };
          for (let i = 0, k = 0; i < bytes.length; k++) {
            const size = cuts[k % cuts.length] as number;
            splitter.push(bytes.subarray(i, i + size), out);
            i += size;
          }
          const want = referenceSplit(bytes, maxLineBytes);
          assert.deepEqual(out.lines, want.lines);
          assert.deepEqual(out.problems, want.problems);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('a record shape resolved once gives what resolving every record from scratch gives (nulls, aliases, extras)', () => {
    const key = fc.constantFrom('event_id', 'id', 'merchant_id', 'merchant', 'error_code', 'code', 'status', 'http_status', 'service', 'timestamp', 'time', 'message', 'severity', 'count', 'region', '__proto__');
    const value = fc.oneof(
      fc.constantFrom('E1', ' M2 ', '', 'checkout_timeout', 'Webhooks', '2026-01-31T18:51:36.507867', '2026-01-31 18:51:36Z', 'yesterday', 'high'),
      fc.integer({ min: -5, max: 700 }),
      fc.constant(null),
    );
    fc.assert(
      fc.property(fc.uniqueArray(key, { minLength: 1, maxLength: 9 }), fc.array(fc.array(value, { minLength: 9, maxLength: 9 }), { minLength: 1, maxLength: 6 }), (keys, rows) => {
        const planned = new RecordNormaliser('event');
        for (const row of rows) {
          // Same keys in the same order: one shape, so the plan is reused from the second record on.
          const raw = JSON.parse(JSON.stringify(Object.fromEntries(keys.map((k, i) => [k, row[i]])))) as unknown;
          const fresh = new RecordNormaliser('event', undefined, { plans: false });
          assert.deepEqual(planned.normalise(raw, at), fresh.normalise(raw, at));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('a chosen alias that is null gives way to another alias even when the shape was seen before', () => {
    const n = new RecordNormaliser('event');
    const first = n.normalise({ event_id: 'E1', id: 'X1', merchant_id: 'M1', error_code: 'boom', timestamp: '2026-01-31T10:00:00' }, at);
    const second = n.normalise({ event_id: null, id: 'X2', merchant_id: 'M1', error_code: 'boom', timestamp: '2026-01-31T10:00:00' }, at);
    assert.ok(first.ok && second.ok);
    assert.equal(first.record.id, 'E1');
    assert.equal(second.record.id, 'X2');
  });

  it('the hand-read timestamp equals the general parser for every text of its shape', () => {
    const two = (min: number, max: number) => fc.integer({ min, max }).map((n) => String(n).padStart(2, '0'));
    const stamp = fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
        two(0, 13),
        two(0, 32),
        fc.constantFrom('T', ' ', 't', '_'),
        two(0, 25),
        two(0, 61),
        two(0, 61),
        fc.constantFrom('', '.', '.5', '.507867', ',12', '.1234567890'),
        fc.constantFrom('', 'Z', 'z', '+02:00', '-0130', ' UTC', 'Q'),
      )
      .map(([y, mo, d, sep, h, mi, s, frac, zone]) => `${y}-${mo}-${d}${sep}${h}:${mi}:${s}${frac}${zone}`);
    fc.assert(
      fc.property(stamp, (text) => {
        assert.deepEqual(parseTimestamp(text), parseTimestampText(text), text);
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('budgeted polls merge the files by event time', () => {
  it('a sparse tickets file read in slices does not make the dense events file late: every record counts once', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const t0 = Date.UTC(2026, 0, 1);
      // 20 days of events, one a minute; tickets over the same 20 days, one an hour, with long texts so that one
      // slice of tickets spans days while one slice of events spans hours.
      const events = Array.from({ length: 20 * 24 * 60 }, (_, i) =>
        JSON.stringify({ event_id: `E${i}`, merchant_id: `M${i % 7}`, error_code: 'http_200', service: 'api', timestamp: new Date(t0 + i * 60_000).toISOString() }),
      );
      const tickets = Array.from({ length: 20 * 24 }, (_, i) =>
        JSON.stringify({ ticket_id: `T${i}`, merchant_id: `M${i % 7}`, issue: 'how_to', message: 'x'.repeat(400), timestamp: new Date(t0 + i * 3_600_000).toISOString() }),
      );
      await writeFile(path.join(dir, 'events.ndjson'), `${events.join('\n')}\n`);
      await writeFile(path.join(dir, 'tickets.ndjson'), `${tickets.join('\n')}\n`);
      const config = makeConfig();
      const set = new SourceSet({ root: dir, files: nodeFileAccess, config, chunkBytes: 16 * 1024 });
      const observer = new Observer(config);
      await set.discover();
      const ids = new Set<string>();
      let taken = 0;
      for (let more = true, polls = 0; more; polls++) {
        assert.ok(polls < 10_000, 'the backlog drains');
        const batch = await set.poll({ final: true, maxBytesPerFile: 32 * 1024 });
        more = batch.more === true;
        for (const r of batch.records) ids.add(r.id);
        taken += batch.records.length;
        observer.add(batch.records);
      }
      assert.equal(taken, events.length + tickets.length);
      assert.equal(ids.size, taken, 'no record twice');
      assert.equal(observer.stats().lateRecords, 0, 'no record arrived behind the horizon');
      await set.dispose();
    } finally {
      await cleanup();
    }
  });
});

describe('the incidents do not depend on how a backlog is sliced', () => {
  it('weeks of generated noise with planted incidents give the same findings read whole or 16 KB at a time', async function () {
    this.timeout(60_000);
    const { dir, cleanup } = await makeTempDir();
    try {
      // 30,000 events one every 135 s: about 47 days, far longer than the two days of windows the observer keeps,
      // so most windows are settled while later slices are still arriving.
      const out = { events: '', tickets: '' };
      const truth = await generate(
        { scenario: 'sample_day', seed: 3, events: 30_000, format: 'ndjson' },
        { events: { write: (s) => void (out.events += s) }, tickets: { write: (s) => void (out.tickets += s) } },
      );
      await writeFile(path.join(dir, 'events.ndjson'), out.events);
      await writeFile(path.join(dir, 'tickets.ndjson'), out.tickets);

      const findings = async (sliceBytes: number): Promise<string[]> => {
        const config = makeConfig();
        const set = new SourceSet({ root: dir, files: nodeFileAccess, config, chunkBytes: Math.min(sliceBytes, 1 << 20) });
        const observer = new Observer(config);
        await set.discover();
        observer.noteSources(set.summaries());
        let incidents: ObservedIncident[] = [];
        for (let more = true; more; ) {
          const batch = await set.poll({ final: true, maxBytesPerFile: sliceBytes });
          more = batch.more === true;
          observer.add(batch.records);
          incidents = observer.evaluate({ sources: set.summaries(), invalid: 0, totalRecords: 0 });
        }
        await set.dispose();
        return incidents
          .map((i) => `${i.scope} ${i.merchants.join(',')}: ${[...new Set(i.anomalies.map((a) => `${a.detector} ${a.signature}`))].sort().join('; ')}`)
          .sort();
      };
      const whole = await findings(Number.POSITIVE_INFINITY);
      // Background noise opens nothing: one incident per planted one.
      assert.equal(whole.length, truth.incidents.length, whole.join('\n'));
      assert.deepEqual(await findings(16 * 1024), whole);
      assert.deepEqual(await findings(1 << 20), whole);
    } finally {
      await cleanup();
    }
  });
});
