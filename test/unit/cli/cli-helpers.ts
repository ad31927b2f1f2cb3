import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import type { Io } from '../../../src/cli/io';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI in-process with buffered output (same code path as the `cosmos` binary). */
export async function cli(...argv: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) };
  const code = await main(argv, io);
  return { code, out, err };
}

export function tempDir(prefix = 'cosmos-cli-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const SAMPLE_DATA = path.join(REPO, 'data');
