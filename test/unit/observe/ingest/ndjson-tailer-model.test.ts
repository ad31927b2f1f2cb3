import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { nodeFileAccess } from '../../../../src/adapters/node/node-file-access';
import { NdjsonTailer } from '../../../../src/core/observe/ingest/ndjson-tailer';
import { makeTempDir } from './ingest-test-kit';

/**
 * Model test in the manner of Vector's file-source tests: random sequences of appends (cut at arbitrary bytes,
 * multi-byte characters included), polls, rotations (rename + create), deletions and copytruncates, against a real file.
 * Whatever the sequence, every line written is delivered exactly once and in order. Two limits are in the nature of
 * following one path, so the model respects them: copytruncate loses what was not read before the truncation (the
 * copy goes to another file), so it polls right before; and a file rotated away twice without any poll in between
 * (or before the tailer first opened it) is never seen, so a rotation follows at least one poll.
 */
type Command =
  | { op: 'append'; lines: number; cut: number }
  | { op: 'poll' }
  | { op: 'rotate' }
  | { op: 'delete' }
  | { op: 'copytruncate' };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('append' as const), lines: fc.integer({ min: 0, max: 4 }), cut: fc.integer({ min: 0, max: 40 }) }) },
  { weight: 3, arbitrary: fc.constant({ op: 'poll' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'rotate' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'delete' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'copytruncate' as const }) },
);

describe('NdjsonTailer model (fast-check, real files)', () => {
  it('delivers every complete line exactly once, in order, through appends, rotations and copytruncates', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async (commands) => {
        const { dir, cleanup } = await makeTempDir();
        const file = path.join(dir, 'events.ndjson');
        const tailer = new NdjsonTailer(file, nodeFileAccess, { maxLineBytes: 10_000, chunkBytes: 16 });
        const written: string[] = [];
        const delivered: string[] = [];
        let pending = Buffer.alloc(0);
        let seq = 0;
        let rotations = 0;
        let polledSinceRotation = false;
        const poll = async () => {
          for (const l of (await tailer.poll()).lines) delivered.push(l.text);
          polledSinceRotation = true;
        };
        try {
          await fs.writeFile(file, '');
          await poll();
          for (const c of commands) {
            if (c.op === 'append') {
              const text = Array.from({ length: c.lines }, () => {
                const line = `{"n":${seq++},"t":"ünï ✓ ${'x'.repeat(seq % 5)}"}`;
                written.push(line);
                return `${line}\n`;
              }).join('');
              // Hold back a few bytes (possibly mid-character) to leave a half-written line in the file.
              const bytes = Buffer.concat([pending, Buffer.from(text)]);
              const keep = Math.min(c.cut, bytes.length);
              await fs.appendFile(file, bytes.subarray(0, bytes.length - keep));
              pending = bytes.subarray(bytes.length - keep);
            } else if (c.op === 'poll') {
              await poll();
            } else if (c.op === 'rotate' || c.op === 'delete') {
              // Finish the half-written line first: a rotating writer closes its file at a line end.
              await fs.appendFile(file, pending);
              pending = Buffer.alloc(0);
              if (!polledSinceRotation) await poll();
              // Deleted while open: the tailer still drains it through its handle.
              if (c.op === 'rotate') await fs.rename(file, `${file}.${++rotations}`);
              else await fs.unlink(file);
              await fs.writeFile(file, '');
              polledSinceRotation = false;
            } else {
              await fs.appendFile(file, pending);
              pending = Buffer.alloc(0);
              await poll();
              await fs.truncate(file, 0);
            }
          }
          await fs.appendFile(file, pending);
          await poll();
          assert.deepEqual(delivered, written);
        } finally {
          await tailer.close();
          await cleanup();
        }
      }),
      { numRuns: Number(process.env.COSMOS_MODEL_RUNS ?? 60) },
    );
  });
});
