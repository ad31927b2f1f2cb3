import * as assert from 'node:assert/strict';
import { scanJsonArray } from '../../../../src/core/observe/ingest/json-array-scanner';

function elements(text: string): [number, number, unknown][] {
  return scanJsonArray(text).elements.map((e) => [e.line, e.column, JSON.parse(e.text)]);
}

describe('scanJsonArray', () => {
  it('finds every element with its line and column', () => {
    const text = '[\n  {"id":"a"},\n  {"id":"b", "n":[1,{"x":"]}"}]},\n\t{"id":"c\\"]"}\n]\n';
    assert.deepEqual(elements(text), [
      [2, 3, { id: 'a' }],
      [3, 3, { id: 'b', n: [1, { x: ']}' }] }],
      [4, 2, { id: 'c"]' }],
    ]);
    assert.deepEqual(scanJsonArray(text).problems, []);
  });

  it('finds elements on a single minified line', () => {
    assert.deepEqual(elements('[{"id":1},{"id":2}]'), [
      [1, 2, { id: 1 }],
      [1, 11, { id: 2 }],
    ]);
  });

  it('returns nothing, and no problem, for an empty file, a blank file and an empty array', () => {
    for (const text of ['', '  \n', '[]', '\uFEFF[ ]\n']) {
      const scan = scanJsonArray(text);
      assert.deepEqual([scan.elements, scan.problems], [[], []], JSON.stringify(text));
    }
  });

  it('counts columns after a BOM from the first real character', () => {
    assert.deepEqual(elements('\uFEFF[{"id":1}]'), [[1, 2, { id: 1 }]]);
  });

  it('keeps the elements around a broken one (the caller reports the broken slice)', () => {
    const scan = scanJsonArray('[\n{"id":1},\n{"id": 2, oops},\n{"id":3}\n]');
    assert.deepEqual(
      scan.elements.map((e) => [e.line, e.text]),
      [
        [2, '{"id":1}'],
        [3, '{"id": 2, oops}'],
        [4, '{"id":3}'],
      ],
    );
    assert.deepEqual(scan.problems, []);
  });

  it('recovers after an unterminated string at the end of its line', () => {
    const scan = scanJsonArray('[\n{"id":"1},\n{"id":"2"}\n]');
    assert.equal(scan.elements.length, 2);
    assert.deepEqual(JSON.parse(scan.elements[1]!.text), { id: '2' });
  });

  it('reports a missing comma but keeps both records', () => {
    const scan = scanJsonArray('[\n{"id":1}\n{"id":2}\n]');
    assert.equal(scan.elements.length, 2);
    assert.deepEqual(scan.problems, [{ line: 3, column: 1, message: 'missing `,` before this record' }]);
  });

  it('gives a file that is not JSON at all one clear error at the right place', () => {
    const scan = scanJsonArray('\n\n   hello, this is a log file\nline 2\n');
    assert.deepEqual(scan.elements, []);
    assert.equal(scan.problems.length, 1);
    assert.equal(scan.problems[0]!.line, 3);
    assert.equal(scan.problems[0]!.column, 4);
    assert.match(scan.problems[0]!.message, /^not JSON: expected a JSON array of records, found "hello, this is a log file/);
  });

  it('marks a file cut off mid-array as incomplete, keeping the complete records', () => {
    const scan = scanJsonArray('[\n{"id":1},\n{"id":2},\n{"id":');
    assert.deepEqual(
      scan.elements.map((e) => JSON.parse(e.text)),
      [{ id: 1 }, { id: 2 }],
    );
    assert.deepEqual(scan.problems, [{ line: 4, column: 1, message: 'the file ends inside this record', incomplete: true }]);
    assert.deepEqual(scanJsonArray('[{"id":1}, ').problems, [
      { line: 1, column: 12, message: 'the file ends before the array is closed (missing `]`)', incomplete: true },
    ]);
  });

  it('reports text after the closing bracket', () => {
    const scan = scanJsonArray('[{"id":1}]\ngarbage');
    assert.equal(scan.elements.length, 1);
    assert.equal(scan.problems[0]!.line, 2);
    assert.match(scan.problems[0]!.message, /unexpected text after the closing `\]`/);
  });

  it('unwraps {"events":[...]} and reads nothing else of the wrapper', () => {
    const scan = scanJsonArray('{"exported":"2026-01-31","meta":{"n":[1]},\n "events": [\n  {"id":1},\n  {"id":2}\n ]\n}');
    assert.deepEqual(
      scan.elements.map((e) => [e.line, e.column, JSON.parse(e.text)]),
      [
        [3, 3, { id: 1 }],
        [4, 3, { id: 2 }],
      ],
    );
    assert.deepEqual(scan.problems, []);
  });

  it('reads a single object, or NDJSON saved as .json, as a sequence of records', () => {
    assert.deepEqual(elements('{"id":1}'), [[1, 1, { id: 1 }]]);
    assert.deepEqual(elements('{"id":1}\n{"id":2}\n'), [
      [1, 1, { id: 1 }],
      [2, 1, { id: 2 }],
    ]);
  });

  it('scans a large array quickly (linear, no quadratic rescans)', () => {
    const n = 100_000;
    const text = `[${Array.from({ length: n }, (_, i) => `{"event_id":"E${i}","merchant_id":"M1","error_code":"x","timestamp":1}`).join(',')}]`;
    const started = performance.now();
    const scan = scanJsonArray(text);
    const elapsed = performance.now() - started;
    assert.equal(scan.elements.length, n);
    assert.ok(elapsed < 2000, `took ${elapsed} ms`);
  });
});
