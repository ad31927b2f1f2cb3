import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { FileJournal } from '../../adapters/node/file-journal';
import { JOURNAL_FILE } from '../../adapters/node/create-node-agent';
import { exportAudit } from '../../core/memory/audit-export';
import type { Io } from '../io';
import { dataDir, parse, stateDirOf } from '../options';
import { InputError, UsageError } from '../usage-error';
import { STATE_FLAGS_HELP, STATE_OPTIONS } from './state-options';

export const AUDIT_USAGE = `Usage: cosmos audit verify [--dir DIR]
       cosmos audit export [--dir DIR] [--out FILE]

verify walks the journal: framing, checksums, sequence numbers and the hash chain; it names the first
broken line (exit 1) — tampering or damage is detectable. export writes every entry plus the
verification result as JSON (stdout, or --out FILE). Neither modifies the journal.

${STATE_FLAGS_HELP}`;

export async function auditCommand(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...STATE_OPTIONS, out: { type: 'string' } }, AUDIT_USAGE);
  if (values.help) {
    io.out(AUDIT_USAGE);
    return 0;
  }
  const sub = positionals[0];
  if (sub !== 'verify' && sub !== 'export') throw new UsageError(`unknown or missing subcommand ${JSON.stringify(sub ?? '')}`, AUDIT_USAGE);
  const dir = dataDir(typeof values.dir === 'string' ? values.dir : '.', AUDIT_USAGE);
  const file = path.join(stateDirOf(values, dir), JOURNAL_FILE);
  if (!existsSync(file)) throw new InputError(`${file}: no journal yet (run \`cosmos analyze\` or \`cosmos run\` first)`);
  const journal = await FileJournal.open(file, { readOnly: true });
  try {
    if (sub === 'verify') {
      const v = await journal.verify();
      if (v.ok) {
        io.out(`journal OK: ${v.entries} entries, hash chain intact (${file})`);
        if (v.tornTail) io.out(`  note: a torn last line (crash mid-append) is present and is dropped on the next open: ${v.tornTail.problem}`);
        return 0;
      }
      io.err(`cosmos: journal verification FAILED after ${v.entries} good entries: ${v.problem}`);
      return 1;
    }
    const exported = await exportAudit(journal, Date.now());
    const text = JSON.stringify(exported, null, 2);
    if (typeof values.out === 'string') {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(values.out, text);
      io.out(`exported ${exported.entries.length} entries to ${values.out} (verify: ${exported.verify.ok ? 'ok' : 'FAILED'})`);
    } else {
      io.out(text);
    }
    return exported.verify.ok ? 0 : 1;
  } finally {
    await journal.close();
  }
}
