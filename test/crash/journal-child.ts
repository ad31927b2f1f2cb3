/**
 * Crash-test child: appends to a journal until killed. Prints `ACK <seq> <n>` only after the append
 * resolved (after fdatasync), so every ACK the parent reads is an acknowledged, durable entry.
 * Args: journalPath seed groupCommit split(0|1)
 */
import { openSync, writeSync } from 'node:fs';
import { FileJournal } from '../../src/adapters/node/file-journal';
import { encodeEntry } from '../../src/core/memory/journal-codec';
import { mulberry32 } from './prng';

async function main(): Promise<void> {
  const [path, seedArg, groupArg, splitArg] = process.argv.slice(2);
  const rng = mulberry32(Number(seedArg));
  const journal = await FileJournal.open(path!, { groupCommit: Number(groupArg) });
  const torn = journal.recovery.tornTail;
  out(`READY ${journal.seq} ${torn ? `torn:${torn.bytes}` : 'clean'}`);
  const splitAfter = splitArg === '1' ? 1 + Math.floor(rng() * 40) : Infinity;
  let n = 0;
  for (;;) {
    // A few concurrent appends at a time, to exercise the queue and group commit.
    const width = 1 + Math.floor(rng() * 4);
    await Promise.all(
      Array.from({ length: width }, async () => {
        const mine = ++n;
        const e = await journal.append('observation', { n: mine, pad: 'x'.repeat(Math.floor(rng() * 300)) });
        out(`ACK ${e.seq} ${mine}`);
      }),
    );
    if (n >= splitAfter) {
      // A deliberately split record: half a valid line written straight to the file, then wait to be killed.
      const { line } = encodeEntry({ seq: journal.seq + 1, at: Date.now(), type: 'observation', data: { n: -1, pad: 'y'.repeat(200) } }, '0'.repeat(32));
      const cut = 1 + Math.floor(rng() * (line.length - 2));
      const fd = openSync(path!, 'a');
      writeSync(fd, line.slice(0, cut));
      out(`SPLIT ${cut}`);
      await new Promise(() => undefined);
    }
  }
}

function out(line: string): void {
  // Synchronous on pipes (Linux): once written, the parent receives it even if we are killed next.
  process.stdout.write(`${line}\n`);
}

main().catch((err) => {
  out(`ERROR ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
