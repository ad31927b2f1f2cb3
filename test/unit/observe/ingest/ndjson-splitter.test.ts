import * as assert from 'node:assert/strict';
import { NdjsonSplitter, type SplitOutput } from '../../../../src/core/observe/ingest/ndjson-splitter';

function split(chunks: Buffer[], maxLineBytes = 1000): SplitOutput & { splitter: NdjsonSplitter } {
  const splitter = new NdjsonSplitter(maxLineBytes);
  const out: SplitOutput = { lines: [], problems: [] };
  for (const c of chunks) splitter.push(c, out);
  return { ...out, splitter };
}

/** Every possible cut of `bytes` into single bytes: the harshest chunking there is. */
function byteByByte(text: string | Buffer): Buffer[] {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return [...bytes].map((b) => Buffer.from([b]));
}

describe('NdjsonSplitter', () => {
  it('splits lines and numbers them, skipping blank lines without losing the count', () => {
    const { lines, problems } = split([Buffer.from('{"a":1}\n\n   \n  {"b":2}\n')]);
    assert.deepEqual(lines, [
      { text: '{"a":1}', line: 1, column: 1 },
      { text: '  {"b":2}', line: 4, column: 3 },
    ]);
    assert.deepEqual(problems, []);
  });

  it('strips a UTF-8 BOM at the start of the file only', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const { lines } = split([Buffer.concat([bom, Buffer.from('{"a":1}\n'), bom, Buffer.from('{"b":2}\n')])]);
    assert.equal(lines[0]!.text, '{"a":1}');
    assert.equal(lines[0]!.column, 1);
    assert.equal(lines[1]!.text, '\uFEFF{"b":2}');
  });

  it('strips a BOM that arrives split over chunks', () => {
    const { lines } = split(byteByByte('\uFEFF{"a":1}\n'));
    assert.deepEqual(lines, [{ text: '{"a":1}', line: 1, column: 1 }]);
  });

  it('drops the CR of CRLF line endings', () => {
    const { lines } = split([Buffer.from('{"a":1}\r\n{"b":2}\r\n')]);
    assert.deepEqual(
      lines.map((l) => l.text),
      ['{"a":1}', '{"b":2}'],
    );
  });

  it('joins UTF-8 characters cut by chunk boundaries', () => {
    const text = '{"m":"Zahlung fehlgeschlagen – 支付失败 🛒"}\n{"m":"ok"}\n';
    const { lines } = split(byteByByte(text));
    assert.equal(lines[0]!.text, '{"m":"Zahlung fehlgeschlagen – 支付失败 🛒"}');
    assert.equal(lines.length, 2);
    assert.ok(!lines[0]!.text.includes('\uFFFD'));
  });

  it('keeps a partial last line until its newline arrives', () => {
    const splitter = new NdjsonSplitter(1000);
    const out: SplitOutput = { lines: [], problems: [] };
    splitter.push(Buffer.from('{"a":1}\n{"b":'), out);
    assert.equal(out.lines.length, 1);
    assert.equal(splitter.pendingBytes, 5);
    splitter.push(Buffer.from('2}\n'), out);
    assert.deepEqual(out.lines[1], { text: '{"b":2}', line: 2, column: 1 });
    assert.equal(splitter.pendingBytes, 0);
  });

  it('reports an oversize line once, skips it, and goes on with the next line', () => {
    const long = `{"x":"${'y'.repeat(200)}"}`;
    const { lines, problems } = split(byteByByte(`{"a":1}\n${long}\n{"b":2}\n`), 100);
    assert.deepEqual(
      lines.map((l) => [l.line, l.text]),
      [
        [1, '{"a":1}'],
        [3, '{"b":2}'],
      ],
    );
    assert.deepEqual(problems, [{ line: 2, column: 1, message: 'line is longer than 100 bytes (sources.maxLineBytes); skipped' }]);
  });

  it('reports an oversize line that arrives whole in one chunk', () => {
    const { lines, problems } = split([Buffer.from(`${'z'.repeat(150)}\n{"b":2}\n`)], 100);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.line, 1);
    assert.deepEqual(lines, [{ text: '{"b":2}', line: 2, column: 1 }]);
  });

  it('hands over an unterminated last line once, and treats a newline arriving later as closing it', () => {
    const { splitter, lines } = split([Buffer.from('{"a":1}\n{"b":2}')]);
    assert.equal(lines.length, 1);
    assert.deepEqual(splitter.takePartial(), { text: '{"b":2}', line: 2, column: 1 });
    assert.equal(splitter.takePartial(), undefined);
    const out: SplitOutput = { lines: [], problems: [] };
    splitter.push(Buffer.from('\n{"c":3}\n'), out);
    assert.deepEqual(out.lines, [{ text: '{"c":3}', line: 3, column: 1 }]);
    assert.deepEqual(out.problems, []);
  });

  it('resumes from a saved state with the right line numbers', () => {
    const first = new NdjsonSplitter(1000);
    const out: SplitOutput = { lines: [], problems: [] };
    first.push(Buffer.from('{"a":1}\n{"b":2}\n{"c"'), out);
    const resumed = new NdjsonSplitter(1000, first.state());
    resumed.push(Buffer.from('{"c":3}\n'), out);
    assert.deepEqual(out.lines.at(-1), { text: '{"c":3}', line: 3, column: 1 });
  });
});
