/**
 * The writer of the tailing model test, in its own process as a real log writer would be: it executes file
 * operations sent over IPC, one at a time, and answers each with `{ n, ok }` once the operation returned.
 */
import { appendFileSync, copyFileSync, existsSync, renameSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';

export type WriterOp =
  | { op: 'append'; file: string; chunks: string[] }
  | { op: 'rotate'; file: string; to: string }
  | { op: 'copytruncate'; file: string; to: string }
  | { op: 'delete'; file: string }
  | { op: 'create'; file: string }
  | { op: 'pause'; ms: number }
  | { op: 'exit' };

function execute(m: WriterOp): void {
  switch (m.op) {
    case 'append':
      // One write() per chunk (O_APPEND): a burst is many writes, a half line is a write without its newline.
      for (const c of m.chunks) appendFileSync(m.file, c);
      return;
    case 'rotate':
      renameSync(m.file, m.to);
      writeFileSync(m.file, '');
      return;
    case 'copytruncate':
      copyFileSync(m.file, m.to);
      truncateSync(m.file, 0);
      return;
    case 'delete':
      unlinkSync(m.file);
      return;
    case 'create':
      if (!existsSync(m.file)) writeFileSync(m.file, '');
      return;
    case 'pause':
      return;
    case 'exit':
      process.exit(0);
  }
}

process.on('message', (msg: { n: number; op: WriterOp }) => {
  const reply = (ok: boolean, error?: string) => process.send!({ n: msg.n, ok, error });
  try {
    if (msg.op.op === 'pause') {
      setTimeout(() => reply(true), msg.op.ms);
      return;
    }
    execute(msg.op);
    reply(true);
  } catch (err) {
    reply(false, err instanceof Error ? err.message : String(err));
  }
});
process.send!({ n: 0, ok: true });
