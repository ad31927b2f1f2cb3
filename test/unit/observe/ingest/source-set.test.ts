import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { nodeFileAccess } from '../../../../src/adapters/node/node-file-access';
import { makeConfig, type CosmosConfigInput } from '../../../../src/core/config/config';
import { loadSourceMappings } from '../../../../src/core/observe/ingest/source-mappings';
import { SourceSet } from '../../../../src/core/observe/ingest/source-set';
import type { FileAccess } from '../../../../src/core/ports/files';
import { countingFileAccess, eventLine, FIXTURES, makeTempDir } from './ingest-test-kit';

const ticket = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ ticket_id: id, merchant_id: 'M1', issue: 'checkout_broken', timestamp: '2026-01-31T18:00:00', ...extra });

function sourceSet(root: string, files: FileAccess = nodeFileAccess, config: CosmosConfigInput = {}, mappingsText?: string) {
  return new SourceSet({
    root,
    files,
    config: makeConfig(config),
    ...(mappingsText !== undefined && { mappings: loadSourceMappings(mappingsText, '.cosmos/sources.json') }),
  });
}

describe('SourceSet', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let set: SourceSet | undefined;
  const write = (file: string, text: string | Buffer) => fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true }).then(() => fs.writeFile(path.join(dir, file), text));
  const append = (file: string, text: string) => fs.appendFile(path.join(dir, file), text);

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });

  afterEach(async () => {
    await set?.dispose();
    set = undefined;
    await cleanup();
  });

  describe('on the prototype files', () => {
    it('takes in every prototype record, events then tickets, in line order, with exact locations', async () => {
      set = sourceSet(path.join(FIXTURES, 'prototype'));
      assert.deepEqual(await set.discover(), ['events.json', 'tickets.json']);
      const batch = await set.poll({ final: true });
      assert.deepEqual(batch.invalid, []);
      assert.deepEqual(
        batch.records.map((r) => [r.kind, r.id, r.location.file, r.location.line, r.location.column]),
        [
          ['event', 'E1', 'events.json', 2, 3],
          ['event', 'E2', 'events.json', 9, 3],
          ['event', 'E3', 'events.json', 16, 3],
          ['event', 'E4', 'events.json', 23, 3],
          ['event', 'E5', 'events.json', 30, 3],
          ['ticket', 'T1', 'tickets.json', 2, 3],
          ['ticket', 'T2', 'tickets.json', 9, 3],
        ],
      );
      assert.equal(batch.records[2]!.timestamp, Date.UTC(2026, 0, 31, 18, 51, 36, 507));
      const sizes = await Promise.all(['events.json', 'tickets.json'].map((f) => fs.stat(path.join(FIXTURES, 'prototype', f))));
      assert.deepEqual(set.summaries(), [
        { file: 'events.json', kind: 'events', format: 'json', records: 5, invalid: 0, bytes: sizes[0]!.size },
        { file: 'tickets.json', kind: 'tickets', format: 'json', records: 2, invalid: 0, bytes: sizes[1]!.size },
      ]);
    });

    it('gives the same batch for the same files (deterministic)', async () => {
      const a = sourceSet(path.join(FIXTURES, 'prototype'));
      const b = sourceSet(path.join(FIXTURES, 'prototype'));
      await a.discover();
      await b.discover();
      assert.deepEqual(await a.poll({ final: true }), await b.poll({ final: true }));
      await a.dispose();
      await b.dispose();
    });
  });

  describe('bad records', () => {
    it('reports each bad record with file, line, column and a sentence, keeping every good neighbour', async () => {
      set = sourceSet(path.join(FIXTURES, 'broken'));
      await set.discover();
      const batch = await set.poll({ final: true });
      assert.deepEqual(batch.invalid, [
        { file: 'events.ndjson', line: 2, column: 69, message: "not valid JSON: Expected ',' or '}' after property value" },
        { file: 'events.ndjson', line: 3, column: 1, message: 'missing `merchant_id` (also accepted: merchant, merchantId, shop_id)' },
        { file: 'events.ndjson', line: 5, column: 1, message: 'record is not an object (found an array)' },
        { file: 'events.ndjson', line: 7, column: 4, message: '`count` is not a positive whole number: -2' },
        { file: 'tickets.json', line: 14, column: 3, message: '`timestamp` is not a date: "yesterday"' },
      ]);
      assert.deepEqual(
        batch.records.filter((r) => r.kind === 'event').map((r) => [r.id, r.location.line, r.code, r.service]),
        [
          ['E1', 1, 'checkout_timeout', 'api'],
          ['E6', 6, 'http_502', 'frontend'],
          ['E8', 8, 'payment_declined', 'payment'],
        ],
      );
      assert.equal(batch.records.filter((r) => r.kind === 'ticket').length, 14);
      assert.deepEqual(
        set.summaries().map((s) => [s.file, s.records, s.invalid]),
        [
          ['events.ndjson', 3, 4],
          ['tickets.json', 14, 1],
        ],
      );
    });

    it('gives a .json file that is not JSON one clear error and no records', async () => {
      await write('events.json', 'timestamp,merchant,code\n2026-01-31,M1,x\n');
      await write('tickets.ndjson', '');
      set = sourceSet(dir);
      await set.discover();
      const batch = await set.poll({ final: true });
      assert.deepEqual(batch.records, []);
      assert.equal(batch.invalid.length, 1);
      assert.deepEqual({ ...batch.invalid[0], message: undefined }, { file: 'events.json', line: 1, column: 1, message: undefined });
      assert.match(batch.invalid[0]!.message, /^not JSON: expected a JSON array of records, found "timestamp,merchant/);
    });

    it('reads NDJSON saved as .json, and a {"events":[...]} wrapper', async () => {
      await write('events.json', `${eventLine('E1')}\n${eventLine('E2')}\n`);
      await write('tickets.json', `{"exported_at":"2026-02-01","tickets":[\n  ${ticket('T1')}\n]}`);
      set = sourceSet(dir);
      await set.discover();
      const batch = await set.poll({ final: true });
      assert.deepEqual(batch.invalid, []);
      assert.deepEqual(
        batch.records.map((r) => [r.id, r.location.line, r.location.column]),
        [
          ['E1', 1, 1],
          ['E2', 2, 1],
          ['T1', 2, 3],
        ],
      );
    });

    it('treats empty files as zero records without an error', async () => {
      await write('events.json', '');
      await write('tickets.ndjson', '');
      set = sourceSet(dir);
      await set.discover();
      assert.deepEqual(await set.poll({ final: true }), { records: [], invalid: [] });
      assert.deepEqual(
        set.summaries().map((s) => [s.file, s.records, s.invalid]),
        [
          ['events.json', 0, 0],
          ['tickets.ndjson', 0, 0],
        ],
      );
    });

    it('reads NDJSON with a BOM and CRLF line endings', async () => {
      await write('events.ndjson', `\uFEFF${eventLine('E1')}\r\n${eventLine('E2')}\r\n`);
      set = sourceSet(dir);
      await set.discover();
      const batch = await set.poll({ final: true });
      assert.deepEqual(batch.invalid, []);
      assert.deepEqual(
        batch.records.map((r) => [r.id, r.location.line, r.location.column]),
        [
          ['E1', 1, 1],
          ['E2', 2, 1],
        ],
      );
    });

    it('reads a JSON array with a BOM and CRLF line endings', async () => {
      await write('tickets.json', `\uFEFF[\r\n  ${ticket('T1')},\r\n  ${ticket('T2')}\r\n]\r\n`);
      set = sourceSet(dir);
      await set.discover();
      const batch = await set.poll({ final: true });
      assert.deepEqual(batch.invalid, []);
      assert.deepEqual(
        batch.records.map((r) => [r.id, r.location.line, r.location.column]),
        [
          ['T1', 2, 3],
          ['T2', 3, 3],
        ],
      );
    });
  });

  describe('a truncated last NDJSON line', () => {
    it('is not an error while watching, and is read once its newline arrives', async () => {
      await write('events.ndjson', `${eventLine('E1')}\n{"event_id":"E2","merchant_id":"M1",`);
      set = sourceSet(dir);
      await set.discover();
      const first = await set.poll();
      assert.deepEqual(first.invalid, []);
      assert.deepEqual(
        first.records.map((r) => r.id),
        ['E1'],
      );
      await append('events.ndjson', '"error_code":"x","timestamp":"2026-01-31T18:00:00"}\n');
      const second = await set.poll();
      assert.deepEqual(second.invalid, []);
      assert.deepEqual(
        second.records.map((r) => [r.id, r.location.line]),
        [['E2', 2]],
      );
    });

    it('in a one-shot read is accepted when it parses', async () => {
      await write('events.ndjson', `${eventLine('E1')}\n${eventLine('E2')}`);
      set = sourceSet(dir);
      await set.discover();
      const batch = await set.poll({ final: true });
      assert.deepEqual(batch.invalid, []);
      assert.deepEqual(
        batch.records.map((r) => r.id),
        ['E1', 'E2'],
      );
    });

    it('in a one-shot read is reported as an incomplete last line when it does not parse', async () => {
      await write('events.ndjson', `${eventLine('E1')}\n{"event_id":"E2","merch`);
      set = sourceSet(dir);
      await set.discover();
      const batch = await set.poll({ final: true });
      assert.deepEqual(
        batch.records.map((r) => r.id),
        ['E1'],
      );
      assert.equal(batch.invalid.length, 1);
      assert.equal(batch.invalid[0]!.line, 2);
      assert.match(batch.invalid[0]!.message, /^incomplete last line \(no newline at the end\): not valid JSON/);
    });
  });

  describe('incremental reads', () => {
    it('reads only the new bytes of an appended NDJSON file', async () => {
      const lines = Array.from({ length: 5000 }, (_, i) => eventLine(`E${i}`));
      await write('data/events.ndjson', `${lines.join('\n')}\n`);
      const files = countingFileAccess();
      set = sourceSet(dir, files);
      await set.discover();
      assert.equal((await set.poll()).records.length, 5000);

      const added = `${eventLine('E5000')}\n`;
      await append('data/events.ndjson', added);
      files.reset();
      const batch = await set.poll();
      assert.deepEqual(
        batch.records.map((r) => [r.id, r.location.file, r.location.line]),
        [['E5000', 'data/events.ndjson', 5001]],
      );
      assert.ok(files.bytesRead <= added.length + 256, `read ${files.bytesRead} bytes for a ${added.length}-byte append`);
      assert.equal(set.summaries()[0]!.records, 5001);
    });

    it('re-reads a truncated NDJSON file from the start', async () => {
      await write('events.ndjson', `${eventLine('E1')}\n${eventLine('E2')}\n`);
      set = sourceSet(dir);
      await set.discover();
      await set.poll();
      await fs.truncate(path.join(dir, 'events.ndjson'), 0);
      await append('events.ndjson', `${eventLine('E9')}\n`);
      assert.deepEqual(
        (await set.poll()).records.map((r) => [r.id, r.location.line]),
        [['E9', 1]],
      );
    });

    it('re-reads an NDJSON file replaced by one of the same size with a different head', async () => {
      await write('events.ndjson', `${eventLine('E1')}\n${eventLine('E2')}\n`);
      set = sourceSet(dir);
      await set.discover();
      await set.poll();
      const handle = await fs.open(path.join(dir, 'events.ndjson'), 'r+');
      await handle.write(`${eventLine('E3')}\n${eventLine('E4')}\n`, 0);
      await handle.close();
      assert.deepEqual(
        (await set.poll()).records.map((r) => r.id),
        ['E3', 'E4'],
      );
    });

    it('follows a rotated NDJSON file (rename + create) without losing or repeating records', async () => {
      await write('events.ndjson', `${eventLine('E1')}\n`);
      set = sourceSet(dir);
      await set.discover();
      await set.poll();
      await append('events.ndjson', `${eventLine('E2')}\n`);
      await fs.rename(path.join(dir, 'events.ndjson'), path.join(dir, 'events.ndjson.1'));
      await write('events.ndjson', `${eventLine('E3')}\n`);
      assert.deepEqual(await set.discover(), [], 'the rotated-away file does not match the source globs');
      assert.deepEqual(
        (await set.poll()).records.map((r) => r.id),
        ['E2', 'E3'],
      );
    });

    it('does not double count when a JSON array file is rewritten with more records', async () => {
      await write('tickets.json', `[\n${ticket('T1')},\n${ticket('T2')}\n]\n`);
      set = sourceSet(dir);
      await set.discover();
      assert.equal((await set.poll()).records.length, 2);
      await write('tickets.json', `[\n${ticket('T1')},\n${ticket('T2')},\n${ticket('T3')}\n]\n`);
      const batch = await set.poll();
      assert.deepEqual(
        batch.records.map((r) => [r.id, r.location.line]),
        [['T3', 4]],
      );
      assert.equal(set.summaries()[0]!.records, 3);
      assert.deepEqual((await set.poll()).records, [], 'an unchanged file gives nothing new');
    });

    it('counts a repeated id inside one JSON file once per occurrence', async () => {
      await write('tickets.json', `[${ticket('T1')},${ticket('T1', { merchant_id: 'M2' })}]`);
      set = sourceSet(dir);
      await set.discover();
      assert.deepEqual(
        (await set.poll()).records.map((r) => r.merchantId),
        ['M1', 'M2'],
      );
    });

    it('reports a JSON array cut off mid-write only in a one-shot read, keeping the complete records', async () => {
      await write('tickets.json', `[\n${ticket('T1')},\n{"ticket_id":"T2",`);
      set = sourceSet(dir);
      await set.discover();
      const watching = await set.poll();
      assert.deepEqual(
        watching.records.map((r) => r.id),
        ['T1'],
      );
      assert.deepEqual(watching.invalid, []);
      const final = await set.poll({ final: true });
      assert.deepEqual(final.invalid, [{ file: 'tickets.json', line: 3, column: 1, message: 'the file ends inside this record' }]);
    });

    it('reports a bad record of a rewritten JSON file once, not at every rewrite', async () => {
      await write('tickets.json', `[\n${ticket('T1', { timestamp: 'soon' })}\n]`);
      set = sourceSet(dir);
      await set.discover();
      assert.equal((await set.poll()).invalid.length, 1);
      await write('tickets.json', `[\n${ticket('T1', { timestamp: 'soon' })},\n${ticket('T2')}\n]`);
      const batch = await set.poll();
      assert.deepEqual(batch.invalid, []);
      assert.deepEqual(
        batch.records.map((r) => r.id),
        ['T2'],
      );
    });

    it('resumes from exported cursors without re-emitting what was taken in', async () => {
      await write('events.ndjson', `${eventLine('E1')}\n${eventLine('E2')}\n`);
      await write('tickets.json', `[${ticket('T1')}]`);
      set = sourceSet(dir);
      await set.discover();
      await set.poll();
      const cursors = JSON.parse(JSON.stringify(set.cursors()));
      await set.dispose();

      await append('events.ndjson', `${eventLine('E3')}\n`);
      await write('tickets.json', `[${ticket('T1')},${ticket('T2')}]`);
      set = sourceSet(dir);
      set.restore(cursors);
      await set.discover();
      assert.deepEqual(
        (await set.poll()).records.map((r) => r.id),
        ['E3', 'T2'],
      );
      assert.deepEqual(
        set.summaries().map((s) => [s.file, s.records]),
        [
          ['events.ndjson', 3],
          ['tickets.json', 2],
        ],
      );
    });

    it('serialises overlapping polls so no record is taken twice', async () => {
      await write('events.ndjson', `${Array.from({ length: 200 }, (_, i) => eventLine(`E${i}`)).join('\n')}\n`);
      set = sourceSet(dir);
      await set.discover();
      const batches = await Promise.all([set.poll(), set.poll(), set.poll()]);
      assert.equal(batches.reduce((n, b) => n + b.records.length, 0), 200);
    });
  });

  describe('discovery', () => {
    it('finds events and tickets files at the root and under data/, ignoring other files and ignored folders', async () => {
      await write('events.ndjson', '');
      await write('events-2026.jsonl', '');
      await write('data/tickets.json', '[]');
      await write('data/events_old.json', '[]');
      await write('notes.json', '[]');
      await write('events.csv', '');
      await write('node_modules/x/events.json', '[]');
      await write('deep/events.json', '[]');
      set = sourceSet(dir);
      assert.deepEqual(await set.discover(), ['data/events_old.json', 'data/tickets.json', 'events-2026.jsonl', 'events.ndjson']);
      assert.deepEqual(
        set.summaries().map((s) => [s.file, s.kind, s.format]),
        [
          ['data/events_old.json', 'events', 'json'],
          ['data/tickets.json', 'tickets', 'json'],
          ['events-2026.jsonl', 'events', 'ndjson'],
          ['events.ndjson', 'events', 'ndjson'],
        ],
      );
      await write('tickets.ndjson', '');
      assert.deepEqual(await set.discover(), ['tickets.ndjson'], 'only newly found files are returned');
    });

    it('uses configured globs and ignores', async () => {
      await write('logs/api-errors.ndjson', `${eventLine('E1')}\n`);
      await write('logs/old/api-errors.ndjson', `${eventLine('E2')}\n`);
      set = sourceSet(dir, nodeFileAccess, { sources: { events: ['logs/**/*.ndjson'], tickets: [], ignored: ['**/old/**'] } });
      assert.deepEqual(await set.discover(), ['logs/api-errors.ndjson']);
    });

    it('tells which watcher hints concern a source', async () => {
      await write('events.ndjson', '');
      set = sourceSet(dir);
      await set.discover();
      assert.equal(set.isSource(path.join(dir, 'events.ndjson')), true);
      assert.equal(set.isSource(path.join(dir, 'tickets.ndjson')), true, 'a file discover() would add');
      assert.equal(set.isSource(path.join(dir, 'README.md')), false);
      assert.equal(set.isSource(path.join(dir, 'node_modules', 'events.json')), false);
      assert.equal(set.isSource(path.join(path.dirname(dir), 'events.ndjson')), false, 'outside the folder');
    });

    it('reports an unreadable source once and keeps reading the others', async () => {
      await write('events.ndjson', `${eventLine('E1')}\n`);
      await write('tickets.ndjson', `${ticket('T1')}\n`);
      const failing: FileAccess = {
        ...nodeFileAccess,
        open: (p) => (p.endsWith('events.ndjson') ? Promise.reject(new Error('EACCES: permission denied')) : nodeFileAccess.open(p)),
      };
      set = sourceSet(dir, failing);
      await set.discover();
      const first = await set.poll();
      assert.deepEqual(
        first.records.map((r) => r.id),
        ['T1'],
      );
      assert.deepEqual(first.invalid, [
        { file: 'events.ndjson', line: 1, column: 1, message: 'cannot read the file: EACCES: permission denied' },
      ]);
      assert.deepEqual((await set.poll()).invalid, [], 'not repeated at every poll');
    });
  });

  describe('with .cosmos/sources.json mappings', () => {
    it('discovers mapped files and reads their fields by the declared names', async () => {
      await write('exports/shop.ndjson', '{"req_id":"R1","store":"S1","err":"Timeout","at":1769885496,"svc":"web"}\n');
      const mappings = JSON.stringify({
        sources: [
          {
            pattern: 'exports/*.ndjson',
            kind: 'events',
            fields: { id: 'req_id', merchantId: 'store', code: 'err', timestamp: 'at', service: 'svc' },
          },
        ],
      });
      set = sourceSet(dir, nodeFileAccess, {}, mappings);
      assert.deepEqual(await set.discover(), ['exports/shop.ndjson']);
      const batch = await set.poll({ final: true });
      assert.deepEqual(batch.invalid, []);
      assert.deepEqual(
        batch.records.map((r) => [r.id, r.merchantId, r.code, r.service, r.timestamp]),
        [['R1', 'S1', 'timeout', 'frontend', Date.UTC(2026, 0, 31, 18, 51, 36)]],
      );
    });
  });
});
