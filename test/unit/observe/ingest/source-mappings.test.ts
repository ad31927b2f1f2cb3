import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { nodeFileAccess } from '../../../../src/adapters/node/node-file-access';
import {
  fieldMappingOf,
  loadSourceMappings,
  mappingFor,
  readSourceMappings,
  SourceMappingError,
} from '../../../../src/core/observe/ingest/source-mappings';
import { makeTempDir } from './ingest-test-kit';

const FILE = '.cosmos/sources.json';

function failure(text: string): SourceMappingError {
  try {
    loadSourceMappings(text, FILE);
  } catch (error) {
    assert.ok(error instanceof SourceMappingError, `expected a SourceMappingError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the mapping file to be rejected');
}

describe('loadSourceMappings', () => {
  it('accepts the documented example', () => {
    const mappings = loadSourceMappings(
      '{"sources":[{"pattern":"exports/*.ndjson","kind":"events","fields":{"id":"req_id","merchantId":"store","code":"err","timestamp":"at"}}]}',
      FILE,
    );
    assert.deepEqual(mappings, [
      {
        pattern: 'exports/*.ndjson',
        kind: 'events',
        fields: { id: 'req_id', merchantId: 'store', code: 'err', timestamp: 'at' },
      },
    ]);
    assert.equal(mappingFor('exports/a.ndjson', mappings), mappings[0]);
    assert.equal(mappingFor('exports/sub/a.ndjson', mappings), undefined);
    assert.deepEqual(fieldMappingOf(mappings[0])?.fields, mappings[0]!.fields);
  });

  it('accepts formats, defaults, a $schema key, a BOM, and an empty file', () => {
    const mappings = loadSourceMappings(
      '\uFEFF{"$schema":"x","sources":[{"pattern":"*.log","kind":"tickets","format":"ndjson","defaults":{"service":"support","weight":2}}]}',
      FILE,
    );
    assert.equal(mappings[0]!.format, 'ndjson');
    assert.deepEqual(mappings[0]!.defaults, { service: 'support', weight: 2 });
    assert.deepEqual(loadSourceMappings('  \n', FILE), []);
  });

  it('points at the syntax error of a file that is not valid JSON', () => {
    const error = failure('{\n  "sources": [\n    {"pattern": "a" "kind": "events"}\n  ]\n}');
    assert.equal(error.file, FILE);
    assert.equal(error.line, 3);
    assert.equal(error.column, 21);
    assert.equal(error.message, ".cosmos/sources.json:3:21 — not valid JSON: Expected ',' or '}' after property value");
  });

  it('names the JSON path and position of a field name that is not a string', () => {
    const error = failure('{\n  "sources": [\n    {"pattern": "exports/*.ndjson",\n     "fields": {"merchantId": 42}}\n  ]\n}');
    assert.equal(error.jsonPath, 'sources[0].fields.merchantId');
    assert.equal(error.line, 4);
    assert.equal(error.column, 31);
    assert.equal(
      error.message,
      '.cosmos/sources.json:4:31 — sources[0].fields.merchantId: expected the name of a field in your records (a string), found a number 42',
    );
  });

  it('rejects an unknown canonical field, listing the known ones, at the key', () => {
    const error = failure('{"sources":[{"pattern":"x","fields":{"merchant":"store"}}]}');
    assert.equal(error.jsonPath, 'sources[0].fields');
    assert.equal(error.column, 38);
    assert.match(error.problem, /^unknown key `merchant` \(known: id, merchantId, code, service, timestamp, /);
  });

  it('rejects a wrong kind with the accepted values', () => {
    const error = failure('{"sources":[{"pattern":"x","kind":"logs"}]}');
    assert.equal(error.jsonPath, 'sources[0].kind');
    assert.equal(error.problem, 'must be one of "events", "tickets", found "logs"');
  });

  it('rejects a missing pattern, a missing sources array, and an empty pattern', () => {
    assert.equal(failure('{"sources":[{"kind":"events"}]}').problem, 'missing `pattern`');
    assert.deepEqual(failure('{"source":[]}').problems, ['sources: missing `sources`', 'unknown key `source` (known: sources)']);
    assert.equal(failure('{"sources":[{"pattern":"  "}]}').problem, 'must not be empty');
  });

  it('counts further problems in the message', () => {
    const error = failure('{"sources":[{"pattern":1,"kind":"x"}]}');
    assert.equal(error.problems.length, 2);
    assert.match(error.message, /\(and 1 more\)$/);
  });

  it('does not pollute Object.prototype through a __proto__ key', () => {
    const error = failure('{"sources":[{"pattern":"x","__proto__":{"polluted":"yes"}}]}');
    assert.match(error.problem, /unknown key `__proto__`/);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('reads .cosmos/sources.json from a folder, and no file means no mappings', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      assert.deepEqual(await readSourceMappings(nodeFileAccess, dir), []);
      await fs.mkdir(path.join(dir, '.cosmos'));
      await fs.writeFile(path.join(dir, '.cosmos', 'sources.json'), '{"sources":[{"pattern":"x/*.json","kind":"tickets"}]}');
      assert.deepEqual(await readSourceMappings(nodeFileAccess, dir), [{ pattern: 'x/*.json', kind: 'tickets' }]);
      await fs.writeFile(path.join(dir, '.cosmos', 'sources.json'), '{"sources":[{"pattern":"x","kind":"event"}]}');
      await assert.rejects(readSourceMappings(nodeFileAccess, dir), (e: unknown) => {
        assert.ok(e instanceof SourceMappingError);
        assert.equal(e.message, '.cosmos/sources.json:1:35 — sources[0].kind: must be one of "events", "tickets", found "event"');
        return true;
      });
    } finally {
      await cleanup();
    }
  });
});
