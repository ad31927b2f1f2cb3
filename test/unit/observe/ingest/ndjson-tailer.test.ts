import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { NdjsonTailer, type TailOutput } from '../../../../src/core/observe/ingest/ndjson-tailer';
import { countingFileAccess, eventLine, makeTempDir } from './ingest-test-kit';

const texts = (out: TailOutput): string[] => out.lines.map((l) => l.text);

describe('NdjsonTailer (real files)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let file: string;
  let tailer: NdjsonTailer;
  const files = countingFileAccess();

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
    file = path.join(dir, 'events.ndjson');
    files.reset();
    tailer = new NdjsonTailer(file, files, { maxLineBytes: 10_000 });
  });

  afterEach(async () => {
    await tailer.close();
    await cleanup();
  });

  it('reads nothing and fails nothing while the file does not exist, then reads it once created', async () => {
    assert.deepEqual(texts(await tailer.poll()), []);
    await fs.writeFile(file, 'a\n');
    assert.deepEqual(texts(await tailer.poll()), ['a']);
  });

  it('reads only the appended bytes on each poll', async () => {
    const big = `${Array.from({ length: 2000 }, (_, i) => eventLine(`E${i}`)).join('\n')}\n`;
    await fs.writeFile(file, big);
    const first = await tailer.poll();
    assert.equal(first.lines.length, 2000);
    assert.equal(files.bytesRead, Buffer.byteLength(big));

    const line = `${eventLine('E2000')}\n`;
    await fs.appendFile(file, line);
    files.reset();
    const second = await tailer.poll();
    assert.deepEqual(texts(second), [line.trimEnd()]);
    assert.equal(second.lines[0]!.line, 2001);
    // New bytes, plus the 256-byte head check that detects a replaced file: never the whole file again.
    assert.ok(files.bytesRead <= Buffer.byteLength(line) + 256, `read ${files.bytesRead} bytes`);

    files.reset();
    assert.deepEqual(texts(await tailer.poll()), []);
    assert.equal(files.bytesRead, 0, 'an unchanged file is not read at all');
  });

  it('reads in bounded chunks', async () => {
    const small = new NdjsonTailer(file, files, { maxLineBytes: 10_000, chunkBytes: 64 });
    const lines = Array.from({ length: 50 }, (_, i) => eventLine(`E${i}`));
    await fs.writeFile(file, `${lines.join('\n')}\n`);
    assert.deepEqual(texts(await small.poll()), lines);
    await small.close();
  });

  it('drains a backlog in budgeted slices reading each chunk once (the next slice is read ahead)', async () => {
    const sliced = new NdjsonTailer(file, files, { maxLineBytes: 10_000, chunkBytes: 4096 });
    const lines = Array.from({ length: 2000 }, (_, i) => eventLine(`E${i}`));
    const size = Buffer.byteLength(`${lines.join('\n')}\n`);
    await fs.writeFile(file, `${lines.join('\n')}\n`);
    const got: string[] = [];
    let polls = 0;
    for (let more = true; more; polls++) {
      const out = await sliced.poll(false, 4096);
      got.push(...texts(out));
      more = out.more === true;
      // Appended while a slice is read ahead: taken in a later slice, once.
      if (polls === 3) await fs.appendFile(file, `${eventLine('E-late')}\n`);
    }
    assert.deepEqual(got, [...lines, eventLine('E-late')]);
    assert.ok(polls > 10, `${polls} polls`);
    // Every chunk once, plus the 256-byte head check of each later poll: a read-ahead is never thrown away here.
    const late = Buffer.byteLength(`${eventLine('E-late')}\n`);
    assert.ok(files.bytesRead <= size + late + polls * 256, `read ${files.bytesRead} of ${size + late} bytes in ${polls} polls`);
    await sliced.close();
  });

  it('never delivers bytes read ahead from a file that was then replaced, truncated or rotated', async () => {
    const lines = Array.from({ length: 300 }, (_, i) => eventLine(`OLD${i}`));
    const drain = async (t: NdjsonTailer): Promise<TailOutput[]> => {
      const outs: TailOutput[] = [];
      for (let more = true; more; ) {
        const out = await t.poll(false, 2048);
        outs.push(out);
        more = out.more === true;
      }
      return outs;
    };
    for (const change of ['replaced', 'truncated', 'rotated'] as const) {
      await fs.rm(file, { force: true });
      await fs.rm(`${file}.1`, { force: true });
      await fs.writeFile(file, `${lines.join('\n')}\n`);
      const t = new NdjsonTailer(file, files, { maxLineBytes: 10_000, chunkBytes: 2048 });
      const first = await t.poll(false, 2048);
      assert.equal(first.more, true);
      const taken = texts(first);
      const fresh = Array.from({ length: 5 }, (_, i) => eventLine(`NEW${i}`));
      if (change === 'replaced') {
        // Same bytes count or more, new content from byte 0: the head check sees it.
        await fs.writeFile(file, `${fresh.join('\n')}\n${lines.slice(5).join('\n')}\n`.replace(/OLD/g, 'NEW'));
      } else if (change === 'truncated') {
        await fs.writeFile(file, `${fresh.join('\n')}\n`);
      } else {
        await fs.rename(file, `${file}.1`);
        await fs.writeFile(file, `${fresh.join('\n')}\n`);
      }
      const outs = await drain(t);
      const rest = outs.flatMap(texts);
      const restarts = outs.flatMap((o) => o.restarts);
      assert.deepEqual(restarts, [change], change);
      if (change === 'rotated') {
        // The old file is drained through its handle (read-ahead included), then the new one from its start.
        assert.deepEqual([...taken, ...rest], [...lines, ...fresh], change);
      } else {
        assert.ok(!rest.some((l) => l.includes('OLD')), `${change}: no old line after the restart`);
        assert.deepEqual(rest.slice(0, 5), fresh, change);
      }
      await t.close();
    }
  });

  it('keeps a half-written line until its newline arrives', async () => {
    await fs.writeFile(file, `${eventLine('E1')}\n{"event_id":"E2","merc`);
    assert.deepEqual(texts(await tailer.poll()), [eventLine('E1')]);
    await fs.appendFile(file, 'hant_id":"M1"}\n');
    const out = await tailer.poll();
    assert.deepEqual(texts(out), ['{"event_id":"E2","merchant_id":"M1"}']);
    assert.equal(out.lines[0]!.line, 2);
  });

  it('in final mode hands over the unterminated last line, marked', async () => {
    await fs.writeFile(file, `${eventLine('E1')}\n${eventLine('E2')}`);
    const out = await tailer.poll(true);
    assert.deepEqual(
      out.lines.map((l) => [l.line, l.unterminated === true]),
      [
        [1, false],
        [2, true],
      ],
    );
  });

  it('restarts at 0 when the file is truncated', async () => {
    await fs.writeFile(file, 'a\nb\nc\n');
    await tailer.poll();
    await fs.truncate(file, 0);
    await fs.appendFile(file, 'd\n');
    const out = await tailer.poll();
    assert.deepEqual(texts(out), ['d']);
    assert.deepEqual(out.restarts, ['truncated']);
    assert.equal(out.lines[0]!.line, 1);
  });

  it('restarts at 0 when the content is replaced in place by the same size (copytruncate and rewrite)', async () => {
    await fs.writeFile(file, 'aaaa\nbbbb\n');
    await tailer.poll();
    const handle = await fs.open(file, 'r+');
    await handle.write(Buffer.from('xxxx\nyyyy\nzz\n'), 0, 13, 0);
    await handle.close();
    const out = await tailer.poll();
    assert.deepEqual(out.restarts, ['replaced']);
    assert.deepEqual(texts(out), ['xxxx', 'yyyy', 'zz']);
  });

  it('drains the old file after a rotation (rename + create), then reads the new one from the start', async () => {
    await fs.writeFile(file, 'old1\n');
    assert.deepEqual(texts(await tailer.poll()), ['old1']);
    await fs.appendFile(file, 'old2\nold3-partial');
    await fs.rename(file, `${file}.1`);
    await fs.writeFile(file, 'new1\nnew2\n');
    const out = await tailer.poll();
    assert.deepEqual(texts(out), ['old2', 'old3-partial', 'new1', 'new2']);
    assert.equal(out.lines[1]!.unterminated, true);
    assert.deepEqual(out.restarts, ['rotated']);
    assert.deepEqual(
      out.lines.map((l) => l.line),
      [2, 3, 1, 2],
    );
    await fs.appendFile(file, 'new3\n');
    assert.deepEqual(texts(await tailer.poll()), ['new3']);
  });

  it('handles a deleted file and reads a recreated one from the start', async () => {
    await fs.writeFile(file, 'a\n');
    await tailer.poll();
    await fs.unlink(file);
    const gone = await tailer.poll();
    assert.deepEqual(gone.restarts, ['deleted']);
    assert.deepEqual(texts(await tailer.poll()), []);
    await fs.writeFile(file, 'b\n');
    assert.deepEqual(texts(await tailer.poll()), ['b']);
  });

  it('resumes from an exported cursor without re-reading, including a pending partial line', async () => {
    await fs.writeFile(file, 'a\nb\nc-part');
    await tailer.poll();
    const cursor = JSON.parse(JSON.stringify(tailer.cursor()));
    await tailer.close();

    await fs.appendFile(file, 'ial\nd\n');
    const resumed = new NdjsonTailer(file, files, { maxLineBytes: 10_000 });
    await resumed.restore(cursor);
    files.reset();
    const out = await resumed.poll();
    assert.deepEqual(
      out.lines.map((l) => [l.line, l.text]),
      [
        [3, 'c-partial'],
        [4, 'd'],
      ],
    );
    assert.ok(files.bytesRead <= 'c-partial\nd\n'.length + 256);
    await resumed.close();
  });

  it('ignores a cursor for a different file at the same path and reads from the start', async () => {
    await fs.writeFile(file, 'a\nb\n');
    await tailer.poll();
    const cursor = tailer.cursor()!;
    await tailer.close();
    await fs.unlink(file);
    await fs.writeFile(file, 'x\ny\nz\n');
    const resumed = new NdjsonTailer(file, files, { maxLineBytes: 10_000 });
    await resumed.restore(cursor);
    assert.deepEqual(texts(await resumed.poll()), ['x', 'y', 'z']);
    await resumed.close();
  });

  it('loses and duplicates nothing while another writer appends in random pieces', async () => {
    const expected = Array.from({ length: 300 }, (_, i) => eventLine(`E${i}`, { message: `é ${'ü'.repeat(i % 7)}` }));
    const bytes = Buffer.from(`${expected.join('\n')}\n`);
    await fs.writeFile(file, '');
    const seen: string[] = [];
    let pos = 0;
    let seed = 7;
    while (pos < bytes.length) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const n = 1 + (seed % 97);
      await fs.appendFile(file, bytes.subarray(pos, pos + n));
      pos += n;
      if (seed % 3 === 0) seen.push(...texts(await tailer.poll()));
    }
    seen.push(...texts(await tailer.poll()));
    assert.deepEqual(seen, expected);
  });
});
